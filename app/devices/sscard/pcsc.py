"""PC/SC readers through pyscard: list readers, follow insertion and removal, talk to the card.

Uses pyscard's thin `smartcard.scard` layer so every failure is a result code we can name; no pcscd
(or Windows smart-card service) running is a status, "读卡服务未启动", never an exception for the UI.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.i18n import N_, _

log = logging.getLogger(__name__)

SERVICE_DOWN = N_("读卡服务未启动")

try:
    from smartcard import scard
except ImportError:   # pyscard missing from this installation
    scard = None


class PcscUnavailable(DeviceUnavailable):
    def __init__(self, detail: str = ""):
        super().__init__(_(SERVICE_DOWN) + (_("（{detail}）").format(detail=detail) if detail else ""))


@dataclass(frozen=True)
class SlotState:
    reader: str
    present: bool
    atr: bytes


def _text(hresult: int) -> str:
    try:
        return scard.SCardGetErrorMessage(hresult)
    except Exception:
        return f"0x{hresult & 0xFFFFFFFF:08X}"


class PcscChannel:
    """A connected card."""

    def __init__(self, context: PcscContext, reader: str):
        self.reader = reader
        hresult, self._card, self._protocol = scard.SCardConnect(
            context.handle, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        if hresult == scard.SCARD_E_NO_SMARTCARD or hresult == scard.SCARD_W_REMOVED_CARD:
            raise NoCard(_("请将社保卡插入读卡器"))
        if hresult != scard.SCARD_S_SUCCESS:
            log.info("SCardConnect(%s) failed: %s", reader, _text(hresult))
            raise CardReadError(_("无法连接卡片：{text}").format(text=_text(hresult)))
        hresult, _unused, _unused, _unused, atr = scard.SCardStatus(self._card)
        self.atr = bytes(atr) if hresult == scard.SCARD_S_SUCCESS else b""

    def transmit(self, command: bytes) -> tuple[bytes, int]:
        hresult, response = scard.SCardTransmit(self._card, self._protocol, list(command))
        if hresult != scard.SCARD_S_SUCCESS:
            log.info("SCardTransmit failed: %s", _text(hresult))
            raise CardReadError(_("读卡过程中卡片被拔出或通信失败，请重新插卡"))
        response = bytes(response)
        if len(response) < 2:
            raise CardReadError(_("卡片应答不完整"))
        return response[:-2], int.from_bytes(response[-2:], "big")

    def close(self) -> None:
        scard.SCardDisconnect(self._card, scard.SCARD_LEAVE_CARD)


class PcscContext:
    """A connection to the PC/SC service."""

    def __init__(self):
        if scard is None:
            raise PcscUnavailable(_("未安装 pyscard"))
        hresult, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            log.info("SCardEstablishContext failed: %s", _text(hresult))
            raise PcscUnavailable()

    def readers(self) -> list[str]:
        hresult, readers = scard.SCardListReaders(self.handle, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            log.info("SCardListReaders failed: %s", _text(hresult))
            raise PcscUnavailable()
        return list(readers)

    def states(self, readers: list[str], known: dict[str, int] | None = None, timeout_ms: int = 0) -> list[SlotState]:
        """Each reader's card presence; with `known` event states, waits up to timeout_ms for a change."""
        request = [(r, (known or {}).get(r, scard.SCARD_STATE_UNAWARE)) for r in readers]
        hresult, answers = scard.SCardGetStatusChange(self.handle, timeout_ms, request)
        if hresult == scard.SCARD_E_TIMEOUT:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            log.info("SCardGetStatusChange failed: %s", _text(hresult))
            raise PcscUnavailable()
        self.last_event_states = {reader: event for reader, event, _unused in answers}
        return [SlotState(reader, bool(event & scard.SCARD_STATE_PRESENT), bytes(atr)) for reader, event, atr in answers]

    def connect(self, reader: str) -> PcscChannel:
        return PcscChannel(self, reader)

    def close(self) -> None:
        scard.SCardReleaseContext(self.handle)

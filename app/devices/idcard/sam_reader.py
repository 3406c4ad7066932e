"""A reader driven through the SAM frame protocol over any byte transport (serial port, simulator)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.devices.idcard import sam_frame as sf
from app.devices.idcard.base import CardRead
from app.devices.idcard.text_block import decode_appended_address, decode_text_block
from app.i18n import N_, _

log = logging.getLogger(__name__)

# Seconds each command may take, as vendors' own drivers wait.
TIMEOUTS = {sf.RESET: 0.3, sf.FIND_CARD: 0.5, sf.SELECT_CARD: 0.5, sf.READ_TEXT_PHOTO: 3.5,
            sf.READ_TEXT_PHOTO_FINGERPRINT: 3.5, sf.READ_APPENDED_ADDRESS: 1.0, sf.STATUS: 0.5,
            sf.READ_MODULE_ID: 0.5}
MAX_FRAME = 7 + 3 + 6 + 256 + 1024 + 1024 + 1


class Transport(Protocol):
    def write(self, data: bytes) -> None: ...

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes, fewer when the timeout passes."""

    def discard_input(self) -> None:
        """Drop bytes that arrived unasked (a late answer, line noise)."""


class NoAnswer(DeviceUnavailable):
    """The module did not answer within its timeout."""

    def __init__(self):
        super().__init__(_("身份证阅读器无响应，请检查连接线和电源"))


def read_frame(transport: Transport, timeout: float) -> bytes:
    """One whole frame from the byte stream, skipping anything before a preamble."""
    deadline = time.monotonic() + timeout
    window = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise NoAnswer()
        window += transport.read(1 if window else len(sf.PREAMBLE), remaining)
        at = window.find(sf.PREAMBLE)
        if at >= 0:
            window = window[at:]
            break
        window = window[-(len(sf.PREAMBLE) - 1):]
    while len(window) < 7:
        chunk = transport.read(7 - len(window), max(deadline - time.monotonic(), 0.001))
        if not chunk:
            raise sf.FrameError("frame cut off in its header")
        window += chunk
    total = sf.frame_length(window)
    if total > MAX_FRAME:
        raise sf.FrameError(f"frame length {total} beyond any response")
    while len(window) < total:
        chunk = transport.read(total - len(window), max(deadline - time.monotonic(), 0.001))
        if not chunk:
            raise sf.FrameError(f"frame cut off after {len(window)} of {total} bytes")
        window += chunk
    return window


class SamReader:
    """find → select → read over the frame protocol; every byte passes through the real decoder."""

    def __init__(self, transport: Transport | None, name: str = N_("身份证阅读器")):
        self.transport = transport
        self.name = _(name)
        self.module_id = ""

    # --- connection ---------------------------------------------------------------------------

    def open(self) -> None:
        """Check the module answers and is healthy; idempotent."""
        if self.module_id:
            return
        try:
            status = self.command(sf.STATUS)
        except CardReadError as e:
            raise DeviceUnavailable(_("身份证阅读器通信异常：请检查端口和波特率设置")) from e
        if status.outcome is not sf.Outcome.SUCCESS:
            raise DeviceUnavailable(_("身份证阅读器安全模块异常：{message}").format(message=status.message))
        self.module_id = self.read_module_id()

    def close(self) -> None:
        self.module_id = ""
        close = getattr(self.transport, "close", None)
        if close:
            close()

    # --- commands -----------------------------------------------------------------------------

    def command(self, command: tuple[int, int], data: bytes = b"") -> sf.Response:
        if self.transport is None:
            raise DeviceUnavailable(_("身份证阅读器未连接"))
        self.transport.discard_input()
        self.transport.write(sf.encode_request(command, data))
        try:
            return sf.decode_response(read_frame(self.transport, TIMEOUTS.get(command, 1.0)))
        except sf.FrameError as e:
            log.warning("bad frame from the reader after command %02X %02X: %s", *command, e)
            raise CardReadError(_("读卡数据校验失败，请重新放卡")) from e

    def reset(self) -> None:
        answer = self.command(sf.RESET)
        if answer.outcome is not sf.Outcome.SUCCESS:
            raise DeviceUnavailable(_("身份证阅读器复位失败：{message}").format(message=answer.message))

    def read_module_id(self) -> str:
        answer = self.command(sf.READ_MODULE_ID)
        if answer.outcome is not sf.Outcome.SUCCESS:
            raise DeviceUnavailable(_("读取安全模块号失败：{message}").format(message=answer.message))
        try:
            return sf.format_module_id(answer.data)
        except sf.FrameError as e:
            raise DeviceUnavailable(_("安全模块号格式异常")) from e

    def read_card(self, on_found: Callable[[], None] | None = None, with_fingerprint: bool = False) -> CardRead:
        found = self.command(sf.FIND_CARD)
        expect_outcome(found, sf.Outcome.FOUND, _("寻卡"))
        if on_found:
            on_found()
        expect_outcome(self.command(sf.SELECT_CARD), sf.Outcome.SUCCESS, _("选卡"))
        read = self.command(sf.READ_TEXT_PHOTO_FINGERPRINT if with_fingerprint else sf.READ_TEXT_PHOTO)
        expect_outcome(read, sf.Outcome.SUCCESS, _("读卡"))
        try:
            data = sf.split_card_data(read.data, with_fingerprint)
            identity = decode_text_block(data.text)
        except sf.FrameError as e:
            log.warning("undecodable card data: %s", e)
            raise CardReadError(_("证件信息无法识别，请重新放卡或手工录入")) from e
        appended = self.command(sf.READ_APPENDED_ADDRESS)
        address = decode_appended_address(appended.data) if appended.outcome is sf.Outcome.SUCCESS else ""
        return CardRead(identity, data.photo, address, data.fingerprint)


def expect_outcome(answer: sf.Response, wanted: sf.Outcome, step: str) -> None:
    outcome = answer.outcome
    if outcome is wanted:
        return
    if outcome is sf.Outcome.NO_CARD:
        raise NoCard()
    log.info("%s answered %02X (%s)", step, answer.sw3, outcome.value)
    if outcome in (sf.Outcome.CARD_UNREADABLE, sf.Outcome.AUTH_FAILED):
        raise CardReadError(_("{step}失败：{message}，请重新放卡").format(step=step, message=answer.message))
    raise DeviceUnavailable(_("身份证阅读器{step}出错：{message}").format(step=step, message=answer.message))

"""A simulated PC/SC service with one reader, for training: cards from the roster are inserted and removed.

It stands in for the PC/SC service itself, so the real reader driver and APDU code run unchanged.
"""

from __future__ import annotations

import hashlib
import threading

from app.devices.errors import NoCard
from app.devices.sscard.pcsc import SlotState
from app.devices.sscard.reader import PcscCardReader
from app.devices.sscard.virtual_card import (
    LoopbackChannel,
    VirtualIdCardUid,
    VirtualSocialSecurityCard,
    holder_from_resident,
)
from app.i18n import _

READER = "模拟社保卡读卡器 0"  # i18n: data (the name PC/SC lists the reader under)


class SimulatedPcscService:
    def __init__(self):
        self.card = None
        self._insertions = 0
        self._lock = threading.Lock()
        self.last_event_states: dict[str, int] = {}

    def insert(self, card) -> None:
        with self._lock:
            self.card = card
            card.reset()
            self._insertions += 1

    def remove(self) -> None:
        with self._lock:
            self.card = None
            self._insertions += 1

    # the PcscContext interface
    def readers(self) -> list[str]:
        return [READER]

    def states(self, readers: list[str], known=None, timeout_ms: int = 0) -> list[SlotState]:
        with self._lock:
            self.last_event_states = {READER: self._insertions << 16}
            return [SlotState(READER, self.card is not None, self.card.atr if self.card else b"")]

    def connect(self, reader: str) -> LoopbackChannel:
        with self._lock:
            if self.card is None:
                raise NoCard(_("请插入社保卡"))
            return LoopbackChannel(self.card)

    def close(self) -> None:
        pass


class SimulatedSocialSecurityReader(PcscCardReader):
    """The real PC/SC reader driver over the simulated service; `present`/`present_id_card`/`lift`."""

    def __init__(self, roster: list[dict]):
        self.service = SimulatedPcscService()
        super().__init__(READER, context_factory=lambda: self.service)
        self.name = _("模拟社保卡读卡器")
        self.roster = roster

    def present(self, index: int) -> None:
        self.present_card(self.roster[index])

    def present_card(self, person: dict) -> None:
        """The social security card of anybody (roster keys; a training scenario's citizen)."""
        self.service.insert(VirtualSocialSecurityCard(holder_from_resident(person)))

    def present_id_card(self, index: int) -> None:
        """A resident ID card on this contactless reader: only its UID answers."""
        self.service.insert(VirtualIdCardUid(hashlib.sha256(self.roster[index]["id"].encode()).digest()[:8]))

    def lift(self) -> None:
        self.service.remove()

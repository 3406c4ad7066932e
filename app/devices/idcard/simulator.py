"""A simulated SAM module serving the roster of fictional residents, as protocol frames.

The module answers request frames exactly as the certified module would; it is reached either through
a loopback transport (training mode, any OS) or through a pseudo-terminal (tests of the serial path).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import deque
from pathlib import Path

from app.devices.idcard import sam_frame as sf
from app.devices.idcard.sam_reader import SamReader
from app.devices.idcard.text_block import LAYOUTS, encode_text_block
from app.domain.identity import NATIONS, CardType, Identity
from app.i18n import _

# roster keys that are text-block fields (roster "id" is the layout's "id" too)
_FIELDS = ("name", "english_name", "sex", "nation", "birth", "address", "id", "authority", "valid_from",
           "valid_to", "nationality", "issue_count", "pass_number", "version")
MODULE_ID = bytes.fromhex("05000100e3d834011492dc00a41d5783")   # 05.01-20240611-0014455316-2203524516


def load_roster(resources: Path) -> list[dict]:
    with open(resources / "roster" / "residents.json", encoding="utf-8") as f:
        return json.load(f)["residents"]


def text_block_for(person: dict) -> bytes:
    card_type = CardType(person.get("card", "resident"))
    layout = LAYOUTS[card_type]
    return encode_text_block(card_type, {k: person[k] for k in _FIELDS if k in layout and person.get(k)})


def photo_for(person: dict) -> bytes:
    """1024 bytes standing in for the WLT photo (the real format is licensed)."""
    return (hashlib.sha512(person["id"].encode()).digest() * 16)[:1024]


class SimulatedSamModule:
    """Answers request frames like the certified module: a read card must be lifted before it is found again.

    Roster entries may carry a "behaviour": "damaged" (every read fails) or "lifted_mid_read" (the card
    leaves the field during its first read).
    """

    def __init__(self, roster: list[dict]):
        self.roster = roster
        self.card: dict | None = None
        self.silent = False            # a hung module: requests get no answer at all
        self._selected = False
        self._read_done = False
        self._lock = threading.Lock()

    def present(self, index: int) -> dict:
        return self.present_card(self.roster[index])

    def present_card(self, person: dict) -> dict:
        """Lay a card of anybody on the reader (roster keys: name, sex, nation, birth, address, id, …)."""
        with self._lock:
            self.card, self._selected, self._read_done = person, False, False
            return self.card

    def lift(self) -> None:
        with self._lock:
            self.card, self._selected, self._read_done = None, False, False

    def handle(self, frame: bytes) -> bytes:
        with self._lock:
            if self.silent:
                return b""
            return self._answer(frame)

    def _answer(self, frame: bytes) -> bytes:
        try:
            command, _unused = sf.decode_request(frame)
        except sf.FrameError:
            return sf.encode_response(0x10)
        if command in (sf.RESET, sf.STATUS):
            return sf.encode_response(sf.SUCCESS)
        if command == sf.READ_MODULE_ID:
            return sf.encode_response(sf.SUCCESS, MODULE_ID)
        if command == sf.FIND_CARD:
            if self.card is None or self._read_done:
                return sf.encode_response(0x80)
            return sf.encode_response(sf.FIND_SUCCESS, bytes(4))
        if command == sf.SELECT_CARD:
            if self.card is None:
                return sf.encode_response(0x81)
            self._selected = True
            return sf.encode_response(sf.SUCCESS, bytes(8))
        if command in (sf.READ_TEXT_PHOTO, sf.READ_TEXT_PHOTO_FINGERPRINT):
            return self._read(with_fingerprint=command == sf.READ_TEXT_PHOTO_FINGERPRINT)
        if command == sf.READ_APPENDED_ADDRESS:
            extra = (self.card or {}).get("appended_address", "")
            if not extra:
                return sf.encode_response(sf.NO_CONTENT)
            return sf.encode_response(sf.SUCCESS, (extra.encode("utf-16-le") + " ".encode("utf-16-le") * 35)[:70])
        return sf.encode_response(0x21)

    def _read(self, with_fingerprint: bool) -> bytes:
        if not self._selected or self.card is None:
            return sf.encode_response(0x41)
        behaviour = self.card.get("behaviour", "")
        if behaviour == "damaged":
            return sf.encode_response(0x41)
        if behaviour == "lifted_mid_read":
            self.card, self._selected = None, False
            return sf.encode_response(0x41)
        self._read_done = True
        data = sf.encode_card_data(text_block_for(self.card), photo_for(self.card),
                                   b"" if with_fingerprint else None)
        return sf.encode_response(sf.SUCCESS, data)


class LoopbackTransport:
    """Carries request frames to a simulated module and its answers back, byte for byte."""

    def __init__(self, module: SimulatedSamModule):
        self.module = module
        self._buffer: deque[int] = deque()

    def write(self, data: bytes) -> None:
        self._buffer.extend(self.module.handle(bytes(data)))

    def read(self, size: int, timeout: float) -> bytes:
        n = min(size, len(self._buffer))
        if n == 0 and timeout > 0:
            threading.Event().wait(min(timeout, 0.05))   # a silent module: behave like a line timing out
        return bytes(self._buffer.popleft() for _unused in range(n))

    def discard_input(self) -> None:
        self._buffer.clear()


class SimulatedIdCardReader(SamReader):
    """The SAM reader driver wired to a simulated module; `present`/`lift` put cards on it."""

    def __init__(self, roster: list[dict]):
        self.module = SimulatedSamModule(roster)
        super().__init__(LoopbackTransport(self.module), name=_("模拟身份证阅读器"))

    @property
    def roster(self) -> list[dict]:
        return self.module.roster

    def present(self, index: int) -> dict:
        return self.module.present(index)

    def present_card(self, person: dict) -> dict:
        return self.module.present_card(person)

    def lift(self) -> None:
        self.module.lift()


def card_of(identity: Identity) -> dict:
    """The roster entry of a simulated card for this holder (the inverse of reading one)."""
    codes = {name: code for code, name in NATIONS.items()}

    def day(d) -> str:
        return f"{d:%Y%m%d}" if d else ""

    card = {"name": identity.name, "sex": identity.sex.value if identity.sex else "1",
            "nation": codes.get(identity.nation, ""), "birth": day(identity.birth_date), "address": identity.address,
            "id": identity.id_number, "authority": identity.issuing_authority, "valid_from": day(identity.valid_from),
            "valid_to": _("长期") if identity.long_term else day(identity.valid_to), "card": identity.card_type.value}
    for key, value in (("english_name", identity.english_name), ("nationality", identity.nationality),
                       ("pass_number", identity.pass_number), ("issue_count", identity.issue_count)):
        if value:
            card[key] = value
    return card

"""A simulated SAM module serving cards from the roster of fictional residents, as protocol frames."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from pathlib import Path

from app.devices.idcard import sam_frame as sf
from app.devices.idcard.sam_reader import SamReader
from app.devices.idcard.text_block import encode_text_block

_TYPE_MARKERS = {"resident": " ", "hmt_residence": "J"}


def load_roster(resources: Path) -> list[dict]:
    with open(resources / "roster" / "residents.json", encoding="utf-8") as f:
        return json.load(f)["residents"]


def text_block_for(person: dict) -> bytes:
    return encode_text_block({
        "name": person["name"], "sex": person["sex"], "nation": person["nation"], "birth": person["birth"],
        "address": person["address"], "id": person["id"], "authority": person["authority"],
        "valid_from": person["valid_from"], "valid_to": person["valid_to"],
        "type": _TYPE_MARKERS.get(person["card"], " "),
    })


class SimulatedSamModule:
    """Answers request frames like the certified module: a read card must be lifted before it is found again."""

    def __init__(self, roster: list[dict]):
        self.roster = roster
        self.card: dict | None = None
        self._selected = False
        self._read_done = False

    def present(self, index: int) -> dict:
        self.card, self._selected, self._read_done = self.roster[index], False, False
        return self.card

    def lift(self) -> None:
        self.card, self._selected, self._read_done = None, False, False

    def handle(self, frame: bytes) -> bytes:
        try:
            command, _ = sf.decode_request(frame)
        except sf.FrameError:
            return sf.encode_response(0x10)
        if command in (sf.RESET, sf.STATUS):
            return sf.encode_response(sf.SUCCESS)
        if command == sf.READ_MODULE_ID:
            return sf.encode_response(sf.SUCCESS, hashlib.sha256(b"simulated-sam").digest()[:16])
        if command == sf.FIND_CARD:
            if self.card is None or self._read_done:
                return sf.encode_response(0x80)
            return sf.encode_response(sf.FIND_SUCCESS, b"\x00\x00\x00\x00")
        if command == sf.SELECT_CARD:
            if self.card is None:
                return sf.encode_response(0x81)
            self._selected = True
            return sf.encode_response(sf.SUCCESS, bytes(8))
        if command == sf.READ_TEXT_PHOTO:
            if not self._selected or self.card is None:
                return sf.encode_response(0x41)
            text = text_block_for(self.card)
            photo = hashlib.sha512(self.card["id"].encode()).digest() * 16
            self._read_done = True
            return sf.encode_response(sf.SUCCESS, len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
                                      + text + photo)
        if command == sf.READ_APPENDED_ADDRESS:
            extra = (self.card or {}).get("appended_address", "")
            if not extra:
                return sf.encode_response(sf.NO_CONTENT)
            return sf.encode_response(sf.SUCCESS, (extra.encode("utf-16-le") + " ".encode("utf-16-le") * 35)[:70])
        return sf.encode_response(0x21)


class LoopbackTransport:
    """Carries request frames to a simulated module and its answers back, byte for byte."""

    def __init__(self, module: SimulatedSamModule):
        self.module = module
        self._buffer: deque[int] = deque()

    def write(self, data: bytes) -> None:
        self._buffer.extend(self.module.handle(bytes(data)))

    def read(self, size: int, timeout: float) -> bytes:
        n = min(size, len(self._buffer))
        return bytes(self._buffer.popleft() for _ in range(n))


class SimulatedIdCardReader(SamReader):
    """The SAM reader driver wired to a simulated module; `present`/`lift` put cards on it."""

    def __init__(self, roster: list[dict]):
        self.module = SimulatedSamModule(roster)
        super().__init__(LoopbackTransport(self.module), name="模拟身份证阅读器")

    @property
    def roster(self) -> list[dict]:
        return self.module.roster

    def present(self, index: int) -> dict:
        return self.module.present(index)

    def lift(self) -> None:
        self.module.lift()

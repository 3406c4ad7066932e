"""Decoding (and, for the simulator, encoding) the card's 256-byte UCS-2 text block."""

from __future__ import annotations

from datetime import date

from app.devices.idcard.sam_frame import FrameError
from app.domain.identity import NATIONS, CardType, Identity, Sex

TEXT_SIZE = 256
# (offset, size) in bytes of the resident card (and the J residence permit) fields
RESIDENT_LAYOUT = {
    "name": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth": (36, 16), "address": (52, 70),
    "id": (122, 36), "authority": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16),
    "pass_number": (220, 18), "issue_count": (238, 4), "type": (248, 2),
}


def _field(block: bytes, name: str) -> str:
    off, size = RESIDENT_LAYOUT[name]
    return block[off:off + size].decode("utf-16-le", errors="replace").strip().rstrip("\x00").strip()


def _date(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def card_type_of(block: bytes) -> CardType:
    marker = _field(block, "type")
    return {"J": CardType.HMT_RESIDENCE, "I": CardType.FOREIGNER_OLD, "Y": CardType.FOREIGNER_2023}.get(
        marker, CardType.RESIDENT)


def decode_text_block(block: bytes) -> Identity:
    """The identity in a resident card's (or J permit's) text block; raises FrameError when malformed."""
    if len(block) != TEXT_SIZE:
        raise FrameError(f"text block must be {TEXT_SIZE} bytes, got {len(block)}")
    card_type = card_type_of(block)
    if card_type in (CardType.FOREIGNER_OLD, CardType.FOREIGNER_2023):
        raise FrameError("foreigner's permanent residence cards are not decoded by this layout")
    sex = {"1": Sex.MALE, "2": Sex.FEMALE}.get(_field(block, "sex"))
    valid_to_text = _field(block, "valid_to")
    return Identity(
        name=_field(block, "name"), id_number=_field(block, "id").upper(), sex=sex,
        nation=NATIONS.get(_field(block, "nation"), ""), birth_date=_date(_field(block, "birth")),
        address=_field(block, "address"), issuing_authority=_field(block, "authority"),
        valid_from=_date(_field(block, "valid_from")), valid_to=_date(valid_to_text),
        long_term=valid_to_text == "长期", card_type=card_type,
    )


def encode_text_block(fields: dict[str, str]) -> bytes:
    """A text block from raw field strings (used by the simulator to serve its roster)."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    for name, value in fields.items():
        off, size = RESIDENT_LAYOUT[name]
        raw = value.encode("utf-16-le")[:size]
        block[off:off + len(raw)] = raw
    return bytes(block)


def decode_appended_address(data: bytes) -> str:
    return data.decode("utf-16-le", errors="replace").strip().rstrip("\x00").strip()

"""Saved reader traffic, in the forms it is found in the field: a whole frame (with bytes before it — an outer
wrapper such as `AA 05 12 A0 10 …` — or after it, a stray byte), a request frame, the bare payload of a read
(`01 00 04 00` + text + photo, as vendors' SDKs hand it out), a 256-byte text block, each as binary, hex text
or Base64 text. The frame is found by its preamble and its own length field is trusted."""

from __future__ import annotations

import base64
import binascii
import re
import string
from dataclasses import dataclass

from app.devices.idcard import sam_frame as sf
from app.devices.idcard.text_block import TEXT_SIZE

PHOTO_SIZE = 1024                 # the WLT-compressed photo
FINGERPRINT_SIZES = (0, 512, 1024)  # none on the card, one finger, two fingers (30 10 reads)
APPENDED_ADDRESS_SIZE = 70
MODULE_ID_SIZE = 16
REQUEST_NAMES = {
    sf.RESET: "reset", sf.STATUS: "status", sf.READ_MODULE_ID: "read_module_id", sf.FIND_CARD: "find_card",
    sf.SELECT_CARD: "select_card", sf.READ_TEXT_PHOTO: "read_text_photo",
    sf.READ_TEXT_PHOTO_FINGERPRINT: "read_text_photo_fingerprint", sf.READ_APPENDED_ADDRESS: "read_appended_address",
}
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]+")


@dataclass(frozen=True)
class Capture:
    kind: str                          # "response_frame", "request_frame", "card_data", "text_block"
    response: sf.Response | None = None
    request: str = ""                  # the request's name (REQUEST_NAMES) or its two command bytes in hex
    card: sf.CardData | None = None    # the text and photo (and fingerprint) a read carried
    module_id: str = ""
    appended_address: bytes = b""
    skipped_before: int = 0            # bytes before the frame (an outer wrapper)
    skipped_after: int = 0             # bytes after the frame's own length (a stray byte)
    encoding: str = "binary"           # how the capture was written down: binary, hex or base64


def as_bytes(raw: bytes) -> tuple[bytes, str]:
    """The bytes a saved capture holds, and how it was written: hex text, Base64 text or binary."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return raw, "binary"
    if not text.strip():
        return raw, "binary"
    digits = "".join(text.split())
    if all(c in string.hexdigits for c in digits) and len(digits) % 2 == 0:
        return bytes.fromhex(digits), "hex"
    if _BASE64.fullmatch(text):
        try:
            return base64.b64decode(digits, validate=True), "base64"
        except (binascii.Error, ValueError):
            pass
    return raw, "binary"


def card_data(data: bytes) -> sf.CardData | None:
    """The text, photo and fingerprint of a read's data, when its lengths say so (else None)."""
    for with_fingerprint in (False, True):
        try:
            card = sf.split_card_data(data, with_fingerprint)
        except sf.FrameError:
            continue
        if len(card.text) == TEXT_SIZE and len(card.photo) == PHOTO_SIZE and len(card.fingerprint) in FINGERPRINT_SIZES:
            return card
    return None


def read_capture(raw: bytes) -> Capture:
    """What a saved capture is; raises FrameError (with the reason) when it is none of the known forms."""
    data, encoding = as_bytes(raw)
    at = data.find(sf.PREAMBLE)
    if at >= 0:
        return _frame(data, at, encoding)
    card = card_data(data)
    if card is not None:
        return Capture("card_data", card=card, encoding=encoding)
    if len(data) == TEXT_SIZE:
        return Capture("text_block", card=sf.CardData(data, b""), encoding=encoding)
    raise sf.FrameError(f"no frame preamble (AA AA AA 96 69), not a read's payload (01 00 04 00 …) nor a "
                        f"{TEXT_SIZE}-byte text block: {len(data)} bytes")


def _frame(data: bytes, at: int, encoding: str) -> Capture:
    if len(data) - at < 8:
        raise sf.FrameError(f"frame cut short ({len(data) - at} bytes after the preamble)")
    size = sf.frame_length(data[at:at + 7])
    if len(data) - at < size:
        raise sf.FrameError(f"frame cut short: its length says {size} bytes, {len(data) - at} are there")
    frame = data[at:at + size]
    skipped = {"skipped_before": at, "skipped_after": len(data) - at - size, "encoding": encoding}
    body = sf.split_frame(frame)
    command = (body[0], body[1]) if len(body) >= 2 else None
    if len(body) == 2 or (command in REQUEST_NAMES and body[0] != 0):
        return Capture("request_frame", request=REQUEST_NAMES.get(command, body[:2].hex()), **skipped)
    response = sf.decode_response(frame)
    out = Capture("response_frame", response=response, **skipped)
    if response.outcome is not sf.Outcome.SUCCESS or not response.data:
        return out
    if len(response.data) == APPENDED_ADDRESS_SIZE:
        return Capture("response_frame", response=response, appended_address=response.data, **skipped)
    if len(response.data) == MODULE_ID_SIZE:
        return Capture("response_frame", response=response, module_id=sf.format_module_id(response.data), **skipped)
    card = card_data(response.data)
    return Capture("response_frame", response=response, card=card, **skipped) if card else out

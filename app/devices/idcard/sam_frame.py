"""The certified security module's (SAM) frame protocol: AA AA AA 96 69 | len(2, BE) | body | XOR."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.i18n import N_, _

PREAMBLE = bytes.fromhex("AAAAAA9669")

RESET = (0x10, 0xFF)
STATUS = (0x11, 0xFF)
READ_MODULE_ID = (0x12, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_TEXT_PHOTO = (0x30, 0x01)
READ_TEXT_PHOTO_FINGERPRINT = (0x30, 0x10)
READ_APPENDED_ADDRESS = (0x30, 0x03)

SUCCESS = 0x90
FIND_SUCCESS = 0x9F
NO_CONTENT = 0x91

RESULT_MESSAGES = {
    0x90: N_("成功"), 0x9F: N_("寻卡成功"), 0x91: N_("无此内容"),
    0x10: N_("指令校验和错误"), 0x11: N_("指令长度错误"), 0x21: N_("指令无法识别"), 0x23: N_("越权操作"), 0x24: N_("无法识别的错误"),
    0x31: N_("卡认证机具失败"), 0x32: N_("机具认证卡失败"), 0x33: N_("信息验证错误"),
    0x40: N_("无法识别的卡类型"), 0x41: N_("读卡操作失败"), 0x47: N_("取随机数失败"), 0x60: N_("模块自检失败"),
    0x66: N_("模块未经授权"), 0x80: N_("寻卡失败（未放卡）"), 0x81: N_("选卡失败"),
}


class Outcome(Enum):
    """What a result code means for the caller."""

    SUCCESS = "success"              # 90
    FOUND = "found"                  # 9F: a card is in the field
    NO_CONTENT = "no_content"        # 91: e.g. no appended address
    NO_CARD = "no_card"              # 80: nothing to read (or the card read last is still lying there)
    CARD_UNREADABLE = "card"         # the card or its read failed: present it again
    AUTH_FAILED = "auth"             # mutual authentication or information check failed
    REQUEST_REJECTED = "request"     # the module refused our request: a driver or cable fault
    MODULE_FAULT = "module"          # the security module itself is unusable
    UNKNOWN = "unknown"


RESULT_OUTCOMES = {
    0x90: Outcome.SUCCESS, 0x9F: Outcome.FOUND, 0x91: Outcome.NO_CONTENT, 0x80: Outcome.NO_CARD,
    0x10: Outcome.REQUEST_REJECTED, 0x11: Outcome.REQUEST_REJECTED, 0x21: Outcome.REQUEST_REJECTED,
    0x23: Outcome.REQUEST_REJECTED, 0x24: Outcome.MODULE_FAULT,
    0x31: Outcome.AUTH_FAILED, 0x32: Outcome.AUTH_FAILED, 0x33: Outcome.AUTH_FAILED,
    0x40: Outcome.CARD_UNREADABLE, 0x41: Outcome.CARD_UNREADABLE, 0x47: Outcome.CARD_UNREADABLE,
    0x81: Outcome.CARD_UNREADABLE, 0x60: Outcome.MODULE_FAULT, 0x66: Outcome.MODULE_FAULT,
}


class FrameError(ValueError):
    """A frame is malformed: wrong preamble, length or checksum, or truncated."""


@dataclass(frozen=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @property
    def message(self) -> str:
        return RESULT_MESSAGES.get(self.sw3, _("未知结果码 {sw3:02X}").format(sw3=self.sw3))

    @property
    def outcome(self) -> Outcome:
        return RESULT_OUTCOMES.get(self.sw3, Outcome.UNKNOWN)


def checksum(body_with_length: bytes) -> int:
    x = 0
    for b in body_with_length:
        x ^= b
    return x


def encode_frame(body: bytes) -> bytes:
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def encode_request(command: tuple[int, int], data: bytes = b"") -> bytes:
    return encode_frame(bytes(command) + data)


def split_frame(frame: bytes) -> bytes:
    """Check a whole frame and return its body (without length and checksum)."""
    if len(frame) < 8:
        raise FrameError(f"frame too short ({len(frame)} bytes)")
    if frame[:5] != PREAMBLE:
        raise FrameError("bad preamble")
    length = int.from_bytes(frame[5:7], "big")
    if len(frame) != 7 + length:
        raise FrameError(f"length field says {length}, frame carries {len(frame) - 7}")
    if checksum(frame[5:-1]) != frame[-1]:
        raise FrameError("checksum mismatch")
    return frame[7:-1]


def decode_request(frame: bytes) -> tuple[tuple[int, int], bytes]:
    body = split_frame(frame)
    if len(body) < 2:
        raise FrameError("request without command")
    return (body[0], body[1]), body[2:]


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


def decode_response(frame: bytes) -> Response:
    body = split_frame(frame)
    if len(body) < 3:
        raise FrameError("response without status words")
    return Response(body[0], body[1], body[2], body[3:])


def frame_length(header: bytes) -> int:
    """Total frame size from its first 7 bytes (preamble + length)."""
    if header[:5] != PREAMBLE:
        raise FrameError("bad preamble")
    return 7 + int.from_bytes(header[5:7], "big")


@dataclass(frozen=True)
class CardData:
    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def split_card_data(data: bytes, with_fingerprint: bool = False) -> CardData:
    """The text block, photo (and fingerprint) of a read (30 01 / 30 10) response's data."""
    fields = 3 if with_fingerprint else 2
    head = 2 * fields
    if len(data) < head:
        raise FrameError("read response too short")
    lengths = [int.from_bytes(data[2 * i:2 * i + 2], "big") for i in range(fields)]
    if len(data) != head + sum(lengths):
        raise FrameError(f"read response carries {len(data) - head} bytes, its lengths say {sum(lengths)}")
    parts, at = [], head
    for n in lengths:
        parts.append(data[at:at + n])
        at += n
    return CardData(*parts)


def encode_card_data(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    parts = [text, photo] + ([fingerprint] if fingerprint is not None else [])
    return b"".join(len(p).to_bytes(2, "big") for p in parts) + b"".join(parts)


def format_module_id(data: bytes) -> str:
    """The module (SAM) ID as vendors print it: 05.01-20091219-0014455316-2203524516."""
    if len(data) != 16:
        raise FrameError(f"module ID must be 16 bytes, got {len(data)}")
    le = int.from_bytes
    return (f"{le(data[0:2], 'little'):02d}.{le(data[2:4], 'little'):02d}-{le(data[4:8], 'little'):08d}"
            f"-{le(data[8:12], 'little'):010d}-{le(data[12:16], 'little'):010d}")

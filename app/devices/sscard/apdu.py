"""APDUs of the social-security card's basic files and their decoding (GBK strings, BCD dates, TLV)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.identity import card_date

# "sx1.sh." + GBK "社会保障": the social-security environment (SSSE)
SSSE_NAME = b"sx1.sh." + "社会保障".encode("gbk")
SELECT_SSSE = bytes([0x00, 0xA4, 0x04, 0x00, len(SSSE_NAME)]) + SSSE_NAME
SELECT_EF05 = bytes.fromhex("00A4020002EF05")
SELECT_EF06 = bytes.fromhex("00A4020002EF06")
READ_CARD_NUMBER = bytes.fromhex("00B2072C00")   # record 07 of SFI 5 (EF05); Le 00 = whatever the record holds
READ_CARD_NUMBER_SELECTED = bytes.fromhex("00B2070400")  # record 07 of the file selected (cards without SFI reads)
# VERIFY without data asks how many tries the PIN has left (63Cx) without spending one (ISO 7816-4).
PIN_TRIES = bytes.fromhex("0020000000")
DEFAULT_PIN = "123456"                           # the issuing banks' initial PIN
PIN_TRIES_FULL = 3
GET_UID = bytes.fromhex("FFCA000000")            # PC/SC GET DATA: the UID of a contactless card
GET_ID_CARD_UID = bytes.fromhex("0036000008")    # the resident ID card's 8-byte UID on a plain contactless reader

# EF06 records: (record number, Le)
EF06_RECORDS = {"ss_number": (0x08, 0x14), "name": (0x09, 0x20), "sex": (0x0A, 0x03), "nation": (0x0B, 0x03),
                "birthplace": (0x0C, 0x05), "birth": (0x0D, 0x06)}

SW_OK = 0x9000
SW_SECURITY_NOT_SATISFIED = 0x6982


def verify_pin(pin: str) -> bytes:
    digits = bytes.fromhex(pin) if len(pin) % 2 == 0 else bytes.fromhex(pin + "F")   # BCD, F-padded
    return bytes([0x00, 0x20, 0x00, 0x00, len(digits)]) + digits


def read_record(record: int, le: int, sfi: int | None = None) -> bytes:
    p2 = ((sfi << 3) | 0x04) if sfi is not None else 0x04
    return bytes([0x00, 0xB2, record, p2, le])


class CardDataError(ValueError):
    """The card's answer does not have the expected shape."""


def tlv_value(record: bytes) -> bytes:
    """The value of a record stored as tag, length, value."""
    if len(record) < 2:
        raise CardDataError(f"record of {len(record)} bytes has no TLV header")
    length = record[1]
    if len(record) < 2 + length:
        raise CardDataError(f"record says {length} bytes, holds {len(record) - 2}")
    return record[2:2 + length]


def gbk_text(value: bytes) -> str:
    return value.rstrip(b"\x00\xff ").decode("gbk", errors="replace").strip()


def bcd(value: bytes) -> str:
    return value.hex().upper()


def bcd_date(value: bytes) -> date | None:
    return card_date(bcd(value))


def sex_code(value: bytes) -> str:
    """'1' male, '2' female: stored either as an ASCII digit or as a binary 1/2."""
    if not value:
        return ""
    b = value[0]
    return {0x31: "1", 0x32: "2", 0x01: "1", 0x02: "2"}.get(b, "")


def nation_code(value: bytes) -> str:
    """Two-digit GB/T 3304 code, stored as BCD (or as two ASCII digits on some cards)."""
    if len(value) >= 2 and value[:2].isdigit():
        return value[:2].decode()
    return bcd(value[:1]) if value else ""


@dataclass(frozen=True)
class SocialSecurityCard:
    card_number: str           # 卡号
    ss_number: str             # 社会保障号码 (normally the ID number)
    name: str
    sex: str                   # '1' / '2' / ''
    nation: str                # GB/T 3304 code
    birthplace: str            # GB/T 2260 region code
    birth_date: date | None
    atr: str = ""

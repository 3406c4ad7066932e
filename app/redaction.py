"""Personal data taken out of text that leaves the desk's screens: log lines, tracebacks, crash dialogs.

Two nets. Patterns catch what has a shape: ID numbers of 18 and 15 characters (also with spaces or hyphens
between the groups), mobile numbers, bank card numbers, and addresses written down to the house number.
Names have no shape, so every person this process has met (each `Identity` made from a card, a form or a
stored case) is remembered, and their name, address and numbers are masked wherever they appear later.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

_SEP = r"[ \-]?"
# 18 characters (17 digits + digit/X) or 15 digits, optionally split into groups by single spaces/hyphens.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d(?:" + _SEP + r"\d){14}(?:(?:" + _SEP + r"\d){2}" + _SEP
                 + r"[0-9Xx])?)(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})(?!\d)")
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{8,11}(\d{4})(?![0-9A-Za-z])")      # bank cards
_ADDRESS = re.compile(r"([\u4e00-\u9fff]{2,3})[\u4e00-\u9fff0-9A-Za-z（）()·\-]{0,40}?"
                      r"(?:路|街|巷|弄|村|里|道|组|苑|园|区|院)[\u4e00-\u9fff0-9A-Za-z\-]{0,20}?\d+(?:-\d+)*"
                      r"(?:号|室|栋|幢|单元|楼)(?:[0-9A-Za-z\-]*(?:号|室|栋|幢|单元|楼))*")

_LIMIT = 5000
_known: OrderedDict[str, None] = OrderedDict()
_lock = threading.Lock()
_pattern: re.Pattern[str] | None = None


def remember(*values: str) -> None:
    """Values to mask from now on (names of two or more characters, addresses, numbers)."""
    global _pattern
    fresh = [v.strip() for v in values if v and len(v.strip()) >= 2]
    if not fresh:
        return
    with _lock:
        changed = False
        for v in fresh:
            if v in _known:
                _known.move_to_end(v)
            else:
                _known[v] = None
                changed = True
        while len(_known) > _LIMIT:
            _known.popitem(last=False)
            changed = True
        if changed:
            _pattern = None


def _known_pattern() -> re.Pattern[str] | None:
    global _pattern
    with _lock:
        if _pattern is None and _known:
            _pattern = re.compile("|".join(re.escape(v) for v in sorted(_known, key=len, reverse=True)))
        return _pattern


def _mask_known(value: str) -> str:
    if len(value) >= 12 and value.isascii() and value.isalnum():       # a document or pass number
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) <= 3:
        return value[0] + "*" * (len(value) - 1)
    return value[:2] + "*" * min(len(value) - 2, 8)


def _mask_id(m: re.Match[str]) -> str:
    digits = re.sub(r"[ \-]", "", m[1])
    if len(digits) not in (15, 18):
        return m[0]
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def redact(text: str) -> str:
    """`text` with every ID number, phone, card number, address and remembered person masked."""
    if not text:
        return text
    text = _ID.sub(_mask_id, text)
    text = _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    text = _LONG_NUMBER.sub(lambda m: f"{m[1]}********{m[2]}", text)
    text = _ADDRESS.sub(lambda m: m[1] + "****", text)
    known = _known_pattern()            # then whoever has no shape: names, addresses written loosely
    return known.sub(lambda m: _mask_known(m[0]), text) if known is not None else text

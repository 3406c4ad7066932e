"""User-facing text: Chinese in the source, other languages from resources/i18n/<lang>.json.

`_("...")` returns the translation for the active language; placeholders are checked so a bad
translation falls back to the Chinese original instead of crashing.
"""

from __future__ import annotations

import json
import logging
import string
from pathlib import Path

log = logging.getLogger(__name__)
_table: dict[str, str] = {}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def install(language: str, resources: Path) -> None:
    """Activate a language; zh_CN (the source language) needs no table."""
    _table.clear()
    if language.startswith("zh"):
        return
    path = resources / "i18n" / f"{language}.json"
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        log.warning("no translation table for %s (%s)", language, e)
        return
    for src, dst in table.items():
        if _placeholders(src) == _placeholders(dst):
            _table[src] = dst
        else:
            log.warning("translation of %r has different placeholders; ignored", src)


def _(text: str) -> str:
    return _table.get(text, text)

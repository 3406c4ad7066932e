"""User-facing text: Chinese in the source, other languages from resources/i18n/<lang>.json.

`_("...")` returns the translation for the active language; placeholders are checked so a bad
translation falls back to the Chinese original instead of crashing. `N_("...")` marks text in a
table built at import (before a language is chosen): the table keeps the Chinese, and the code that
shows an entry passes it through `_()`.

Printed documents stay Chinese whatever the interface speaks: what runs `in_print_language` (or
under `@printed`) gets the Chinese originals from `_()`, so the domain's wording serves the screen
and the paper alike.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import logging
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)
SOURCE_LANGUAGE = "zh_CN"
LANGUAGES = {"zh_CN": "中文", "en": "English"}  # i18n: data (each language in its own words)
_table: dict[str, str] = {}
_active = [SOURCE_LANGUAGE]
_printing: contextvars.ContextVar[bool] = contextvars.ContextVar("printing", default=False)
P = ParamSpec("P")
R = TypeVar("R")


def _placeholders(text: str) -> set[str] | None:
    """The names a text is formatted with; None for a text that is never formatted (it has a lone brace)."""
    try:
        return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def install(language: str, resources: Path) -> None:
    """Activate a language; zh_CN (the source language) needs no table."""
    _table.clear()
    _active[0] = SOURCE_LANGUAGE
    if language.startswith("zh"):
        return
    path = resources / "i18n" / f"{language}.json"
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        log.warning("no translation table for %s (%s)", language, e)
        return
    for src, dst in table.items():
        if not dst:
            continue
        if _placeholders(src) == _placeholders(dst):
            _table[src] = dst
        else:
            log.warning("a translation has different placeholders; ignored: %s", _placeholders(src))
    _active[0] = language


def language() -> str:
    """The language the interface speaks now (zh_CN unless a table was installed)."""
    return _active[0]


def _(text: str) -> str:
    if _printing.get():
        return text
    return _table.get(text, text)


def N_(text: str) -> str:
    """Mark text for translation where it is shown; it stays Chinese here."""
    return text


@contextlib.contextmanager
def in_print_language() -> Iterator[None]:
    token = _printing.set(True)
    try:
        yield
    finally:
        _printing.reset(token)


def printed(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a function that composes a printed document with `_()` answering in Chinese."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with in_print_language():
            return fn(*args, **kwargs)
    return wrapper

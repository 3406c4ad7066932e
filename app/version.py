"""The one version of the product, as pyproject.toml declares it: shown by `--version` and the About dialog,
and written into the Windows executables' version resource by build.spec."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

from app.i18n import N_

PRODUCT = N_("综窗")
PRODUCT_LATIN = "Zongchuang"
PUBLISHER = "Zongchuang"


@cache
def version() -> str:
    """From the source tree's pyproject.toml when running from it (always current), else from the installed
    package's metadata (a wheel, or the frozen build, which carries it)."""
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        return metadata.version("zongchuang")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def numeric(text: str | None = None) -> tuple[int, int, int, int]:
    """The four numbers of a Windows version resource (1.2.3rc1 → 1, 2, 3, 0)."""
    parts = []
    for piece in (text or version()).split(".")[:4]:
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        parts.append(int(digits or 0))
    return tuple((parts + [0, 0, 0, 0])[:4])

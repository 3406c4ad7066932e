"""Reading PDFs back the way a person would: poppler's text, fonts and renders, and a QR scanner."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import zxingcpp


def _file(pdf: bytes | Path, folder: Path) -> Path:
    if isinstance(pdf, Path):
        return pdf
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def text(pdf: bytes | Path, layout: bool = True) -> str:
    """The text as poppler reads it: laid out as on the page, or in drawing order (rotated text intact)."""
    with tempfile.TemporaryDirectory() as d:
        return _run("pdftotext", "-layout" if layout else "-raw", str(_file(pdf, Path(d))), "-")


def flat_text(pdf: bytes | Path) -> str:
    """The text in drawing order with every space and line break removed (wrapped fields read as one string)."""
    return re.sub(r"\s+", "", text(pdf, layout=False))


def fonts(pdf: bytes | Path) -> list[dict[str, str]]:
    """pdffonts rows: name, type and whether the font is embedded."""
    with tempfile.TemporaryDirectory() as d:
        out = _run("pdffonts", str(_file(pdf, Path(d))))
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return rows


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float


def words(pdf: bytes | Path) -> tuple[list[Page], list[Word]]:
    """Every word with its box in points (pdftotext -bbox), and each page's size."""
    with tempfile.TemporaryDirectory() as d:
        html = _run("pdftotext", "-bbox", str(_file(pdf, Path(d))), "-")
    pages, out = [], []
    for k, chunk in enumerate(html.split("<page ")[1:]):
        w, h = (float(v) for v in re.match(r'width="([\d.]+)" height="([\d.]+)"', chunk).groups())
        pages.append(Page(w, h))
        for m in re.finditer(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>',
                             chunk):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            out.append(Word(k + 1, m.group(5), x0, y0, x1, y1))
    return pages, out


def render(pdf: bytes | Path, folder: Path, dpi: int = 150, page: int = 1):
    """One page rendered by poppler, as a BGR image."""
    stem = folder / f"render-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page),
                    str(_file(pdf, folder)), str(stem)], check=True)
    return cv2.imread(str(next(folder.glob(f"render-{page}*.png"))))


def qr_codes(pdf: bytes | Path, folder: Path, page: int = 1) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(render(pdf, folder, 150, page))]

"""The one font policy: embed a TrueType CJK font — configured path, then bundled, then system.

CFF-flavoured OpenType fonts (e.g. Noto CJK) cannot be embedded by reportlab and are skipped.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FONT_NAME = "ZongchuangCJK"

WINDOWS_FONTS = ("simhei.ttf", "simsun.ttc", "msyh.ttc", "msyh.ttf")
LINUX_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class FontNotFound(Exception):
    def __init__(self, tried: list[str]):
        super().__init__("找不到可嵌入的中文字体（TrueType），无法打印单据。请安装文泉驿微米黑或在设置中指定字体文件。")
        self.tried = tried


@dataclass(frozen=True)
class FontChoice:
    name: str
    path: Path


def candidate_paths(configured: str, resources: Path) -> list[Path]:
    out: list[Path] = []
    if configured:
        out.append(Path(configured))
    fonts_dir = resources / "fonts"
    if fonts_dir.is_dir():
        out.extend(sorted(p for p in fonts_dir.iterdir() if p.suffix.lower() in (".ttf", ".ttc")))
    if sys.platform == "win32":
        windir = Path(__import__("os").environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        out.extend(windir / n for n in WINDOWS_FONTS)
    else:
        out.extend(Path(p) for p in LINUX_FONTS)
    return out


_lock = threading.Lock()
_chosen: FontChoice | None = None


def ensure_cjk_font(configured: str = "", resources: Path | None = None) -> FontChoice:
    """Register (once per process) and return the first embeddable CJK TrueType font."""
    global _chosen
    with _lock:
        if _chosen is not None:
            return _chosen
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        tried = []
        for path in candidate_paths(configured, resources or Path(".")):
            tried.append(str(path))
            if not path.is_file():
                continue
            try:
                kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
                font = TTFont(FONT_NAME, str(path), **kwargs)
            except (TTFError, OSError) as e:
                log.info("font %s skipped: %s", path, e)
                continue
            if font.face.charToGlyph.get(ord("受")) is None:
                log.info("font %s has no CJK glyphs; skipped", path)
                continue
            pdfmetrics.registerFont(font)
            _chosen = FontChoice(FONT_NAME, path)
            log.info("CJK font: %s", path)
            return _chosen
        raise FontNotFound(tried)

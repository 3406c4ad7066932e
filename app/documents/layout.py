"""Shared page furniture: styles, Chinese dates, the QR code, the training watermark."""

from __future__ import annotations

from datetime import date, datetime

import segno
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, TableStyle


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_datetime(dt: datetime) -> str:
    return f"{chinese_date(dt)} {dt:%H:%M}"


def styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=1, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, alignment=1, textColor=colors.grey),
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#333333")),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=colors.HexColor("#444444")),
    }


class QrCode(Flowable):
    """A QR code drawn as vector squares (no fonts involved, so nothing unembedded sneaks in)."""

    def __init__(self, text: str, size: float = 28 * mm):
        super().__init__()
        self.matrix = segno.make(text, error="m", micro=False).matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        n = len(self.matrix) + 8          # 4-module quiet zone on each side
        cell = self.size / n
        c = self.canv
        c.setFillColor(colors.black)
        for r, row in enumerate(self.matrix):
            for k, dark in enumerate(row):
                if dark:
                    c.rect((k + 4) * cell, self.size - (r + 5) * cell, cell, cell, stroke=0, fill=1)


def draw_training_watermark(canvas, font: str) -> None:
    """A large diagonal 培训 on every page of a training-profile document."""
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.13))
    canvas.setFont(font, 120)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.drawCentredString(0, -40, "培训")
    canvas.setFont(font, 22)
    canvas.drawCentredString(0, -90, "培训模式 · 非正式单据")
    canvas.restoreState()


def draw_page_number(canvas, font: str, text: str) -> None:
    width, _ = canvas._pagesize
    canvas.saveState()
    canvas.setFont(font, 8.5)
    canvas.setFillColor(colors.grey)
    canvas.drawCentredString(width / 2, 10 * mm, text)
    canvas.restoreState()


def table_style(font: str, *commands) -> TableStyle:
    """A table style whose cell font is the embedded CJK font (the default would pull in Helvetica)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), font), *commands])

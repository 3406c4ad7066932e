"""The ID-card copy sheet (身份证复印件): both faces at true size, drawn from the data read off the card.

A copy made from the chip's data is sharper than a photocopy and carries the purpose overlay
(仅供办理……使用) that makes it useless for anything else."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Section,
    a4_width,
    chinese_date,
    para,
    render_a4,
    styles,
    wrap_chars,
)
from app.domain.identity import mask_id_number

TITLE = "身份证件复印件"
CARD_W, CARD_H = 85.6 * mm, 54 * mm


@dataclass(frozen=True)
class CardFaces:
    """What both faces of the card show (as read from the chip)."""

    card_label: str               # 居民身份证 / 港澳台居民居住证 / 外国人永久居留身份证
    name: str
    sex: str
    nation: str
    birth_date: date | None
    address: str
    id_number: str
    issuing_authority: str
    valid_from: date | None
    valid_to: date | None
    long_term: bool = False
    photo: bytes | None = None    # decoded portrait (PNG/JPEG) when a decoder is licensed


@dataclass(frozen=True)
class IdCopySheet:
    issue: Issue
    case_number: str | None
    card: CardFaces
    purpose: str                  # e.g. 城乡居民基本养老保险参保登记


class CardFace(Flowable):
    def __init__(self, faces: CardFaces, front: bool, font: str, full_id: bool):
        super().__init__()
        self.faces, self.front, self.font, self.full_id = faces, front, font, full_id
        self.width, self.height = CARD_W, CARD_H

    def draw(self) -> None:
        c, f, font = self.canv, self.faces, self.font
        c.saveState()
        c.setStrokeColor(colors.HexColor("#7F8C8D"))
        c.setFillColor(colors.HexColor("#F4F8FB"))
        c.roundRect(0, 0, CARD_W, CARD_H, 3.2 * mm, stroke=1, fill=1)
        c.setFillColor(colors.black)
        if self.front:
            self._front(c, f, font)
        else:
            self._back(c, f, font)
        c.restoreState()

    def _front(self, c, f: CardFaces, font: str) -> None:
        label = colors.HexColor("#2E5E8C")
        y = CARD_H - 9 * mm

        def row(caption: str, value: str, size: float = 9.5) -> None:
            nonlocal y
            c.setFillColor(label)
            c.setFont(font, 7.5)
            c.drawString(5 * mm, y, caption)
            c.setFillColor(colors.black)
            c.setFont(font, size)
            c.drawString(16 * mm, y, value)
            y -= 6.3 * mm

        row("姓　名", f.name[:12])
        born = f"{f.birth_date.year}年{f.birth_date.month}月{f.birth_date.day}日" if f.birth_date else ""
        row("性　别", f"{f.sex}　　民族 {f.nation}" if f.nation else f.sex)
        row("出　生", born)
        c.setFillColor(label)
        c.setFont(font, 7.5)
        c.drawString(5 * mm, y, "住　址")
        c.setFillColor(colors.black)
        size = 8.5
        lines = wrap_chars(f.address, font, size, 37 * mm, c)
        if len(lines) > 3:
            size = 7
            lines = wrap_chars(f.address, font, size, 37 * mm, c)[:4]
        c.setFont(font, size)
        for line in lines:
            c.drawString(16 * mm, y, line)
            y -= size * 1.3
        number = f.id_number if self.full_id else mask_id_number(f.id_number)
        c.setFillColor(label)
        c.setFont(font, 7.5)
        c.drawString(5 * mm, 5.5 * mm, "公民身份号码")
        c.setFillColor(colors.black)
        c.setFont(font, 11)
        c.drawString(24 * mm, 5.5 * mm, " ".join([number[:6], number[6:14], number[14:]]))
        px, py, pw, ph = CARD_W - 30 * mm, 13 * mm, 25 * mm, 31 * mm
        if f.photo:
            try:
                c.drawImage(ImageReader(io.BytesIO(f.photo)), px, py, pw, ph, preserveAspectRatio=True)
                return
            except Exception:   # noqa: BLE001 - an undecodable portrait leaves the frame empty
                pass
        c.setStrokeColor(colors.HexColor("#BBBBBB"))
        c.rect(px, py, pw, ph, stroke=1, fill=0)
        c.setFont(font, 8)
        c.setFillColor(colors.grey)
        c.drawCentredString(px + pw / 2, py + ph / 2, "照片不可用")

    def _back(self, c, f: CardFaces, font: str) -> None:
        c.setFont(font, 14)
        c.drawCentredString(CARD_W / 2, CARD_H - 16 * mm, "中华人民共和国")
        c.setFont(font, 17)
        c.drawCentredString(CARD_W / 2, CARD_H - 25 * mm, f.card_label[:10])
        c.setFont(font, 8.5)
        y = 12 * mm
        for caption, value in (("签发机关", f.issuing_authority), ("有效期限", _validity(f))):
            c.setFillColor(colors.HexColor("#2E5E8C"))
            c.drawString(14 * mm, y, caption)
            c.setFillColor(colors.black)
            c.drawString(28 * mm, y, value[:26])
            y -= 6 * mm


def _validity(f: CardFaces) -> str:
    start = f"{f.valid_from:%Y.%m.%d}" if f.valid_from else ""
    end = "长期" if f.long_term else (f"{f.valid_to:%Y.%m.%d}" if f.valid_to else "")
    return f"{start}-{end}"


class PurposeOverlay(Flowable):
    """The two faces, one above the other, with the purpose stamped diagonally across them."""

    def __init__(self, faces: list[Flowable], purpose: str, day: date, font: str, width: float):
        super().__init__()
        self.faces, self.purpose, self.day, self.font = faces, purpose, day, font
        self.width, self.gap = width, 14 * mm
        self.height = 2 * CARD_H + self.gap

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        x = (self.width - CARD_W) / 2
        self.faces[0].drawOn(c, x, CARD_H + self.gap)
        self.faces[1].drawOn(c, x, 0)
        c.saveState()
        c.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.55))
        c.translate(self.width / 2, self.height / 2)
        c.rotate(28)
        text = f"仅供办理“{self.purpose}”使用"
        size = 13
        while size > 8 and c.stringWidth(text, self.font, size) > 150 * mm:
            size -= 0.5
        c.setFont(self.font, size)
        c.drawCentredString(0, 4 * mm, text)
        c.drawCentredString(0, -4 * mm, f"他用无效　{chinese_date(self.day)}")
        c.restoreState()


def render_id_copy(data: IdCopySheet, font: str) -> bytes:
    st, width = styles(font), a4_width()
    full = data.issue.archive_full_id
    faces = [CardFace(data.card, True, font, full), CardFace(data.card, False, font, full)]
    story = [
        para(f"持证人：{data.card.name}　　用途：{data.purpose}", st["base"]), Spacer(1, 8 * mm),
        PurposeOverlay(faces, data.purpose, data.issue.issued_at.date(), font, width), Spacer(1, 10 * mm),
        para("本复印件由窗口读取身份证件芯片信息生成，经办人已核对原件。", st["small"]),
        para(f"经办人：{data.issue.clerk_name}　　日期：{chinese_date(data.issue.issued_at.date())}", st["small"]),
    ]
    return render_a4(Heading(TITLE, data.case_number), data.issue, [Section(story)], font)

"""Shared page furniture and the two page builders (A4 sheets and 80 mm receipt rolls).

Every document is a list of sections (one per copy: 申请人联, 存档联…); each section starts on a new
page under the letterhead (centre, title, case number and its QR code). Every page carries the
centre's address and phone, "第 x 页 共 y 页" counted within its section, the 补打 stamp on a
reprint and the 培训 watermark in the training profile.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.identity import mask_id_number

ROLL_WIDTH = 80 * mm          # 80 mm thermal paper; the print head covers the middle 72 mm
ROLL_MARGIN = 4 * mm
ROLL_OVERHANG = 4.5 * mm      # room for a character that kinsoku keeps past the end of a line
GRID = colors.HexColor("#555555")
SHADE = colors.HexColor("#F2F2F2")


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_datetime(dt: datetime) -> str:
    return f"{chinese_date(dt)} {dt:%H:%M}"


@dataclass(frozen=True)
class Letterhead:
    """The centre as printed on every document (from settings)."""

    centre_name: str
    centre_address: str
    centre_phone: str
    window_name: str = ""


@dataclass(frozen=True)
class Issue:
    """Who issues a document, when, and how it is marked."""

    letterhead: Letterhead
    issued_at: datetime
    clerk_name: str
    training: bool = False
    reprint_at: datetime | None = None     # a reprint is stamped 补打 with this time
    archive_full_id: bool = True           # archive copies carry the full ID number


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str                         # full; each document decides where it may be printed in full

    def id_text(self, full: bool) -> str:
        return self.id_number if full else mask_id_number(self.id_number)

    def with_number(self, full: bool = False) -> str:
        """张晓梅（证件号码 330106********0428）"""
        return f"{self.name}（证件号码 {self.id_text(full)}）"


def styles(font: str, scale: float = 1.0) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5 * scale, leading=15 * scale, wordWrap="CJK")
    return {
        "base": base,
        "body": ParagraphStyle("body", parent=base, fontSize=11 * scale, leading=19 * scale, firstLineIndent=22 * scale),
        "title": ParagraphStyle("title", parent=base, fontSize=20 * scale, leading=26 * scale, alignment=1,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11 * scale, alignment=1,
                                   textColor=colors.HexColor("#333333")),
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#333333")),
        "centre": ParagraphStyle("centre", parent=base, alignment=1),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "small": ParagraphStyle("small", parent=base, fontSize=9 * scale, leading=12.5 * scale,
                                textColor=colors.HexColor("#444444")),
        "heading": ParagraphStyle("heading", parent=base, fontSize=11.5 * scale, leading=17 * scale,
                                  spaceBefore=6, spaceAfter=2),
    }


def para(text: str, style) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class QrCode(Flowable):
    """A QR code drawn as vector squares (no fonts involved, so nothing unembedded sneaks in).

    The mask pattern is fixed: every reader decodes every mask, and on a crisp vector print the
    encoder's search for the "best" of eight masks only costs time (a third of a receipt's)."""

    MASK = 2     # vertical stripes: no large uniform areas on short alphanumeric codes

    def __init__(self, text: str, size: float = 28 * mm):
        super().__init__()
        self.matrix = segno.make(text, error="m", micro=False, mask=self.MASK).matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        n = len(self.matrix) + 8          # 4-module quiet zone on each side
        cell = self.size / n
        c = self.canv
        c.setFillColor(colors.black)
        path = c.beginPath()
        for r, row in enumerate(self.matrix):
            k = 0
            while k < len(row):               # one rectangle per run of dark modules
                if row[k]:
                    start = k
                    while k < len(row) and row[k]:
                        k += 1
                    path.rect((start + 4) * cell, self.size - (r + 5) * cell, (k - start) * cell, cell)
                else:
                    k += 1
        c.drawPath(path, stroke=0, fill=1)


def table_style(font: str, *commands) -> TableStyle:
    """A table style whose cell font is the embedded CJK font (the default would pull in Helvetica).

    Short cells (labels, headers, numbers) are plain strings drawn in this font: far cheaper than a
    Paragraph, which parses markup and breaks lines."""
    return TableStyle([("FONT", (0, 0), (-1, -1), font, 10.5, 15),
                       ("TEXTCOLOR", (0, 0), (-1, -1), colors.HexColor("#222222")), *commands])


def grid_table(rows: list[list], col_widths: list, font: str, *, header: bool = False, label_column: bool = False,
               padding: float = 4) -> Table:
    """The ruled table every document uses; long tables split across pages and repeat their header."""
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), padding), ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("LEFTPADDING", (0, 0), (-1, -1), padding + 1), ("RIGHTPADDING", (0, 0), (-1, -1), padding + 1),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    if label_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    table = Table(rows, colWidths=col_widths, repeatRows=1 if header else 0, splitByRow=1)
    table.setStyle(table_style(font, *commands))
    return table


def field_rows(pairs: list[tuple[str, str]], st) -> list[list[Paragraph]]:
    return [[k, para(v, st["base"])] for k, v in pairs]


def issuer_signature(issue: Issue, st, width: float, *, receipt_line: bool = True) -> Table:
    """The issuing window's lines under a notice: clerk, centre (to be stamped), date, the applicant's receipt."""
    lines = [f"经办人：{issue.clerk_name}", f"{issue.letterhead.centre_name}（盖章）", chinese_date(issue.issued_at.date())]
    if receipt_line:
        lines.append("申请人签收：＿＿＿＿＿＿＿＿")
    return signature_block(lines, st, width)


def signature_block(lines: list[str], st, width: float) -> Table:
    """Signature and date lines, right-aligned (申请人（签名）：＿＿＿＿)."""
    rows = [[para(text, st["base"])] for text in lines]
    t = Table(rows, colWidths=[width * 0.55], hAlign="RIGHT")
    t.setStyle(table_style(st["base"].fontName, ("TOPPADDING", (0, 0), (-1, -1), 7),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0)))
    return t


@dataclass
class Section:
    """One copy of a document: its story, and the copy name printed in the page corner."""

    story: list
    copy_label: str = ""


@dataclass(frozen=True)
class Heading:
    title: str
    case_number: str | None                # carried by the QR code; None for documents of no case
    subtitle: str = ""
    number_label: str = "办件编号"


@dataclass
class _PageMarks:
    issue: Issue
    title: str
    case_number: str | None
    number_label: str = "办件编号"
    labels: list[str] = field(default_factory=list)   # section labels, indexed by section


class _SectionStart(Flowable):
    """Zero-size marker: tells the canvas which section (copy) the following pages belong to."""

    def __init__(self, index: int):
        super().__init__()
        self.index = index
        self.width = self.height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self) -> None:
        self.canv._zc_section = self.index


def _numbered_canvas(marks: _PageMarks, font: str, roll: bool):
    """A canvas that holds its pages until the end, so each can say 第 x 页 共 y 页 within its section."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._zc_section = 0
            self._zc_pages: list[tuple[int, dict]] = []

        def showPage(self):
            self._zc_pages.append((self._zc_section, dict(self.__dict__)))
            self._startPage()

        def save(self):
            totals: dict[int, int] = {}
            for section, _ in self._zc_pages:
                totals[section] = totals.get(section, 0) + 1
            seen: dict[int, int] = {}
            for section, state in self._zc_pages:
                self.__dict__.update(state)
                seen[section] = seen.get(section, 0) + 1
                label = marks.labels[section] if section < len(marks.labels) else ""
                _furniture(self, marks, font, roll, label, seen[section], totals[section])
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _furniture(c: Canvas, marks: _PageMarks, font: str, roll: bool, label: str, page: int, total: int) -> None:
    width, height = c._pagesize
    issue = marks.issue
    c.saveState()
    grey = colors.HexColor("#555555")
    if roll:
        if issue.reprint_at:
            c.setFillColor(colors.black)
            c.setFont(font, 9)
            c.drawCentredString(width / 2, height - ROLL_MARGIN - 9, f"【补打 {chinese_datetime(issue.reprint_at)}】")
        if issue.training:
            c.setFont(font, 9)
            c.drawCentredString(width / 2, ROLL_MARGIN + 1 * mm, "培训模式 · 非正式单据")
        c.restoreState()
        return
    margin = 18 * mm
    c.setFont(font, 8.5)
    c.setFillColor(grey)
    c.setStrokeColor(colors.HexColor("#999999"))
    c.setLineWidth(0.4)
    c.line(margin, 15 * mm, width - margin, 15 * mm)
    lh = issue.letterhead
    footer = f"{lh.centre_name}　地址：{lh.centre_address}　咨询电话：{lh.centre_phone}"
    room = width - 2 * margin - 28 * mm
    for k, line in enumerate(_fit_lines(footer, font, 8.5, room, c)):
        c.drawString(margin, (11 - 3.6 * k) * mm, line)
    c.setFont(font, 8.5)
    c.drawRightString(width - margin, 11 * mm, f"第 {page} 页 共 {total} 页")
    if page > 1:
        running = marks.title + (f"　{marks.number_label}：{marks.case_number}" if marks.case_number else "") + "（续）"
        c.drawString(margin, height - 11 * mm, running)
    right = width - margin
    if issue.reprint_at:                # the 补打 stamp in the top right corner
        text = f"补打 {chinese_datetime(issue.reprint_at)}"
        c.setFont(font, 10)
        w = c.stringWidth(text, font, 10) + 6 * mm
        c.setStrokeColor(colors.HexColor("#B03A2E"))
        c.setFillColor(colors.HexColor("#B03A2E"))
        c.setLineWidth(1)
        c.roundRect(right - w, height - 13.5 * mm, w, 7 * mm, 1.5 * mm, stroke=1, fill=0)
        c.drawString(right - w + 3 * mm, height - 11.3 * mm, text)
        right -= w + 3 * mm
    if label:
        c.setFont(font, 10)
        c.setFillColor(colors.black)
        c.drawRightString(right, height - 11 * mm, f"【{label}】")
    c.restoreState()


def wrap_chars(text: str, font: str, size: float, width: float, c: Canvas) -> list[str]:
    """Text broken into lines no wider than `width`, character by character (for text drawn on the canvas)."""
    lines, line = [], ""
    for ch in text:
        if line and c.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return lines + ([line] if line else [])


def _fit_lines(text: str, font: str, size: float, room: float, c: Canvas) -> list[str]:
    """The footer text in at most two lines that fit `room` (a long address wraps, never runs off)."""
    if c.stringWidth(text, font, size) <= room:
        return [text]
    size = 7.5
    c.setFont(font, size)
    lines = wrap_chars(text, font, size, room, c)
    if len(lines) > 2:
        second = lines[1]
        while second and c.stringWidth(second + "…", font, size) > room:
            second = second[:-1]
        lines = [lines[0], second + "…"]
    return lines


def draw_training_watermark(canvas, font: str) -> None:
    """A large diagonal 培训 on every page of a training-profile document."""
    width, height = canvas._pagesize
    size = min(120, width / 2.6)
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.13))
    canvas.setFont(font, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35 if height > width * 1.1 or width > 100 * mm else 0)
    canvas.drawCentredString(0, -size / 3, "培训")
    canvas.setFont(font, size / 5.5)
    canvas.drawCentredString(0, -size / 3 - size * 0.42, "培训模式 · 非正式单据")
    canvas.restoreState()


def letterhead_block(heading: Heading, issue: Issue, st, width: float, qr_size: float = 28 * mm) -> list:
    """Centre name, title and case number, with the case number's QR code on the right."""
    left = [para(issue.letterhead.centre_name, st["subtitle"]), para(heading.title, st["title"])]
    if heading.subtitle:
        left.append(para(heading.subtitle, st["subtitle"]))
    if heading.case_number:
        left.append(para(f"{heading.number_label}：{heading.case_number}", st["subtitle"]))
        side = qr_size + 4 * mm          # an empty column on the left keeps the title on the page's axis
        head = Table([["", left, QrCode(heading.case_number, qr_size)]], colWidths=[side, width - 2 * side, side])
    else:
        head = Table([[left]], colWidths=[width])
    head.setStyle(table_style(st["base"].fontName, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("ALIGN", (-1, 0), (-1, 0), "RIGHT"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)))
    return [head, Spacer(1, 4 * mm)]


A4_MARGINS = dict(left=18 * mm, right=18 * mm, top=18 * mm, bottom=20 * mm)


def a4_width() -> float:
    return A4[0] - A4_MARGINS["left"] - A4_MARGINS["right"]


def render_a4(heading: Heading, issue: Issue, sections: list[Section], font: str, *, author: str = "") -> bytes:
    """Build an A4 document: each section on fresh pages under the letterhead."""
    buf = io.BytesIO()
    m = A4_MARGINS
    doc = BaseDocTemplate(buf, pagesize=A4, leftMargin=m["left"], rightMargin=m["right"], topMargin=m["top"],
                          bottomMargin=m["bottom"], initialFontName=font, creator="综窗",
                          title=heading.title + (f" {heading.case_number}" if heading.case_number else ""),
                          author=author or issue.letterhead.centre_name)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)

    def on_page(canvas, _doc):
        if issue.training:
            draw_training_watermark(canvas, font)

    doc.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
    marks = _PageMarks(issue, heading.title, heading.case_number, heading.number_label,
                       [s.copy_label for s in sections])
    st = styles(font)
    story: list = []
    for i, section in enumerate(sections):
        if i:
            story.append(PageBreak())
        story += [_SectionStart(i), *letterhead_block(heading, issue, st, doc.width), *section.story]
    doc.build(story, canvasmaker=_numbered_canvas(marks, font, roll=False))
    return buf.getvalue()


def render_roll(heading: Heading, issue: Issue, story: list, font: str) -> bytes:
    """Build an 80 mm roll document as one page exactly as long as its content."""
    width = ROLL_WIDTH - 2 * ROLL_MARGIN - ROLL_OVERHANG
    st = styles(font, 0.85)
    top = [para(issue.letterhead.centre_name, st["centre"]), para(heading.title, st["title"])]
    if heading.case_number:
        top += [para(heading.case_number, st["centre"]), Spacer(1, 1.5 * mm), _Centred(QrCode(heading.case_number,
                                                                                            30 * mm), width)]
    flow = [*top, Spacer(1, 2 * mm), *story]
    height = sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flow)
    top_reserve = 7 * mm if issue.reprint_at else 0
    bottom_reserve = 6 * mm if issue.training else 0
    page_h = height + top_reserve + bottom_reserve + 2 * ROLL_MARGIN + 10 * mm
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=(ROLL_WIDTH, page_h), leftMargin=ROLL_MARGIN, rightMargin=ROLL_MARGIN,
                          topMargin=ROLL_MARGIN + top_reserve, bottomMargin=ROLL_MARGIN + bottom_reserve,
                          initialFontName=font, creator="综窗",
                          title=heading.title + (f" {heading.case_number}" if heading.case_number else ""),
                          author=issue.letterhead.centre_name)
    # A closing bracket may not start a line, so a line can end up to one character past the frame:
    # keep that character inside the 72 mm the print head covers.
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="roll", leftPadding=0,
                  rightPadding=ROLL_OVERHANG, topPadding=0, bottomPadding=0)

    def on_page(canvas, _doc):
        if issue.training:
            draw_training_watermark(canvas, font)

    doc.addPageTemplates([PageTemplate("roll", [frame], onPage=on_page)])
    marks = _PageMarks(issue, heading.title, heading.case_number, heading.number_label)
    doc.build(flow, canvasmaker=_numbered_canvas(marks, font, roll=True))
    return buf.getvalue()


class _Centred(Flowable):
    def __init__(self, inner: Flowable, width: float):
        super().__init__()
        self.inner, self.width = inner, width
        self.height = inner.height

    def wrap(self, aw, ah):
        return self.width, self.inner.height

    def draw(self) -> None:
        self.inner.drawOn(self.canv, (self.width - self.inner.width) / 2, 0)


def closing(flowables: list, signature: Flowable) -> KeepTogether:
    """The closing paragraphs and the signature block kept on one page (a signature never stands alone)."""
    return KeepTogether([*flowables, Spacer(1, 8 * mm), signature])

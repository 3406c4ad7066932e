"""The printer test page: Chinese text in several sizes, a QR code, and a frame 10 mm inside the paper edge
(to check alignment and margins), on A4 or on an 80 mm roll."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Section,
    chinese_datetime,
    para,
    render_a4,
    render_roll,
    styles,
)

TITLE = "打印测试页"
PANGRAM = "综合窗口受理回执：申请人、证件号码、承诺办结日期、咨询电话。龘靐齉爩 0123456789 ABCDEFG"


@dataclass(frozen=True)
class TestPage:
    __test__ = False            # not a pytest test class

    issue: Issue
    printer_name: str
    code: str                   # carried by the QR code (decoded to check the print)
    roll: bool = False


def render_test_page(data: TestPage, font: str) -> bytes:
    st = styles(font, 0.85 if data.roll else 1.0)
    story = [para(f"打印机：{data.printer_name}", st["base"]),
             para(f"时间：{chinese_datetime(data.issue.issued_at)}", st["base"]), Spacer(1, 3 * mm)]
    for size in ((8, 10, 12) if data.roll else (9, 12, 16)):
        style = st["base"].clone(f"s{size}", fontSize=size, leading=size * 1.4)
        story.append(para(PANGRAM, style))
    story.append(para("如二维码可扫出测试编号、上方文字清晰完整，说明打印机工作正常。", st["small"]))
    heading = Heading(TITLE, data.code, number_label="测试编号")
    if data.roll:
        return render_roll(heading, data.issue, story, font)
    story.append(_Frame10mm())
    return render_a4(heading, data.issue, [Section(story)], font)


class _Frame10mm(Spacer):
    """Draws a rectangle 10 mm inside the edges of the page it lands on."""

    def __init__(self):
        super().__init__(0, 0)

    def draw(self) -> None:
        c = self.canv
        w, h = c._pagesize
        c.saveState()
        x0, y0 = c.absolutePosition(0, 0)
        c.translate(-x0, -y0)
        c.setLineWidth(0.5)
        c.rect(10 * mm, 10 * mm, w - 20 * mm, h - 20 * mm)
        c.restoreState()

"""一次性告知单: an item's guide for a citizen who only asks — the six elements and every material."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Section,
    a4_width,
    field_rows,
    grid_table,
    para,
    render_a4,
    styles,
)

TITLE = "办事指南一次性告知单"


@dataclass(frozen=True)
class GuideMaterial:
    name: str
    form: str                 # 原件 1份 / 复印件 …
    note: str                 # 可容缺 / 可用电子证照 / 代办时提供 …, and the requirements


@dataclass(frozen=True)
class GuideNotice:
    issue: Issue
    reference: str            # the item code, shown where a case number would be
    item_name: str
    elements: list[tuple[str, str]]    # (适用范围, …) in the guide's order
    materials: list[GuideMaterial]


def render_guide_notice(data: GuideNotice, font: str) -> bytes:
    st, width = styles(font), a4_width()
    story = [
        para(f"您咨询的“{data.item_name}”办理要求一次性告知如下，请备齐材料后到任一综合窗口办理：", st["body"]),
        Spacer(1, 3 * mm),
        grid_table(field_rows(data.elements, st), [30 * mm, width - 30 * mm], font, label_column=True),
        Spacer(1, 4 * mm), para("申请材料目录", st["heading"]),
        grid_table([["序号", "材料名称", "形式及份数", "说明"]]
                   + [[str(i), para(m.name, st["base"]), para(m.form, st["base"]), para(m.note, st["base"])]
                      for i, m in enumerate(data.materials, 1)],
                   [14 * mm, 58 * mm, 30 * mm, width - 102 * mm], font, header=True),
        Spacer(1, 3 * mm),
        para("本告知单所列为办理该事项的全部材料；窗口不再要求告知单以外的材料。", st["small"]),
    ]
    return render_a4(Heading(TITLE, data.reference, number_label="事项编码"), data.issue, [Section(story)], font)

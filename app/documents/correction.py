"""一次性补正告知书: every missing or defective material, told once, with the form it must take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Person,
    Section,
    a4_width,
    chinese_date,
    closing,
    grid_table,
    issuer_signature,
    para,
    render_a4,
    styles,
)

TITLE = "一次性补正告知书"


@dataclass(frozen=True)
class Correction:
    material: str
    requirement: str          # what is wrong or what form it must take


@dataclass(frozen=True)
class CorrectionNotice:
    issue: Issue
    case_number: str
    title: str                # item or bundle name
    applicant: Person
    applied_at: datetime
    corrections: list[Correction]


def render_correction_notice(data: CorrectionNotice, font: str) -> bytes:
    st, width = styles(font), a4_width()
    lh = data.issue.letterhead
    story = [
        para(data.applicant.with_number() + "：", st["base"]),
        Spacer(1, 2 * mm),
        para(f"您于{chinese_date(data.applied_at.date())}申请办理的“{data.title}”，经审查，申请材料不齐全或者不符合"
             f"法定形式。根据《中华人民共和国行政许可法》第三十二条等规定，现一次性告知您需要补正的全部内容如下：",
             st["body"]),
        Spacer(1, 3 * mm),
        grid_table([["序号", "材料名称", "补正要求"]]
                   + [[str(i), para(c.material, st["base"]), para(c.requirement, st["base"])]
                      for i, c in enumerate(data.corrections, 1)],
                   [14 * mm, 62 * mm, width - 76 * mm], font, header=True),
        Spacer(1, 3 * mm),
        closing([para("请按上述要求补齐材料后，携带本告知书到任一综合窗口提交，符合要求的即予受理。"
             "本告知书已一次性告知全部补正内容，窗口不再要求补正本告知书以外的材料。", st["body"]),
                 para(f"咨询电话：{lh.centre_phone}　办理地址：{lh.centre_address}", st["body"])],
                issuer_signature(data.issue, st, width)),
    ]
    return render_a4(Heading(TITLE, data.case_number), data.issue, [Section(story)], font)

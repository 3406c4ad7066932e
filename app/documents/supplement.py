"""补交回执: the deferred materials a citizen handed in after a 容缺受理, and what is still to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Person,
    Section,
    a4_width,
    chinese_date,
    chinese_datetime,
    closing,
    field_rows,
    grid_table,
    issuer_signature,
    para,
    render_a4,
    styles,
)

TITLE = "容缺材料补交回执"


@dataclass(frozen=True)
class SuppliedMaterial:
    name: str
    how: str                  # 原件已收 / 已拍摄 N 页 / 电子证照 编号…
    at: datetime


@dataclass(frozen=True)
class SupplementReceipt:
    issue: Issue
    case_number: str
    title: str
    applicant: Person
    accepted_at: datetime
    supplied: list[SuppliedMaterial]
    outstanding: list[str]
    deadline: date | None


def render_supplement_receipt(data: SupplementReceipt, font: str) -> bytes:
    st, width = styles(font), a4_width()
    story = [
        grid_table(field_rows([("申请事项", data.title), ("申请人", data.applicant.with_number()),
                               ("受理时间", chinese_datetime(data.accepted_at))], st),
                   [26 * mm, width - 26 * mm], font, label_column=True),
        Spacer(1, 4 * mm), para("已补交材料", st["heading"]),
        grid_table([["序号", "材料名称", "收取情况", "补交时间"]]
                   + [[str(i), para(m.name, st["base"]), para(m.how, st["base"]), para(chinese_datetime(m.at), st["base"])]
                      for i, m in enumerate(data.supplied, 1)],
                   [14 * mm, 60 * mm, width - 14 * mm - 60 * mm - 46 * mm, 46 * mm], font, header=True),
        Spacer(1, 3 * mm),
    ]
    if data.outstanding:
        due = f"，请于{chinese_date(data.deadline)}前补交" if data.deadline else ""
        story.append(para(f"尚待补交：{'、'.join(data.outstanding)}{due}；逾期未补交的，本申请终止办理。", st["body"]))
    else:
        story.append(para("容缺材料已全部补齐，本申请按受理回执所载承诺时限继续办理。", st["body"]))
    story.append(closing([para(f"咨询电话：{data.issue.letterhead.centre_phone}", st["body"])],
                         issuer_signature(data.issue, st, width)))
    return render_a4(Heading(TITLE, data.case_number), data.issue, [Section(story)], font)

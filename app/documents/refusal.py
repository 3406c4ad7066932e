"""不予受理告知书: issued only after a supervisor approved the refusal (否定报备)."""

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
    field_rows,
    grid_table,
    issuer_signature,
    para,
    render_a4,
    styles,
)

TITLE = "不予受理告知书"


@dataclass(frozen=True)
class RefusalNotice:
    issue: Issue
    case_number: str
    title: str
    applicant: Person
    applied_at: datetime
    reason: str
    legal_basis: str
    guidance: str
    approved_by: str


def render_refusal_notice(data: RefusalNotice, font: str) -> bytes:
    st, width = styles(font), a4_width()
    lh = data.issue.letterhead
    story = [
        para(data.applicant.with_number() + "：", st["base"]),
        Spacer(1, 2 * mm),
        para(f"您于{chinese_date(data.applied_at.date())}申请办理的“{data.title}”，经审查，决定不予受理。"
             f"具体情况告知如下：", st["body"]),
        Spacer(1, 3 * mm),
        grid_table(field_rows([("不予受理理由", data.reason), ("依据", data.legal_basis or "—"),
                               ("办理指引", data.guidance), ("审批人", data.approved_by)], st),
                   [30 * mm, width - 30 * mm], font, label_column=True),
        Spacer(1, 3 * mm),
        closing([para("如对本决定不服，可以自收到本告知书之日起六十日内依法申请行政复议，或者自收到本告知书之日起"
                      "六个月内依法向人民法院提起行政诉讼。", st["body"]),
                 para(f"咨询电话：{lh.centre_phone}　地址：{lh.centre_address}", st["body"])],
                issuer_signature(data.issue, st, width)),
    ]
    return render_a4(Heading(TITLE, data.case_number), data.issue, [Section(story)], font)

"""出件单: what was handed to whom (applicant or agent, masked ID), when, with the receiver's signature."""

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
    chinese_datetime,
    closing,
    field_rows,
    grid_table,
    para,
    render_a4,
    signature_block,
    styles,
)

TITLE = "出件单"


@dataclass(frozen=True)
class HandedCase:
    case_number: str
    item_name: str
    result: str               # 准予办理 / 不予批准 …, with the official number when there is one


@dataclass(frozen=True)
class HandoutSlip:
    issue: Issue
    case_number: str
    applicant: Person
    receiver: Person
    receiver_is_agent: bool
    handed_at: datetime
    cases: list[HandedCase]
    items: list[str]          # what was handed over (证照, 批文, 原件退还…)
    delivery: str = ""        # 邮寄 with the tracking number, E邮柜 with the locker; empty at the window
    approved_by: str = ""     # the supervisor who let someone else collect it


def render_handout_slip(data: HandoutSlip, font: str) -> bytes:
    st, width = styles(font), a4_width()
    receiver = (f"{data.receiver.name}（代领人，证件号码 {data.receiver.id_text(False)}）" if data.receiver_is_agent
                else f"{data.receiver.name}（申请人本人，证件号码 {data.receiver.id_text(False)}）")
    rows = [("申请人", data.applicant.with_number())]
    rows += [("送达方式", data.delivery)] if data.delivery else [("领取人", receiver)]
    if data.approved_by:
        rows.append(("批准代领", data.approved_by))
    rows += [("出件时间", chinese_datetime(data.handed_at)),
             ("出件窗口", f"{data.issue.letterhead.window_name}　经办人：{data.issue.clerk_name}")]
    story = [
        grid_table(field_rows(rows, st), [26 * mm, width - 26 * mm], font, label_column=True),
        Spacer(1, 4 * mm), para("办件及办理结果", st["heading"]),
        grid_table([["办件编号", "事项", "办理结果"]]
                   + [[para(c.case_number, st["base"]), para(c.item_name, st["base"]), para(c.result, st["base"])]
                      for c in data.cases], [46 * mm, width - 46 * mm - 48 * mm, 48 * mm], font, header=True),
        Spacer(1, 4 * mm), para("交付物品", st["heading"]),
        grid_table([["序号", "名称及数量"]]
                   + [[str(i), para(t, st["base"])] for i, t in enumerate(data.items, 1)],
                   [14 * mm, width - 14 * mm], font, header=True),
        Spacer(1, 3 * mm),
        closing([para("以上物品已当面点清，领取人确认无误。", st["body"])],
                signature_block(["领取人（签名）：＿＿＿＿＿＿＿＿", "日期：＿＿＿＿年＿＿月＿＿日"], st, width)),
    ]
    return render_a4(Heading(TITLE, data.case_number), data.issue, [Section(story)], font)

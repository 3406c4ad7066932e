"""办不成事告知单: what the citizen asked for, why the window could not do it, and where to go instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Section,
    a4_width,
    chinese_datetime,
    closing,
    field_rows,
    grid_table,
    issuer_signature,
    para,
    render_a4,
    styles,
)

TITLE = "“办不成事”反映办理告知单"


@dataclass(frozen=True)
class CannotDoNotice:
    issue: Issue
    number: str
    citizen: str              # name, with the masked number when the card was read
    registered_at: datetime
    what: str
    why: str
    outcome: str              # 协调办理 / 帮办代办 / 无法办理
    explanation: str
    guidance: str             # where to go instead
    leader: str               # who decided


def render_cannot_do_notice(data: CannotDoNotice, font: str) -> bytes:
    st, width = styles(font), a4_width()
    rows = [("反映人", data.citizen or "—"), ("登记时间", chinese_datetime(data.registered_at)),
            ("所办事项", data.what), ("未能办理原因", data.why), ("处理结果", data.outcome),
            ("说明", data.explanation or "—")]
    if data.guidance:
        rows.append(("办理指引", data.guidance))
    rows.append(("值班领导", data.leader))
    story = [
        para("您反映的“办不成事”已登记，经值班领导研究，处理结果告知如下：", st["body"]),
        Spacer(1, 3 * mm),
        grid_table(field_rows(rows, st), [30 * mm, width - 30 * mm], font, label_column=True),
        Spacer(1, 3 * mm),
        closing([para(f"如有疑问，请致电 {data.issue.letterhead.centre_phone}，或凭登记编号到任一综合窗口咨询。",
                      st["body"])], issuer_signature(data.issue, st, width, receipt_line=False)),
    ]
    return render_a4(Heading(TITLE, data.number, number_label="登记编号"), data.issue, [Section(story)], font)

"""受理回执: what the citizen takes home after acceptance (one receipt per visit, bundle or single item).

Two layouts of the same data: an A4 sheet and an 80 mm thermal roll."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    field_rows,
    grid_table,
    para,
    render_a4,
    render_roll,
    styles,
)

TITLE = "受理回执"


@dataclass(frozen=True)
class CaseLine:
    """One case of the visit, with its promised completion date."""

    case_number: str
    item_name: str
    promised_date: date | None
    provisional: bool = False
    instant: bool = False

    def due_text(self) -> str:
        if self.instant:
            return "即办"
        if self.promised_date is None:
            return "—"
        return chinese_date(self.promised_date) + ("（暂定，节假日安排未公布）" if self.provisional else "")


@dataclass(frozen=True)
class AcceptanceReceipt:
    issue: Issue
    case_number: str                 # the number the QR code carries (first case of a bundle)
    title: str                       # item name, or the bundle's name
    applicant: Person
    items: list[CaseLine]
    received: list[str]
    accepted_at: datetime
    agent: Person | None = None
    deferred: list[str] = field(default_factory=list)
    deferred_deadline: date | None = None
    delivery: str = "窗口领取"          # 领取方式, with the address or locker
    delivery_method: str = "window"
    home_visit: str = ""               # the address of a 上门办 visit


def _facts(data: AcceptanceReceipt, roll: bool = False) -> list[tuple[str, str]]:
    def person(role: str, p: Person) -> list[tuple[str, str]]:
        if roll:        # the number on a line of its own: it cannot wrap inside 72 mm
            return [(role, p.name), ("证件号码", p.id_text(False))]
        return [(role, p.with_number())]

    rows = [("申请事项", data.title), *person("申请人", data.applicant)]
    if data.agent:
        rows += person("代办人", data.agent)
    window = data.issue.letterhead.window_name
    rows += [("受理时间", chinese_datetime(data.accepted_at)),
             ("受理窗口", f"{window}　受理人：{data.issue.clerk_name}" if window else data.issue.clerk_name)]
    if data.home_visit:
        rows.append(("受理方式", f"上门办（{data.home_visit}）"))
    rows.append(("领取方式", data.delivery))
    return rows


def _deadline_text(data: AcceptanceReceipt) -> str:
    if not data.deferred_deadline:
        return ""
    return f"容缺材料请于{chinese_date(data.deferred_deadline)}前补交，逾期未补交的，本申请终止办理。"


def _closing(data: AcceptanceReceipt) -> list[str]:
    phone = data.issue.letterhead.centre_phone
    return [
        f"查询方式：凭办件编号或扫描二维码查询办理进度；咨询电话 {phone}。",
        f"办理地址：{data.issue.letterhead.centre_address}",
        {"post": "办结后结果将按登记的地址邮寄送达，请保持电话畅通。",
         "locker": "办结后结果将放入E邮柜，取件码以短信告知，凭取件码自取。"}.get(
            data.delivery_method, "办结后请凭本回执及申请人身份证件到原窗口领取结果；代领请携带代领人身份证件。"),
    ]


def render_acceptance_receipt(data: AcceptanceReceipt, font: str) -> bytes:
    """The A4 acceptance receipt as PDF bytes."""
    st, width = styles(font), a4_width()
    story = [grid_table(field_rows(_facts(data), st), [26 * mm, width - 26 * mm], font, label_column=True)]
    story += [Spacer(1, 4 * mm), para("已收材料", st["heading"])]
    story.append(grid_table(
        [["序号", "材料名称"]]
        + [[str(i), para(m, st["base"])] for i, m in enumerate(data.received, 1)]
        + ([] if data.received else [["—", "无"]]),
        [14 * mm, width - 14 * mm], font, header=True, padding=3))
    if data.deferred:
        story += [Spacer(1, 3 * mm), para("容缺材料（后补）", st["heading"])]
        story.append(grid_table(
            [["序号", "材料名称"]]
            + [[str(i), para(m, st["base"])] for i, m in enumerate(data.deferred, 1)],
            [14 * mm, width - 14 * mm], font, header=True, padding=3))
        story.append(para(_deadline_text(data), st["base"]))
    story += [Spacer(1, 4 * mm), para("办理事项及承诺办结日期", st["heading"])]
    story.append(grid_table(
        [["办件编号", "事项", "承诺办结"]]
        + [[para(it.case_number, st["base"]), para(it.item_name, st["base"]), para(it.due_text(), st["base"])]
           for it in data.items],
        [46 * mm, width - 46 * mm - 50 * mm, 50 * mm], font, header=True, padding=3))
    story += [Spacer(1, 5 * mm), *[para(t, st["small"]) for t in _closing(data)]]
    heading = Heading(TITLE, data.case_number)
    return render_a4(heading, data.issue, [Section(story)], font)


def render_acceptance_receipt_roll(data: AcceptanceReceipt, font: str) -> bytes:
    """The same receipt on an 80 mm thermal roll."""
    st = styles(font, 0.85)
    story = [para(f"{k}：{v}", st["base"]) for k, v in _facts(data, roll=True)]
    story += [Spacer(1, 2 * mm), para("已收材料：", st["label"])]
    story += [para(f"{i}. {m}", st["base"]) for i, m in enumerate(data.received, 1)] or [para("无", st["base"])]
    if data.deferred:
        story += [Spacer(1, 1.5 * mm), para("容缺材料（后补）：", st["label"])]
        story += [para(f"{i}. {m}", st["base"]) for i, m in enumerate(data.deferred, 1)]
        story.append(para(_deadline_text(data), st["base"]))
    story += [Spacer(1, 2 * mm), para("办件及承诺办结：", st["label"])]
    for it in data.items:
        story.append(para(f"{it.case_number}　{it.item_name}　{it.due_text()}", st["base"]))
    story += [Spacer(1, 2 * mm), *[para(t, st["small"]) for t in _closing(data)]]
    return render_roll(Heading(TITLE, data.case_number), data.issue, story, font)

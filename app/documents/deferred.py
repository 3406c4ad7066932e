"""容缺受理: the applicant's commitment letter (signed at the window) and the notice, in two copies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    signature_block,
    styles,
)

COMMITMENT_TITLE = "容缺受理承诺书"
NOTICE_TITLE = "容缺受理通知书"


@dataclass(frozen=True)
class DeferredMaterial:
    name: str
    form: str                 # the form it must take (原件 / 复印件 / 电子证照…) and its requirements


@dataclass(frozen=True)
class DeferredCase:
    issue: Issue
    case_number: str
    title: str
    applicant: Person
    deferred: list[DeferredMaterial]
    deadline: date
    promised_date: date | None = None


def _materials_table(data: DeferredCase, st, width: float, font: str):
    return grid_table([["序号", "容缺材料", "应提交的形式及要求"]]
                      + [[str(i), para(m.name, st["base"]), para(m.form, st["base"])]
                         for i, m in enumerate(data.deferred, 1)],
                      [14 * mm, 70 * mm, width - 84 * mm], font, header=True)


def render_deferred_commitment(data: DeferredCase, font: str) -> bytes:
    """申请容缺受理承诺书: kept in the archive, so it carries the full ID number when configured."""
    st, width = styles(font), a4_width()
    deadline = chinese_date(data.deadline)
    story = [
        para(f"本人{data.applicant.name}（证件号码 {data.applicant.id_text(data.issue.archive_full_id)}）申请办理"
             f"“{data.title}”，因下列材料暂时无法提供，申请容缺受理，并郑重承诺：", st["body"]),
        Spacer(1, 3 * mm), _materials_table(data, st, width, font), Spacer(1, 3 * mm),
        para("一、本人已提交的申请材料真实、合法、有效，如有虚假，愿承担相应法律责任。", st["body"]),
        para(f"二、本人将于{deadline}前按上述要求补齐全部容缺材料。", st["body"]),
        closing([para("三、逾期未补齐或补交材料与承诺不符的，同意终止办理本申请，由此产生的一切后果由本人承担，"
                      "并同意将失信情况记入信用记录。", st["body"])],
                signature_block(["承诺人（签名）：＿＿＿＿＿＿＿＿", "联系电话：＿＿＿＿＿＿＿＿",
                                 "日期：＿＿＿＿年＿＿月＿＿日"], st, width)),
    ]
    return render_a4(Heading(COMMITMENT_TITLE, data.case_number), data.issue, [Section(story)], font)


def render_deferred_notice(data: DeferredCase, font: str) -> bytes:
    """容缺受理通知书 in two copies: 申请人联 (masked ID) and 存档联 (full ID when configured)."""
    st, width = styles(font), a4_width()
    lh = data.issue.letterhead

    def copy(full_id: bool, archive: bool) -> list:
        story = [
            para(data.applicant.with_number(full_id) + "：", st["base"]),
            Spacer(1, 2 * mm),
            para(f"您申请办理的“{data.title}”，主要申请材料齐全，已于{chinese_date(data.issue.issued_at.date())}"
                 f"予以容缺受理。请于{chinese_date(data.deadline)}前补交下列材料：", st["body"]),
            Spacer(1, 3 * mm), _materials_table(data, st, width, font), Spacer(1, 3 * mm),
        ]
        return story + [closing([
            para("逾期未补交或补交材料不符合要求的，本申请终止办理。"
                 + (f"本件承诺办结日期为{chinese_date(data.promised_date)}，自材料补齐之日起按规定办理。"
                    if data.promised_date else ""), st["body"]),
            para(f"补交地点：{lh.centre_address}（任一综合窗口）；咨询电话：{lh.centre_phone}。", st["body"])],
            issuer_signature(data.issue, st, width, receipt_line=archive))]

    sections = [Section(copy(False, False), "第一联 申请人联"),
                Section(copy(data.issue.archive_full_id, True), "第二联 存档联")]
    return render_a4(Heading(NOTICE_TITLE, data.case_number), data.issue, sections, font)

"""受理回执: what the citizen takes home after acceptance (one receipt per visit, bundle or single item)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from app.documents.layout import (
    QrCode,
    chinese_date,
    chinese_datetime,
    draw_page_number,
    draw_training_watermark,
    styles,
    table_style,
)


@dataclass(frozen=True)
class ReceiptItem:
    case_number: str
    item_name: str
    promised_date: date | None
    provisional: bool = False
    instant: bool = False


@dataclass(frozen=True)
class AcceptanceReceipt:
    centre_name: str
    centre_address: str
    centre_phone: str
    window_name: str
    case_number: str                 # the number the QR code carries (first case of a bundle)
    title: str                       # item name, or the bundle's name
    applicant_name: str
    applicant_masked_id: str
    items: list[ReceiptItem]
    received: list[str]
    accepted_at: datetime
    clerk_name: str
    deferred: list[str] = field(default_factory=list)
    deferred_deadline: date | None = None
    agent_name: str = ""
    agent_masked_id: str = ""
    training: bool = False


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render_acceptance_receipt(data: AcceptanceReceipt, font: str) -> bytes:
    """The A4 acceptance receipt as PDF bytes."""
    st = styles(font)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=f"受理回执 {data.case_number}", author=data.centre_name,
                            initialFontName=font)
    story = []
    head = Table([[[_p(data.centre_name, st["subtitle"]), _p("受理回执", st["title"]),
                    _p(f"办件编号：{data.case_number}", st["subtitle"])], QrCode(data.case_number)]],
                 colWidths=[doc.width - 32 * mm, 32 * mm])
    head.setStyle(table_style(font, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT")))
    story += [head, Spacer(1, 4 * mm)]

    rows = [
        ["申请事项", data.title],
        ["申请人", f"{data.applicant_name}（证件号码 {data.applicant_masked_id}）"],
    ]
    if data.agent_name:
        rows.append(["代办人", f"{data.agent_name}（证件号码 {data.agent_masked_id}）"])
    rows += [
        ["受理时间", chinese_datetime(data.accepted_at)],
        ["受理窗口", f"{data.window_name}　受理人：{data.clerk_name}"],
        ["已收材料", "\n".join(f"{i}. {m}" for i, m in enumerate(data.received, 1)) or "无"],
    ]
    if data.deferred:
        deadline = f"（请于{chinese_date(data.deferred_deadline)}前补交）" if data.deferred_deadline else ""
        rows.append(["容缺材料", "\n".join(f"{i}. {m}" for i, m in enumerate(data.deferred, 1)) + "\n" + deadline])
    table = Table([[_p(k, st["label"]), _p(v, st["base"])] for k, v in rows], colWidths=[26 * mm, None])
    table.setStyle(table_style(
        font,
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#555555")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ))
    story += [table, Spacer(1, 5 * mm), _p("办理事项及承诺办结日期", st["label"]), Spacer(1, 2 * mm)]

    item_rows = [[_p(h, st["label"]) for h in ("办件编号", "事项", "承诺办结")]]
    for it in data.items:
        if it.instant:
            due = "即办"
        elif it.promised_date:
            due = chinese_date(it.promised_date) + ("（暂定，节假日安排未公布）" if it.provisional else "")
        else:
            due = "—"
        item_rows.append([_p(it.case_number, st["base"]), _p(it.item_name, st["base"]), _p(due, st["base"])])
    items_table = Table(item_rows, colWidths=[48 * mm, None, 52 * mm], repeatRows=1)
    items_table.setStyle(table_style(
        font,
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#555555")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ))
    story += [items_table, Spacer(1, 6 * mm)]
    story += [
        _p(f"查询方式：凭办件编号或扫描右上角二维码查询办理进度；咨询电话 {data.centre_phone}。", st["small"]),
        _p(f"办理地址：{data.centre_address}", st["small"]),
        _p("办结后请凭本回执及申请人身份证件到原窗口领取结果；代领请携带代领人身份证件。", st["small"]),
    ]

    def on_page(canvas, doc_):
        if data.training:
            draw_training_watermark(canvas, font)
        draw_page_number(canvas, font, f"{data.case_number} 第 {doc_.page} 页")

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()

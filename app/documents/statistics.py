"""统计报表: a period's figures as an Excel workbook (every figure, by day / item / agency / clerk / channel,
refusals, 差评) and as a printable A4 PDF."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Section,
    a4_width,
    chinese_date,
    grid_table,
    para,
    render_a4,
    styles,
)
from app.documents.workbook import workbook_bytes
from app.domain.rating import LEVEL_LABELS, RatingLevel
from app.domain.statistics import FIGURE_LABELS, GROUPINGS, RATES, Figures, Report, shown

TITLE = "综合窗口统计报表"
# The figures a table by item, agency, clerk or channel shows (the summary shows them all).
COLUMNS = ("cases", "instant_rate", "deferred", "deferred_on_time_rate", "refusals", "overdue", "wait_avg_min",
           "handling_avg_min", "ratings", "satisfaction_rate")


def _value(key: str, f: Figures):
    v = getattr(f, key)
    return round(v * 100, 1) if key in RATES and v is not None else v


def _xlsx_header(key: str) -> str:
    return FIGURE_LABELS[key] + ("（%）" if key in RATES else "")


def statistics_workbook(report: Report) -> bytes:
    keys = list(FIGURE_LABELS)
    period = f"{report.start.isoformat()} 至 {report.end.isoformat()}"
    summary = [("统计期间", period)] + [(FIGURE_LABELS[k], shown(k, getattr(report.total, k))) for k in keys]
    sheets = [("汇总", ("指标", "数值"), summary)]
    for name, label in GROUPINGS.items():
        rows = [[key] + [_value(k, f) for k in keys] for key, f in report.groups.get(name, [])]
        sheets.append((label, [label.removeprefix("按")] + [_xlsx_header(k) for k in keys], rows))
    sheets.append(("不予受理", ("办件编号", "事项", "理由"),
                   [(r.case_number, r.item_name, r.reason) for r in report.refusals]))
    sheets.append(("差评", ("办件编号", "事项", "窗口人员", "评价", "不满意的方面", "意见"),
                   [(b.case_number, b.item_name, b.clerk, LEVEL_LABELS[RatingLevel(b.level)], "、".join(b.tags),
                     b.comment) for b in report.bad_ratings]))
    return workbook_bytes(sheets)


def render_statistics(report: Report, issue: Issue, font: str) -> bytes:
    st, width = styles(font), a4_width()
    small = st["small"]
    t = report.total
    pairs = [(FIGURE_LABELS[k], shown(k, getattr(t, k))) for k in FIGURE_LABELS]
    half = (len(pairs) + 1) // 2
    left, right = pairs[:half], pairs[half:] + [("", "")] * (2 * half - len(pairs))
    summary = [[para(a, st["label"]), para(b, st["base"]), para(c, st["label"]), para(d, st["base"])]
               for (a, b), (c, d) in zip(left, right, strict=True)]
    col = width / 4
    story = [grid_table(summary, [col * 1.2, col * 0.8, col * 1.2, col * 0.8], font, padding=3)]
    key_w = 34 * mm
    number_w = (width - key_w) / len(COLUMNS)
    for name in ("item", "agency", "clerk", "channel", "day"):
        groups = report.groups.get(name, [])
        if not groups:
            continue
        header = [para(GROUPINGS[name].removeprefix("按"), st["label"])] + [
            para(FIGURE_LABELS[k].replace("（分钟）", "(分)"), small) for k in COLUMNS]
        rows = [[para(key, small)] + [para(shown(k, getattr(f, k)), st["right"]) for k in COLUMNS]
                for key, f in groups]
        story += [Spacer(1, 4 * mm), para(GROUPINGS[name], st["heading"]),
                  grid_table([header, *rows], [key_w] + [number_w] * len(COLUMNS), font, header=True, padding=2)]
    if report.refusals:
        story += [Spacer(1, 4 * mm), para("不予受理明细", st["heading"]),
                  grid_table([["办件编号", "事项", "理由"]]
                             + [[para(r.case_number, small), para(r.item_name, small), para(r.reason, small)]
                                for r in report.refusals],
                             [46 * mm, 50 * mm, width - 96 * mm], font, header=True, padding=2)]
    if report.bad_ratings:
        story += [Spacer(1, 4 * mm), para("差评明细", st["heading"]),
                  grid_table([["办件编号", "事项", "窗口人员", "评价", "不满意的方面及意见"]]
                             + [[para(b.case_number, small), para(b.item_name, small), para(b.clerk, small),
                                 para(LEVEL_LABELS[RatingLevel(b.level)], small),
                                 para("、".join(b.tags) + (f"：{b.comment}" if b.comment else ""), small)]
                                for b in report.bad_ratings],
                             [40 * mm, 40 * mm, 22 * mm, 20 * mm, width - 122 * mm], font, header=True, padding=2)]
    story += [Spacer(1, 6 * mm),
              para(f"制表：{issue.clerk_name}　　制表时间：{issue.issued_at:%Y-%m-%d %H:%M}", small)]
    subtitle = f"{issue.letterhead.window_name}　{chinese_date(report.start)} 至 {chinese_date(report.end)}"
    return render_a4(Heading(TITLE, None, subtitle=subtitle), issue, [Section(story)], font)

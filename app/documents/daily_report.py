"""窗口日报: the day's figures of one window — cases by item and state, instant rate, deferred, refused,
average handling time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Section,
    a4_width,
    chinese_date,
    field_rows,
    grid_table,
    para,
    render_a4,
    styles,
)
from app.domain.statistics import Refusal

TITLE = "综合窗口工作日报"
COLUMNS = ("受理", "容缺受理", "即办办结", "补正告知", "不予受理", "撤回", "合计")


@dataclass(frozen=True)
class ItemFigures:
    item_name: str
    counts: dict[str, int]            # by COLUMNS (合计 computed)

    @property
    def total(self) -> int:
        return sum(v for k, v in self.counts.items() if k != "合计")


@dataclass(frozen=True)
class DailyReport:
    issue: Issue
    day: date
    window_name: str
    items: list[ItemFigures]
    instant_cases: int
    average_handling_minutes: float | None
    average_wait_minutes: float | None = None
    tickets_served: int = 0
    deferred_open: int = 0             # deferred cases still waiting for their materials
    home_visits: int = 0               # 上门办 cases of the day
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(i.total for i in self.items)

    def column_total(self, column: str) -> int:
        return sum(i.counts.get(column, 0) for i in self.items)

    @property
    def instant_rate(self) -> float | None:
        return self.instant_cases / self.total if self.total else None


def _minutes(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f} 分钟"


def render_daily_report(data: DailyReport, font: str) -> bytes:
    st, width = styles(font), a4_width()
    small = st["small"]
    rate = "—" if data.instant_rate is None else f"{data.instant_rate:.1%}"
    story = [
        grid_table(field_rows([
            ("统计日期", chinese_date(data.day)), ("窗口", data.window_name),
            ("办件量", f"{data.total} 件"), ("即办率", f"{rate}（即办 {data.instant_cases} 件）"),
            ("容缺受理", f"{data.column_total('容缺受理')} 件（尚待补交 {data.deferred_open} 件）"),
            ("不予受理", f"{data.column_total('不予受理')} 件"),
            ("上门办", f"{data.home_visits} 件"),
            ("平均办理时长", _minutes(data.average_handling_minutes)),
            ("平均等候时间", f"{_minutes(data.average_wait_minutes)}（叫号 {data.tickets_served} 人）"),
        ], st), [30 * mm, width - 30 * mm], font, label_column=True),
        Spacer(1, 4 * mm), para("分事项统计（件）", st["heading"]),
    ]
    number_w = 14 * mm
    name_w = width - number_w * len(COLUMNS)
    header = [para("事项", st["label"])] + [para(c, small) for c in COLUMNS]
    rows = [[para(i.item_name, st["base"])] + [para(str(i.counts.get(c, 0) if c != "合计" else i.total), st["right"])
                                                for c in COLUMNS] for i in data.items]
    totals = ["合计"] + [para(str(data.column_total(c) if c != "合计" else data.total), st["right"])
                                           for c in COLUMNS]
    story.append(grid_table([header, *rows, totals], [name_w] + [number_w] * len(COLUMNS), font, header=True,
                            padding=3))
    if data.refusals:
        story += [Spacer(1, 4 * mm), para("不予受理明细", st["heading"])]
        story.append(grid_table([["办件编号", "事项", "理由"]]
                                + [[para(r.case_number, st["base"]), para(r.item_name, st["base"]),
                                    para(r.reason, st["base"])] for r in data.refusals],
                                [46 * mm, 50 * mm, width - 96 * mm], font, header=True, padding=3))
    story += [Spacer(1, 6 * mm),
              para(f"制表：{data.issue.clerk_name}　　制表时间：{data.issue.issued_at:%Y-%m-%d %H:%M}", small)]
    return render_a4(Heading(TITLE, None, subtitle=f"{data.window_name}　{chinese_date(data.day)}"), data.issue,
                     [Section(story)], font)

"""培训成绩单: a trainee's score sheet for one scenario — the score, the pass mark and every finding with the
guide element it refers to (always with the training watermark)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    Heading,
    Issue,
    Section,
    a4_width,
    field_rows,
    grid_table,
    para,
    render_a4,
    styles,
)

TITLE = "培训成绩单"


@dataclass(frozen=True)
class ScoreLine:
    ok: bool
    message: str
    points: int
    guide: str


@dataclass(frozen=True)
class ScoreSheetDocument:
    issue: Issue
    scenario_id: str
    title: str
    trainee: str
    score: int
    pass_mark: int
    passed: bool
    elapsed: str
    hints: int
    lines: list[ScoreLine]


def render_score_sheet(data: ScoreSheetDocument, font: str) -> bytes:
    st, width = styles(font), a4_width()
    verdict = "通过" if data.passed else "未通过"
    story = [
        grid_table(field_rows([("学员", data.trainee), ("情景", data.title), ("得分", f"{data.score} 分（{verdict}，"
                                f"及格线 {data.pass_mark} 分）"), ("用时", data.elapsed),
                               ("提示", f"{data.hints} 次")], st),
                   [30 * mm, width - 30 * mm], font, label_column=True),
        Spacer(1, 4 * mm), para("评分明细", st["heading"]),
        grid_table([["", "评价", "扣分", "依据"]]
                   + [["√" if line.ok else "×", para(line.message, st["base"]),
                       "" if line.ok else str(line.points), para(line.guide, st["small"])] for line in data.lines],
                   [8 * mm, width - 76 * mm, 14 * mm, 54 * mm], font, header=True),
        Spacer(1, 3 * mm),
        para("评分依据办件留下的操作记录，与窗口上的操作一一对应；培训数据不报送区级平台。", st["small"]),
    ]
    return render_a4(Heading(TITLE, data.scenario_id, number_label="情景编号"), data.issue, [Section(story)], font)

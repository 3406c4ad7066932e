"""The trainer's export of trainees' results as an Excel workbook: scenario runs (trainee × scenario) and
quizzes, one sheet each."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

RUN_HEADERS = ("学员", "情景编号", "情景", "次数", "最好成绩", "最近成绩", "最近用时（秒）", "是否通过", "最近一次")
QUIZ_HEADERS = ("学员", "测试次数", "最好成绩", "最近成绩", "最近一次")


def _sheet(ws, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F618D")
    for row in rows:
        ws.append(list(row))
    for i, header in enumerate(headers, 1):
        longest = max([len(str(header))] + [len(str(r[i - 1])) for r in rows])
        ws.column_dimensions[get_column_letter(i)].width = min(50, 4 + longest * 2)
    ws.freeze_panes = "A2"


def results_workbook(runs: Sequence[Sequence], quizzes: Sequence[Sequence]) -> bytes:
    """The workbook's bytes; each row in the order of the headers above."""
    wb = Workbook()
    ws = wb.active
    ws.title = "情景演练"
    _sheet(ws, RUN_HEADERS, runs)
    _sheet(wb.create_sheet("问卷测试"), QUIZ_HEADERS, quizzes)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

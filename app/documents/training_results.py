"""The trainer's export of trainees' results as an Excel workbook: scenario runs (trainee × scenario) and
quizzes, one sheet each."""

from __future__ import annotations

from collections.abc import Sequence

from app.documents.workbook import workbook_bytes

RUN_HEADERS = ("学员", "情景编号", "情景", "次数", "最好成绩", "最近成绩", "最近用时（秒）", "是否通过", "最近一次")
QUIZ_HEADERS = ("学员", "测试次数", "最好成绩", "最近成绩", "最近一次")


def results_workbook(runs: Sequence[Sequence], quizzes: Sequence[Sequence]) -> bytes:
    """The workbook's bytes; each row in the order of the headers above."""
    return workbook_bytes([("情景演练", RUN_HEADERS, runs), ("问卷测试", QUIZ_HEADERS, quizzes)])

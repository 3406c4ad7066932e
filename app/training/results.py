"""The trainer's table: each trainee × scenario with attempts, best and last score and the last time taken,
and each trainee's quizzes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.store.training import QuizResult, RunResult


@dataclass(frozen=True)
class ResultRow:
    trainee: str
    scenario_id: str
    title: str
    attempts: int
    best: int
    last: int
    last_elapsed_s: float
    passed: bool              # passed at least once
    last_at: datetime


@dataclass(frozen=True)
class QuizRow:
    trainee: str
    quizzes: int
    best: int
    last: int
    last_at: datetime


def results_table(runs: Iterable[RunResult]) -> list[ResultRow]:
    """One row per trainee and scenario (by trainee, then scenario), from runs in the order they finished."""
    rows: dict[tuple[str, str], ResultRow] = {}
    for r in sorted(runs, key=lambda r: r.finished_at):
        key = (r.trainee, r.scenario_id)
        prev = rows.get(key)
        rows[key] = ResultRow(r.trainee, r.scenario_id, r.title, (prev.attempts if prev else 0) + 1,
                              max(prev.best if prev else 0, r.score), r.score, r.elapsed_s,
                              r.passed or (prev.passed if prev else False), r.finished_at)
    return [rows[k] for k in sorted(rows)]


def quiz_table(quizzes: Iterable[QuizResult]) -> list[QuizRow]:
    rows: dict[str, QuizRow] = {}
    for q in sorted(quizzes, key=lambda q: q.taken_at):
        prev = rows.get(q.trainee)
        rows[q.trainee] = QuizRow(q.trainee, (prev.quizzes if prev else 0) + 1, max(prev.best if prev else 0, q.score),
                                  q.score, q.taken_at)
    return [rows[k] for k in sorted(rows)]

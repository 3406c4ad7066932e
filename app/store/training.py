"""Trainees' results (scenario runs with their score sheets, quizzes) and the courses trainers assign."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from app.i18n import _
from app.store.errors import StoreError
from app.store.models import TrainingAssignmentRow, TrainingCourseRow, TrainingQuizRow, TrainingRunRow


@dataclass(frozen=True)
class RunResult:
    id: str
    trainee: str
    scenario_id: str
    title: str
    finished_at: datetime
    elapsed_s: float
    score: int
    passed: bool
    hints: int
    sheet: dict[str, Any]


@dataclass(frozen=True)
class QuizResult:
    id: str
    trainee: str
    seed: int
    questions: int
    correct: int
    score: int
    taken_at: datetime


@dataclass(frozen=True)
class Course:
    id: str
    name: str
    scenario_ids: tuple[str, ...]
    created_by: str
    trainees: tuple[str, ...] = ()


class TrainingRepository:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    # --- results ----------------------------------------------------------------------------------

    def add_run(self, trainee: str, sheet: dict[str, Any], at: datetime) -> RunResult:
        row = TrainingRunRow(id=str(uuid.uuid4()), trainee=trainee, scenario_id=sheet["scenario"],
                             title=sheet["title"], finished_at=at, elapsed_s=float(sheet["elapsed_s"]),
                             score=int(sheet["score"]), passed=bool(sheet["passed"]), hints=int(sheet["hints"]),
                             sheet=sheet)
        with self._sessions.begin() as s:
            s.add(row)
        return _run(row)

    def runs(self, trainee: str | None = None) -> list[RunResult]:
        """Every run (one trainee's), oldest first."""
        q = select(TrainingRunRow).order_by(TrainingRunRow.finished_at)
        if trainee is not None:
            q = q.where(TrainingRunRow.trainee == trainee)
        with self._sessions() as s:
            return [_run(r) for r in s.scalars(q)]

    def add_quiz(self, trainee: str, seed: int, questions: int, correct: int, score: int, at: datetime) -> QuizResult:
        row = TrainingQuizRow(id=str(uuid.uuid4()), trainee=trainee, seed=seed, questions=questions,
                              correct=correct, score=score, taken_at=at)
        with self._sessions.begin() as s:
            s.add(row)
        return _quiz(row)

    def quizzes(self, trainee: str | None = None) -> list[QuizResult]:
        q = select(TrainingQuizRow).order_by(TrainingQuizRow.taken_at)
        if trainee is not None:
            q = q.where(TrainingQuizRow.trainee == trainee)
        with self._sessions() as s:
            return [_quiz(r) for r in s.scalars(q)]

    # --- courses ----------------------------------------------------------------------------------

    def save_course(self, name: str, scenario_ids: list[str], by: str, at: datetime) -> Course:
        """A new course, or the course of that name with its scenarios replaced."""
        try:
            with self._sessions.begin() as s:
                row = s.scalar(select(TrainingCourseRow).where(TrainingCourseRow.name == name))
                if row is None:
                    row = TrainingCourseRow(id=str(uuid.uuid4()), name=name, created_by=by, created_at=at)
                    s.add(row)
                row.scenario_ids = list(scenario_ids)
                course_id = row.id
        except IntegrityError as e:
            raise StoreError(_("课程“{name}”未能保存").format(name=name)) from e
        return self.course(course_id)

    def course(self, course_id: str) -> Course:
        with self._sessions() as s:
            row = s.get(TrainingCourseRow, course_id)
            if row is None:
                raise StoreError(_("找不到该课程。"))
            trainees = s.scalars(select(TrainingAssignmentRow.trainee)
                                 .where(TrainingAssignmentRow.course_id == course_id)
                                 .order_by(TrainingAssignmentRow.trainee)).all()
            return Course(row.id, row.name, tuple(row.scenario_ids), row.created_by, tuple(trainees))

    def courses(self, trainee: str | None = None) -> list[Course]:
        """Every course (those assigned to `trainee`), by name."""
        with self._sessions() as s:
            q = select(TrainingCourseRow.id).order_by(TrainingCourseRow.name)
            if trainee is not None:
                q = q.join(TrainingAssignmentRow, TrainingAssignmentRow.course_id == TrainingCourseRow.id).where(
                    TrainingAssignmentRow.trainee == trainee)
            ids = s.scalars(q).all()
        return [self.course(i) for i in ids]

    def assign(self, course_id: str, trainees: list[str], by: str, at: datetime) -> Course:
        """The course is assigned to exactly these trainees."""
        with self._sessions.begin() as s:
            if s.get(TrainingCourseRow, course_id) is None:
                raise StoreError(_("找不到该课程。"))
            s.execute(delete(TrainingAssignmentRow).where(TrainingAssignmentRow.course_id == course_id))
            for t in dict.fromkeys(trainees):
                s.add(TrainingAssignmentRow(course_id=course_id, trainee=t, assigned_by=by, assigned_at=at))
        return self.course(course_id)


def _run(r: TrainingRunRow) -> RunResult:
    return RunResult(r.id, r.trainee, r.scenario_id, r.title, r.finished_at, r.elapsed_s, r.score, r.passed,
                     r.hints, dict(r.sheet))


def _quiz(r: TrainingQuizRow) -> QuizResult:
    return QuizResult(r.id, r.trainee, r.seed, r.questions, r.correct, r.score, r.taken_at)

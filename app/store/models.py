"""SQLAlchemy models of the workstation's database (schema owned by migrations/)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class AwareDateTime(TypeDecorator):
    """A timezone-aware datetime kept as ISO 8601 text with its UTC offset (SQLite has no such type)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.astimezone()
        return value.isoformat()

    def process_result_value(self, value, dialect):
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    pass


class ClerkRow(Base):
    __tablename__ = "clerks"
    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime())


class CaseRow(Base):
    """Projection of a record's events (a case, or a 办不成事 registration), for lists and search."""

    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="case")
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    item_code: Mapped[str] = mapped_column(String(20))
    item_name: Mapped[str] = mapped_column(String(80))
    bundle_id: Mapped[str | None] = mapped_column(String(36), index=True)
    bundle_code: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(30), index=True)
    applicant_name: Mapped[str] = mapped_column(String(60), default="", index=True)
    applicant_id_number: Mapped[str] = mapped_column(String(18), default="", index=True)
    catalog_version: Mapped[str] = mapped_column(String(30))
    clerk: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())
    promised_date: Mapped[date | None] = mapped_column(Date)
    accepted_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    deferred_deadline: Mapped[date | None] = mapped_column(Date)
    deferred_open: Mapped[int] = mapped_column(Integer, default=0)    # deferred materials still to supply
    channel: Mapped[str] = mapped_column(String(20), default="window")
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    sync_state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    sync_error: Mapped[str | None] = mapped_column(Text)    # the district's reason for a quarantined case
    purged_at: Mapped[datetime | None] = mapped_column(AwareDateTime())   # personal data removed (retention)


class CaseEventRow(Base):
    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    clerk: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(AwareDateTime())
    synced_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), index=True)


class SyncMetaRow(Base):
    """Enrolment, results cursor and last outcome of the sync (one value per key)."""

    __tablename__ = "sync_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CounterRow(Base):
    """Never-decreasing sequences (case numbers per day, tickets per day)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class AttachmentRow(Base):
    __tablename__ = "attachments"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class TicketRow(Base):
    __tablename__ = "tickets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(10))
    day: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(20))
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(12), index=True)
    taken_at: Mapped[datetime] = mapped_column(AwareDateTime())
    called_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    window: Mapped[str | None] = mapped_column(String(40))
    hall_pending: Mapped[bool] = mapped_column(Boolean, default=False)  # taken while the hall was unreachable


class AuditRow(Base):
    """Who viewed or changed what (personal data access is audited)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    clerk: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The last audit row and its hash: deleting rows from the end of the chain is found too."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class TrainingRunRow(Base):
    """A trainee's finished run of a scenario with its score sheet."""

    __tablename__ = "training_runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    trainee: Mapped[str] = mapped_column(String(40), index=True)
    scenario_id: Mapped[str] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(120))
    finished_at: Mapped[datetime] = mapped_column(AwareDateTime())
    elapsed_s: Mapped[float] = mapped_column(Float)
    score: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    hints: Mapped[int] = mapped_column(Integer)
    sheet: Mapped[dict] = mapped_column(JSON)


class TrainingQuizRow(Base):
    __tablename__ = "training_quizzes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    trainee: Mapped[str] = mapped_column(String(40), index=True)
    seed: Mapped[int] = mapped_column(Integer)
    questions: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(AwareDateTime())


class TrainingCourseRow(Base):
    """An ordered set of scenarios a trainer assigns."""

    __tablename__ = "training_courses"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    scenario_ids: Mapped[list] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class TrainingAssignmentRow(Base):
    __tablename__ = "training_assignments"
    course_id: Mapped[str] = mapped_column(ForeignKey("training_courses.id"), primary_key=True)
    trainee: Mapped[str] = mapped_column(String(40), primary_key=True)
    assigned_by: Mapped[str] = mapped_column(String(40))
    assigned_at: Mapped[datetime] = mapped_column(AwareDateTime())


# A period's figures by each grouping are summed by walking one covering index in the grouping's order (SQLite has
# no hash aggregate: grouping the day index's rows would sort them all first).
FIGURE_GROUPS = {"day": "day", "item": "item_name", "agency": "item_code", "clerk": "clerk", "channel": "channel"}
FIGURE_INDEX_TAIL = ("day", *(f"n_{k}" for k in ("cases", "accepted", "instant", "deferred", "deferred_on_time",
                                                 "corrections", "refusals", "withdrawn", "terminated", "ratings",
                                                 "satisfied", "bad_ratings")),
                     "overdue_late", "overdue_due", "wait_s", "handling_s")


class CaseFiguresRow(Base):
    """The statistics projection: one row per case with what the figures need, written with its events."""

    __tablename__ = "case_figures"
    __table_args__ = tuple(Index(f"ix_case_figures_by_{name}", *dict.fromkeys((column, *FIGURE_INDEX_TAIL)))
                           for name, column in FIGURE_GROUPS.items())
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40))
    item_code: Mapped[str] = mapped_column(String(20))
    item_name: Mapped[str] = mapped_column(String(80))
    clerk: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date, index=True)                 # opened, in the workstation's time
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    instant: Mapped[bool] = mapped_column(Boolean)
    deferred_deadline: Mapped[date | None] = mapped_column(Date)
    deferred_done_day: Mapped[date | None] = mapped_column(Date)
    terminated: Mapped[bool] = mapped_column(Boolean)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    promised_date: Mapped[date | None] = mapped_column(Date)
    decided_day: Mapped[date | None] = mapped_column(Date)
    wait_s: Mapped[int | None] = mapped_column(Integer)
    handling_s: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[int | None] = mapped_column(Integer, index=True)
    rating_tags: Mapped[str] = mapped_column(Text, default="")          # joined with "、"
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    # what the case adds to each count (domain.statistics.CaseFacts.contribution), and to 超期
    n_cases: Mapped[int] = mapped_column(Integer, default=0)
    n_accepted: Mapped[int] = mapped_column(Integer, default=0)
    n_instant: Mapped[int] = mapped_column(Integer, default=0)
    n_deferred: Mapped[int] = mapped_column(Integer, default=0)
    n_deferred_on_time: Mapped[int] = mapped_column(Integer, default=0)
    n_corrections: Mapped[int] = mapped_column(Integer, default=0)
    n_refusals: Mapped[int] = mapped_column(Integer, default=0)
    n_withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    n_terminated: Mapped[int] = mapped_column(Integer, default=0)
    n_ratings: Mapped[int] = mapped_column(Integer, default=0)
    n_satisfied: Mapped[int] = mapped_column(Integer, default=0)
    n_bad_ratings: Mapped[int] = mapped_column(Integer, default=0)
    overdue_late: Mapped[int] = mapped_column(Integer, default=0)      # decided after its promised date
    overdue_due: Mapped[date | None] = mapped_column(Date)             # undecided: overdue once past this day

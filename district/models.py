"""The district server's tables (schema owned by district/migrations)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DeviceRow(Base):
    """An enrolled workstation; its token is kept only as a SHA-256."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(20), unique=True)     # case numbers start with it: one per PC
    training: Mapped[bool] = mapped_column(Boolean)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    previous_token_sha256: Mapped[str | None] = mapped_column(String(64))   # valid until the new one is used
    centre: Mapped[str] = mapped_column(String(80), default="")              # the service point it works at


class EnrolmentCodeRow(Base):
    __tablename__ = "enrolment_codes"
    code_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_by: Mapped[str | None] = mapped_column(String(36))


class CaseRow(Base):
    """What the district knows of a case: the workstation's projection plus the back office's decision."""

    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40), index=True)
    item_code: Mapped[str] = mapped_column(String(20))
    item_name: Mapped[str] = mapped_column(String(80))
    applicant_name: Mapped[str] = mapped_column(String(60), default="")
    applicant_masked_id: Mapped[str] = mapped_column(String(18), default="")
    workstation_state: Mapped[str] = mapped_column(String(30))
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    official_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    # "", received, processing, approved, denied, terminated; for a 办不成事: escalated, resolved
    decision: Mapped[str] = mapped_column(String(20), default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20), default="case")          # case / cannot_do
    deferred_deadline: Mapped[date | None] = mapped_column(Date)
    deferred_open: Mapped[list | None] = mapped_column(JSON)                # deferred material codes outstanding
    request: Mapped[dict | None] = mapped_column(JSON)                      # a 办不成事: what and why
    # for the figures across service points
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="")            # accepted / accepted_deferred / …
    instant: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))   # called to the window, or opened
    wait_s: Mapped[int | None] = mapped_column(Integer)
    handling_s: Mapped[int | None] = mapped_column(Integer)
    promised_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # end of the promised day


class EventRow(Base):
    """A workstation's case event, stored once by its UUID with the hash of its content."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    clerk: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[str] = mapped_column(String(40))
    content_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    parked: Mapped[bool] = mapped_column(Boolean, index=True)
    parked_reason: Mapped[str | None] = mapped_column(Text)


class AttachmentRow(Base):
    __tablename__ = "attachments"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[str] = mapped_column(String(36))
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ResultEventRow(Base):
    """The results feed: what the district did with a case, read by its workstation with a cursor."""

    __tablename__ = "result_events"
    cursor: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict] = mapped_column(JSON)
    by: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CounterRow(Base):
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class OfficerRow(Base):
    """A named back-office officer (argon2 password hash)."""

    __tablename__ = "officers"
    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OfficerSessionRow(Base):
    """A signed-in officer: the cookie (or bearer token) is kept only as a SHA-256, with its CSRF token."""

    __tablename__ = "officer_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("officers.username"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BackOfficeAuditRow(Base):
    """Who in the back office did what to which case, from where."""

    __tablename__ = "back_office_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    officer: Mapped[str] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class RatingRow(Base):
    """好差评 of a case as the citizen gave it at the window; a 差评 with its 回访 and 整改 deadlines, what the back
    office did, and the citizen's one follow-up rating (追评) beside the first."""

    __tablename__ = "ratings"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    tags: Mapped[list] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(20))
    clerk: Mapped[str] = mapped_column(String(40))
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    bad: Mapped[bool] = mapped_column(Boolean, index=True)
    callback_due: Mapped[date | None] = mapped_column(Date)
    rectify_due: Mapped[date | None] = mapped_column(Date)
    callback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    callback_by: Mapped[str] = mapped_column(String(80), default="")
    callback_note: Mapped[str] = mapped_column(Text, default="")
    rectified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rectified_by: Mapped[str] = mapped_column(String(80), default="")
    rectified_note: Mapped[str] = mapped_column(Text, default="")
    follow_up_level: Mapped[int | None] = mapped_column(Integer)
    follow_up_comment: Mapped[str] = mapped_column(Text, default="")
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    follow_up_by: Mapped[str] = mapped_column(String(80), default="")

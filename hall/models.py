"""The hall service's tables (SQLite in its data folder)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Moment(TypeDecorator):
    """A point in time, kept in UTC and handed back with its zone (SQLite keeps none)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class TicketRow(Base):
    __tablename__ = "tickets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    number: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    green: Mapped[bool] = mapped_column(Boolean, default=False)
    appointment: Mapped[str | None] = mapped_column(String(12))
    slot_start: Mapped[datetime | None] = mapped_column(Moment())
    slot_end: Mapped[datetime | None] = mapped_column(Moment())
    id_masked: Mapped[str] = mapped_column(String(18), default="")
    state: Mapped[str] = mapped_column(String(12), index=True)      # waiting / called / no_show / done
    taken_at: Mapped[datetime] = mapped_column(Moment())
    queued_at: Mapped[datetime] = mapped_column(Moment())     # its place in the line
    for_window: Mapped[str | None] = mapped_column(String(40))               # transferred to one window
    called_at: Mapped[datetime | None] = mapped_column(Moment())
    window: Mapped[str | None] = mapped_column(String(40))
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(Moment())
    case_numbers: Mapped[str] = mapped_column(Text, default="")
    offline: Mapped[bool] = mapped_column(Boolean, default=False)     # served by a window while the hall was down


class CallRow(Base):
    """Every call (and recall), for the display's list of the last calls."""

    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(12))
    window: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(Moment(), index=True)
    recall: Mapped[bool] = mapped_column(Boolean, default=False)


class WindowRow(Base):
    __tablename__ = "windows"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_at: Mapped[datetime] = mapped_column(Moment())


class AppointmentRow(Base):
    """预约: a category and a time slot, booked ahead (e.g. by WeChat), checked in at the kiosk."""

    __tablename__ = "appointments"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    slot_start: Mapped[datetime] = mapped_column(Moment())
    slot_end: Mapped[datetime] = mapped_column(Moment())
    name: Mapped[str] = mapped_column(String(40), default="")
    ticket: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(Moment())


class CounterRow(Base):
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)

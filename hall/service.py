"""The hall's queue, without HTTP: tickets numbered per day with a prefix per category (and one for the green
channel), appointments checked in and served first while their slot is open, calls to windows with recall,
no-show, pause and transfer, and the tickets a window served on its own while the hall was unreachable."""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hall.models import AppointmentRow, CallRow, CounterRow, TicketRow, WindowRow

log = logging.getLogger(__name__)


class HallRefused(Exception):
    def __init__(self, status: int, code: str, reason: str):
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason


@dataclass(frozen=True)
class Category:
    code: str
    prefix: str
    label: str


@dataclass(frozen=True)
class HallConfig:
    name: str = "社区事务受理服务中心"
    categories: tuple[Category, ...] = (Category("general", "A", "综合业务"), Category("social", "B", "社保医保"),
                                        Category("civil", "C", "民政残联"))
    green_prefix: str = "V"
    appointment_prefix: str = "Y"
    key: str = ""                  # windows send it as X-Hall-Key (empty: the LAN is trusted)
    recent_calls: int = 8
    early_minutes: int = 15        # an appointment may check in this long before its slot

    def category(self, code: str) -> Category:
        for c in self.categories:
            if c.code == code:
                return c
        raise HallRefused(422, "unknown_category", f"没有“{code}”这一类业务。")


def ticket_dict(t: TicketRow, config: HallConfig) -> dict[str, Any]:
    def iso(v):
        return v.isoformat() if v else None

    label = next((c.label for c in config.categories if c.code == t.category), t.category)
    return {"id": t.id, "number": t.number, "category": t.category, "category_label": label, "green": t.green,
            "appointment": t.appointment, "state": t.state, "taken_at": iso(t.taken_at), "called_at": iso(t.called_at),
            "window": t.window, "recalls": t.recalls, "finished_at": iso(t.finished_at),
            "case_numbers": [n for n in t.case_numbers.split(",") if n], "for_window": t.for_window,
            "offline": t.offline}


def mask(id_number: str) -> str:
    n = "".join(id_number.split())
    return n[:6] + "*" * (len(n) - 10) + n[-4:] if len(n) > 10 else ""


def elderly(id_number: str, today: date, age: int = 70) -> bool:
    """A resident ID number (18 digits) of someone aged `age` or more: the green channel without asking."""
    n = "".join(id_number.split())
    if len(n) != 18 or not n[:17].isdigit():
        return False
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return False
    return (today.year - born.year - ((today.month, today.day) < (born.month, born.day))) >= age


@dataclass
class _Line:
    """The order in which waiting tickets are called."""

    now: datetime
    window: str
    categories: set[str] = field(default_factory=set)
    early: timedelta = timedelta(minutes=15)

    def key(self, t: TicketRow):
        in_slot = t.appointment is not None and t.slot_start is not None and (
            t.slot_start - self.early <= self.now <= t.slot_end)
        return (t.for_window != self.window, not in_slot, not t.green, t.queued_at)

    def eligible(self, t: TicketRow) -> bool:
        if t.for_window is not None:
            return t.for_window == self.window
        return not self.categories or t.category in self.categories


class HallService:
    def __init__(self, sessions: sessionmaker[Session], config: HallConfig, clock):
        self.sessions, self.config, self.clock = sessions, config, clock

    def _today(self) -> date:
        return self.clock().astimezone().date()

    def _next(self, s: Session, name: str) -> int:
        row = s.get(CounterRow, name, with_for_update=True)
        if row is None:
            row = CounterRow(name=name, value=0)
            s.add(row)
        row.value += 1
        s.flush()
        return row.value

    def _new_ticket(self, s: Session, category: Category, prefix: str, **kw) -> TicketRow:
        now, day = self.clock(), self._today()
        number = f"{prefix}{self._next(s, f'{prefix}:{day:%Y%m%d}'):03d}"
        row = TicketRow(id=str(uuid.uuid4()), day=day, number=number, category=category.code, state="waiting",
                        taken_at=now, queued_at=now, recalls=0, case_numbers="", offline=False, **kw)
        s.add(row)
        s.flush()
        return row

    # --- the kiosk --------------------------------------------------------------------------------------

    def take(self, category: str, green: bool = False, id_number: str = "") -> dict[str, Any]:
        """取号: a ticket of the category; the green channel has its own prefix and goes first (an elderly
        person's ID card read at the kiosk puts them there without asking)."""
        c = self.config.category(category)
        green = green or elderly(id_number, self._today())
        with self.sessions.begin() as s:
            row = self._new_ticket(s, c, self.config.green_prefix if green else c.prefix, green=green,
                                   id_masked=mask(id_number))
            log.info("ticket %s taken (%s)", row.number, c.code)
            return ticket_dict(row, self.config)

    def book(self, category: str, slot_start: datetime, slot_end: datetime, name: str = "") -> dict[str, Any]:
        """预约 for a category and a time slot; the code is what the citizen shows at the kiosk."""
        self.config.category(category)
        if slot_end <= slot_start:
            raise HallRefused(422, "bad_slot", "预约时段的结束时间应晚于开始时间。")
        code = "".join(secrets.choice("23456789") for _ in range(6))
        with self.sessions.begin() as s:
            while s.get(AppointmentRow, code) is not None:
                code = "".join(secrets.choice("23456789") for _ in range(6))
            s.add(AppointmentRow(code=code, category=category, slot_start=slot_start, slot_end=slot_end,
                                 name=name[:40], created_at=self.clock()))
        return {"code": code, "category": category, "slot_start": slot_start.isoformat(),
                "slot_end": slot_end.isoformat()}

    def check_in(self, code: str) -> dict[str, Any]:
        """An appointment arrives: its ticket is served before ordinary ones while the slot is open."""
        now = self.clock()
        with self.sessions.begin() as s:
            a = s.get(AppointmentRow, code.strip(), with_for_update=True)
            if a is None:
                raise HallRefused(404, "unknown_appointment", "没有这个预约码，请核对后重试，或直接取号。")
            if a.ticket is not None:
                raise HallRefused(409, "checked_in", f"这个预约已签到（{a.ticket} 号）。")
            if now > a.slot_end:
                raise HallRefused(409, "slot_over", "预约时段已过，请直接取号。")
            if now < a.slot_start - timedelta(minutes=self.config.early_minutes):
                raise HallRefused(409, "too_early", f"预约时段 {a.slot_start.astimezone():%H:%M} 开始，请届时再签到。")
            row = self._new_ticket(s, self.config.category(a.category), self.config.appointment_prefix,
                                   appointment=a.code, slot_start=a.slot_start, slot_end=a.slot_end)
            a.ticket = row.number
            return ticket_dict(row, self.config)

    # --- the windows ------------------------------------------------------------------------------------

    def _window(self, s: Session, name: str) -> WindowRow:
        if not name.strip():
            raise HallRefused(422, "no_window", "请求没有说明是哪个窗口。")
        w = s.get(WindowRow, name, with_for_update=True)
        if w is None:
            w = WindowRow(name=name, paused=False, seen_at=self.clock())
            s.add(w)
        w.seen_at = self.clock()
        return w

    def _current(self, s: Session, window: str) -> TicketRow | None:
        return s.scalars(select(TicketRow).where(TicketRow.day == self._today(), TicketRow.window == window,
                                                 TicketRow.state == "called")).first()

    def _call(self, s: Session, t: TicketRow, window: str, recall: bool = False) -> None:
        s.add(CallRow(number=t.number, window=window, at=self.clock(), recall=recall))

    def call(self, window: str, categories: list[str] | None = None) -> dict[str, Any] | None:
        """叫号: the window's current ticket is done, the next one (its own transfers first, then appointments in
        their slot, the green channel, then first come) is called to it."""
        now = self.clock()
        with self.sessions.begin() as s:
            w = self._window(s, window)
            if w.paused:
                raise HallRefused(409, "paused", f"{window} 已暂停叫号，请先恢复。")
            current = self._current(s, window)
            if current is not None:
                current.state, current.finished_at = "done", now
            line = _Line(now, window, set(categories or ()), timedelta(minutes=self.config.early_minutes))
            waiting = [t for t in s.scalars(select(TicketRow).where(TicketRow.day == self._today(),
                                                                  TicketRow.state == "waiting"))
                       if line.eligible(t)]
            if not waiting:
                return None
            t = min(waiting, key=line.key)
            t.state, t.called_at, t.window, t.for_window = "called", now, window, None
            self._call(s, t, window)
            log.info("ticket %s called to %s", t.number, window)
            return ticket_dict(t, self.config)

    def _called(self, s: Session, window: str) -> TicketRow:
        t = self._current(s, window)
        if t is None:
            raise HallRefused(409, "nobody_called", f"{window} 当前没有正在叫的号。")
        return t

    def recall(self, window: str) -> dict[str, Any]:
        """重呼: the current ticket is called again (the display shows and says it once more)."""
        with self.sessions.begin() as s:
            self._window(s, window)
            t = self._called(s, window)
            t.recalls += 1
            self._call(s, t, window, recall=True)
            return ticket_dict(t, self.config)

    def no_show(self, window: str) -> dict[str, Any]:
        """过号: nobody came; the ticket can be put back in line when its holder turns up."""
        with self.sessions.begin() as s:
            self._window(s, window)
            t = self._called(s, window)
            t.state, t.finished_at = "no_show", self.clock()
            return ticket_dict(t, self.config)

    def restore(self, number: str) -> dict[str, Any]:
        """A 过号 ticket's holder turned up: back in line at its old place."""
        with self.sessions.begin() as s:
            t = s.scalars(select(TicketRow).where(TicketRow.day == self._today(), TicketRow.number == number)).first()
            if t is None or t.state != "no_show":
                raise HallRefused(409, "not_no_show", f"{number} 不是今天的过号票。")
            t.state, t.window, t.called_at, t.finished_at = "waiting", None, None, None
            return ticket_dict(t, self.config)

    def pause(self, window: str, paused: bool) -> dict[str, Any]:
        """暂停 a window (nothing is called to it) or resume it."""
        with self.sessions.begin() as s:
            w = self._window(s, window)
            w.paused = paused
            return {"window": window, "paused": paused}

    def transfer(self, window: str, category: str | None = None, to_window: str | None = None) -> dict[str, Any]:
        """转移: the current ticket goes back in line at its old place — for another category, or for one window."""
        if bool(category) == bool(to_window):
            raise HallRefused(422, "transfer_target", "请选择转移到的业务类别或窗口（二选一）。")
        with self.sessions.begin() as s:
            self._window(s, window)
            t = self._called(s, window)
            if category:
                t.category = self.config.category(category).code
            t.state, t.window, t.called_at, t.for_window = "waiting", None, None, to_window or None
            return ticket_dict(t, self.config)

    def finish(self, window: str, case_numbers: list[str]) -> dict[str, Any] | None:
        """The window is done with its ticket (the cases it led to are recorded on it)."""
        with self.sessions.begin() as s:
            self._window(s, window)
            t = self._current(s, window)
            if t is None:
                return None
            t.state, t.finished_at = "done", self.clock()
            t.case_numbers = ",".join(n for n in case_numbers if n)[:2000]
            return ticket_dict(t, self.config)

    def catch_up(self, window: str, served: list[dict[str, Any]]) -> int:
        """Tickets a window numbered and served on its own while the hall was unreachable: recorded as served
        (flagged offline), once each."""
        done = 0
        with self.sessions.begin() as s:
            self._window(s, window)
            for t in served:
                if s.get(TicketRow, t["id"]) is not None:
                    continue
                taken = t["taken_at"]
                s.add(TicketRow(id=t["id"], day=taken.astimezone().date(), number=t["number"][:12],
                                category=t.get("category", "general")[:20], green=bool(t.get("green")),
                                state="done", taken_at=taken, queued_at=taken, called_at=t.get("called_at"),
                                window=window, recalls=0, finished_at=t.get("finished_at") or t.get("called_at"),
                                case_numbers="", offline=True, id_masked=""))
                done += 1
        if done:
            log.info("%d tickets served offline by %s recorded", done, window)
        return done

    # --- what everyone sees -----------------------------------------------------------------------------

    def display(self) -> dict[str, Any]:
        """The calling display: each window's current ticket, the last calls (newest first), who waits."""
        today = self._today()
        with self.sessions() as s:
            current = s.scalars(select(TicketRow).where(TicketRow.day == today, TicketRow.state == "called")
                                .order_by(TicketRow.called_at.desc())).all()
            calls = s.scalars(select(CallRow).order_by(CallRow.id.desc()).limit(self.config.recent_calls)).all()
            waiting = s.scalars(select(TicketRow).where(TicketRow.day == today, TicketRow.state == "waiting")).all()
            paused = [w.name for w in s.scalars(select(WindowRow).where(WindowRow.paused))]
        return {"name": self.config.name,
                "current": [{"number": t.number, "window": t.window, "green": t.green} for t in current],
                "calls": [{"id": c.id, "number": c.number, "window": c.window, "recall": c.recall,
                           "at": c.at.isoformat()} for c in calls],
                "waiting": {c.code: sum(1 for t in waiting if t.category == c.code) for c in self.config.categories},
                "paused": paused}

    def waiting(self, categories: list[str] | None = None) -> list[dict[str, Any]]:
        line = _Line(self.clock(), "", set(categories or ()))
        with self.sessions() as s:
            rows = [t for t in s.scalars(select(TicketRow).where(TicketRow.day == self._today(),
                                                               TicketRow.state == "waiting")) if line.eligible(t)]
            return [ticket_dict(t, self.config) for t in sorted(rows, key=line.key)]

    def ticket(self, number: str) -> dict[str, Any]:
        with self.sessions() as s:
            t = s.scalars(select(TicketRow).where(TicketRow.day == self._today(), TicketRow.number == number)).first()
            if t is None:
                raise HallRefused(404, "unknown_ticket", f"今天没有 {number} 号。")
            return ticket_dict(t, self.config)

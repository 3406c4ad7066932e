"""Cases and 办不成事 registrations: events appended and the projection updated in one transaction (the
transactional outbox). `change` is the one place event numbers are given: it loads the records as
stored inside a write transaction, applies the command, and stores the new events."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.domain.cannot_do import CannotDoRequest, format_registration_number
from app.domain.case import AFTER_DEFERRAL_STATES, Case, CaseEvent, CaseState
from app.domain.case_number import format_case_number
from app.domain.errors import DomainError
from app.domain.events import EventSourced
from app.domain.identity import mask_id_number
from app.i18n import N_, _
from app.store.counters import next_value
from app.store.errors import StoreError
from app.store.figures import write_figures
from app.store.models import CaseEventRow, CaseFiguresRow, CaseRow
from app.store.writes import lock_for_writing

log = logging.getLogger(__name__)

R = TypeVar("R", bound=EventSourced)
T = TypeVar("T")

SAVE_FAILED = N_("办件未能保存（数据库写入失败），请重试；已保存的内容不受影响。")
DISK_FULL = N_("磁盘空间已满，办件未能保存；已保存的内容不受影响。请清理磁盘后重试。")


def save_failed(error: SQLAlchemyError) -> StoreError:
    """The clerk's sentence for a failed write (a full disk is said as such)."""
    full = "disk is full" in str(getattr(error, "orig", error)).lower()
    return StoreError(_(DISK_FULL if full else SAVE_FAILED))
_KINDS: dict[str, type[EventSourced]] = {"case": Case, "cannot_do": CannotDoRequest}
# states in which a citizen comes back to the window for a case
RETURNABLE = (CaseState.CORRECTION_NOTIFIED, CaseState.COMPLETED_APPROVED, CaseState.COMPLETED_DENIED)


@dataclass(frozen=True)
class CaseSummary:
    id: str
    case_number: str
    item_name: str
    state: CaseState
    applicant_name: str
    masked_id: str
    created_at: datetime
    accepted_at: datetime | None
    promised_date: date | None
    sync_state: str
    bundle_code: str | None
    deferred_deadline: date | None = None
    deferred_open: int = 0
    channel: str = "window"

    @property
    def state_text(self) -> str:
        """The state as the lists show it; a 容缺 case keeps saying so after it went to the district."""
        if self.deferred_deadline is None or self.state is CaseState.ACCEPTED_DEFERRED:
            return self.state.label
        return _("{label}（容缺{supplied}）").format(
                label=self.state.label, supplied=_('待补{n}项').format(n=self.deferred_open) if self.deferred_open else _('已补齐'))


def to_event(row: CaseEventRow) -> CaseEvent:
    return CaseEvent(row.id, row.case_id, row.seq, row.type, row.payload, row.clerk, row.occurred_at)


def write_record(s: Session, record: EventSourced) -> None:
    """Append the record's pending events and update its projection, inside the caller's transaction.

    New events put the record back in the outbox; one the district refused stays quarantined."""
    events = list(record.pending)
    if not events:
        return
    row = s.get(CaseRow, record.id) or CaseRow(id=record.id, created_at=record.created_at)
    row.kind = record.KIND
    for key, value in record.row_fields().items():
        setattr(row, key, value)
    row.updated_at, row.version, row.snapshot = events[-1].occurred_at, record.version, record.snapshot()
    if row.sync_state != "quarantined":
        row.sync_state = "pending"
    s.add(row)
    s.flush()
    s.add_all(CaseEventRow(id=e.id, case_id=e.case_id, seq=e.seq, type=e.type, payload=e.payload,
                           clerk=e.clerk, occurred_at=e.occurred_at) for e in events)
    if isinstance(record, Case):
        write_figures(s, record)
    s.flush()


def events_of(s: Session, case_id: str) -> list[CaseEvent]:
    rows = s.scalars(select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.seq)).all()
    return [to_event(r) for r in rows]


def replay(events: list[CaseEvent]) -> EventSourced:
    """The record the events describe, a case or a registration (told by its first event)."""
    kind = next((k for k in _KINDS.values() if events and events[0].type == k.OPENING), Case)
    return kind.replay(events)


_ROWID = literal_column("case_events.rowid")


class CaseRepository:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def allocate_number(self, prefix: str, day: date) -> str:
        """A case number committed at once, so it is never handed out twice even if the case is dropped."""
        with self._sessions.begin() as s:
            return format_case_number(prefix, day, next_value(s, f"case:{prefix}:{day:%Y%m%d}"))

    def allocate_registration_number(self, prefix: str, day: date) -> str:
        with self._sessions.begin() as s:
            return format_registration_number(prefix, day, next_value(s, f"cannot_do:{prefix}:{day:%Y%m%d}"))

    # --- writing ------------------------------------------------------------------------------------

    def save(self, *records: EventSourced) -> None:
        """Store new records (their first events) and their projections, all or nothing."""
        try:
            with self._sessions.begin() as s:
                lock_for_writing(s)
                for record in records:
                    if record.pending and record.pending[0].seq != 1:
                        raise StoreError(_("只能用 save 保存新建的办件；已有办件的修改须经 change"))
                    write_record(s, record)
        except SQLAlchemyError as e:
            log.exception("saving records failed")
            raise save_failed(e) from e
        for record in records:
            record.pending.clear()

    def change(self, ids: Sequence[str], command: Callable[[list], T], *,
               new: Sequence[EventSourced] = (), known: Sequence[EventSourced] = ()) -> tuple[list, T]:
        """Load the records as stored, apply `command` to them, and store the events it recorded (and the
        new records given), all in one write transaction. Returns the records as stored now and the
        command's result; on any failure nothing is stored.

        `known` are copies the caller holds: one still at the stored version is used instead of replaying
        its events (a copy of it: the caller's stays as it was if the change fails)."""
        held = {r.id: r for r in known if not r.pending}
        try:
            with self._sessions.begin() as s:
                lock_for_writing(s)
                versions = dict(s.execute(select(CaseRow.id, CaseRow.version).where(CaseRow.id.in_(list(ids)))).all())
                records = []
                for record_id in ids:
                    mine = held.get(record_id)
                    if mine is not None and versions.get(record_id) == mine.version:
                        records.append(copy.deepcopy(mine))
                        continue
                    events = events_of(s, record_id)
                    if not events:
                        raise StoreError(_("找不到该办件。"))
                    records.append(replay(events))
                result = command(records)
                for record in (*new, *records):
                    write_record(s, record)
        except SQLAlchemyError as e:
            log.exception("changing records failed")
            raise save_failed(e) from e
        for record in (*new, *records):
            record.pending.clear()
        return records, result

    def fill_figures(self, batch: int = 500) -> int:
        """Statistics rows for cases stored before the projection existed, from their events."""
        done, skipped = 0, set()
        while True:
            with self._sessions.begin() as s:
                ids = s.scalars(select(CaseRow.id).where(CaseRow.kind == "case", CaseRow.id.not_in(
                    select(CaseFiguresRow.case_id)), CaseRow.id.not_in(skipped)).limit(batch)).all()
                if not ids:
                    break
                events: dict[str, list[CaseEvent]] = {}
                for row in s.scalars(select(CaseEventRow).where(CaseEventRow.case_id.in_(ids))
                                     .order_by(CaseEventRow.case_id, CaseEventRow.seq)):
                    events.setdefault(row.case_id, []).append(to_event(row))
                for case_id in ids:
                    try:
                        case = replay(events.get(case_id, []))
                    except (DomainError, KeyError, TypeError, ValueError) as e:
                        # a case this version cannot read stays out of the figures; it is never lost
                        log.warning("case %s left out of the statistics: %s: %s", case_id, type(e).__name__, e)
                        skipped.add(case_id)
                        continue
                    write_figures(s, case)
                    done += 1
        if done:
            log.info("statistics projection filled in for %d stored cases", done)
        return done

    # --- reading ------------------------------------------------------------------------------------

    def events(self, case_id: str) -> list[CaseEvent]:
        with self._sessions() as s:
            return events_of(s, case_id)

    def get(self, case_id: str) -> Case:
        record = self._get(case_id)
        if not isinstance(record, Case):
            raise StoreError(_("找不到该办件。"))
        return record

    def get_registration(self, request_id: str) -> CannotDoRequest:
        record = self._get(request_id)
        if not isinstance(record, CannotDoRequest):
            raise StoreError(_("找不到该办不成事登记。"))
        return record

    def _get(self, record_id: str) -> EventSourced:
        events = self.events(record_id)
        if not events:
            raise StoreError(_("找不到该办件。"))
        return replay(events)

    def bundle_cases(self, bundle_id: str) -> list[Case]:
        with self._sessions() as s:
            ids = s.scalars(select(CaseRow.id).where(CaseRow.bundle_id == bundle_id)
                            .order_by(CaseRow.case_number)).all()
        return [self.get(i) for i in ids]

    def event_mark(self) -> int:
        """A mark after every event stored so far (the events' SQLite row ids only grow)."""
        with self._sessions() as s:
            return s.scalar(select(func.max(_ROWID)).select_from(CaseEventRow)) or 0

    def touched_by(self, clerk: str, after: int) -> list[tuple[str, str]]:
        """(id, kind) of the records `clerk` recorded events on after the `event_mark` given, in the order
        first touched (a training run's cases and registrations)."""
        with self._sessions() as s:
            rows = s.execute(select(CaseEventRow.case_id, CaseRow.kind, func.min(_ROWID).label("first"))
                             .join(CaseRow, CaseRow.id == CaseEventRow.case_id)
                             .where(CaseEventRow.clerk == clerk, _ROWID > after)
                             .group_by(CaseEventRow.case_id, CaseRow.kind).order_by("first")).all()
        return [(case_id, kind) for case_id, kind, _unused in rows]

    def opened_on(self, day: date) -> list[Case]:
        """The cases numbered on `day` (the day is part of every case number)."""
        with self._sessions() as s:
            ids = s.scalars(select(CaseRow.id).where(CaseRow.kind == "case",
                                                     CaseRow.case_number.like(f"%-{day:%Y%m%d}-%"))
                            .order_by(CaseRow.case_number)).all()
        return [self.get(i) for i in ids]

    def _summaries(self, q) -> list[CaseSummary]:
        with self._sessions() as s:
            return [CaseSummary(r.id, r.case_number, r.item_name, CaseState(r.state), r.applicant_name,
                                mask_id_number(r.applicant_id_number), r.created_at, r.accepted_at,
                                r.promised_date, r.sync_state, r.bundle_code, r.deferred_deadline,
                                r.deferred_open or 0, r.channel or "window") for r in s.scalars(q)]

    def search(self, text: str = "", state: CaseState | None = None, limit: int = 200) -> list[CaseSummary]:
        """Newest first; text matches case number, ID number or applicant name."""
        q = (select(CaseRow).where(CaseRow.kind == "case")
             .order_by(CaseRow.created_at.desc(), CaseRow.case_number.desc()).limit(limit))
        text = text.strip()
        if text:
            like = f"%{text.upper()}%"
            q = q.where(or_(CaseRow.case_number.like(like), CaseRow.applicant_id_number.like(like),
                            CaseRow.applicant_name.like(f"%{text}%")))
        if state is not None:
            q = q.where(CaseRow.state == state.value)
        return self._summaries(q)

    def returnable(self, id_number: str) -> list[CaseSummary]:
        """The applicant's cases a visit can continue: a correction notice to answer, deferred materials
        to supply, a decided result to collect, or a draft left open. Newest first."""
        q = (select(CaseRow).where(CaseRow.kind == "case", CaseRow.applicant_id_number == id_number.strip().upper(),
                                   or_(CaseRow.state.in_([s.value for s in (*RETURNABLE, CaseState.DRAFT)]),
                                       (CaseRow.deferred_open > 0)
                                       & CaseRow.state.in_([s.value for s in AFTER_DEFERRAL_STATES])))
             .order_by(CaseRow.created_at.desc(), CaseRow.case_number.desc()))
        return self._summaries(q)

    def deferrals(self, limit: int = 500) -> list[CaseSummary]:
        """Cases with deferred materials still to supply (待补交), the earliest deadline first."""
        q = (select(CaseRow).where(CaseRow.kind == "case", CaseRow.deferred_open > 0,
                                   CaseRow.state.in_([s.value for s in AFTER_DEFERRAL_STATES]))
             .order_by(CaseRow.deferred_deadline, CaseRow.case_number).limit(limit))
        return self._summaries(q)

    def correction_notices(self) -> list[CaseSummary]:
        """Cases waiting for the citizen to come back after a correction notice, oldest first."""
        q = (select(CaseRow).where(CaseRow.kind == "case", CaseRow.state == CaseState.CORRECTION_NOTIFIED.value)
             .order_by(CaseRow.updated_at, CaseRow.case_number))
        return self._summaries(q)

    def registrations(self, open_only: bool = True) -> list[CannotDoRequest]:
        """办不成事 registrations, oldest first (open ones only unless asked)."""
        with self._sessions() as s:
            ids = s.scalars(select(CaseRow.id).where(CaseRow.kind == "cannot_do")
                            .order_by(CaseRow.created_at, CaseRow.case_number)).all()
        found = [self.get_registration(i) for i in ids]
        return [r for r in found if r.open] if open_only else found

    def count_by_state(self) -> dict[CaseState, int]:
        with self._sessions() as s:
            rows = s.execute(select(CaseRow.state, func.count()).where(CaseRow.kind == "case")
                             .group_by(CaseRow.state)).all()
        return {CaseState(state): n for state, n in rows}

    def counts(self) -> dict[str, int]:
        with self._sessions() as s:
            return {"cases": s.scalar(select(func.count()).select_from(CaseRow)) or 0,
                    "events": s.scalar(select(func.count()).select_from(CaseEventRow)) or 0}

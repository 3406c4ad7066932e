"""Cases: events appended and the projection updated in one transaction (the transactional outbox)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.domain.case import Case, CaseEvent, CaseState
from app.domain.case_number import format_case_number
from app.domain.identity import mask_id_number
from app.store.counters import next_value
from app.store.errors import StoreError
from app.store.models import CaseEventRow, CaseRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseSummary:
    id: str
    case_number: str
    item_name: str
    state: CaseState
    applicant_name: str
    masked_id: str
    created_at: datetime
    promised_date: date | None
    sync_state: str
    bundle_code: str | None


def to_event(row: CaseEventRow) -> CaseEvent:
    return CaseEvent(row.id, row.case_id, row.seq, row.type, row.payload, row.clerk, row.occurred_at)


def write_case(s: Session, case: Case) -> None:
    """Append the case's pending events and update its projection, inside the caller's transaction.

    New events put the case back in the outbox; a case the district refused stays quarantined."""
    events = list(case.pending)
    if not events:
        return
    row = s.get(CaseRow, case.id) or CaseRow(id=case.id, created_at=case.created_at)
    row.case_number, row.item_code, row.item_name = case.case_number, case.item_code, case.item_name
    row.bundle_id, row.bundle_code, row.state = case.bundle_id, case.bundle_code, case.state.value
    row.applicant_name = case.applicant.name if case.applicant else ""
    row.applicant_id_number = case.applicant.id_number if case.applicant else ""
    row.catalog_version, row.clerk, row.updated_at = case.catalog_version, case.clerk, events[-1].occurred_at
    row.promised_date, row.version, row.snapshot = case.promised_date, case.version, case.snapshot()
    if row.sync_state != "quarantined":
        row.sync_state = "pending"
    s.add(row)
    s.flush()
    s.add_all(CaseEventRow(id=e.id, case_id=e.case_id, seq=e.seq, type=e.type, payload=e.payload,
                           clerk=e.clerk, occurred_at=e.occurred_at) for e in events)
    s.flush()


def events_of(s: Session, case_id: str) -> list[CaseEvent]:
    rows = s.scalars(select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.seq)).all()
    return [to_event(r) for r in rows]


class CaseRepository:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def allocate_number(self, prefix: str, day: date) -> str:
        """A case number committed at once, so it is never handed out twice even if the case is dropped."""
        with self._sessions.begin() as s:
            return format_case_number(prefix, day, next_value(s, f"case:{prefix}:{day:%Y%m%d}"))

    def save(self, *cases: Case) -> None:
        """Store the pending events of the cases and their projections, all or nothing."""
        try:
            with self._sessions.begin() as s:
                for case in cases:
                    write_case(s, case)
        except SQLAlchemyError as e:
            log.exception("saving cases failed")
            raise StoreError("办件未能保存（数据库写入失败），请重试；已保存的内容不受影响。") from e
        for case in cases:
            case.pending.clear()

    def events(self, case_id: str) -> list[CaseEvent]:
        with self._sessions() as s:
            return events_of(s, case_id)

    def get(self, case_id: str) -> Case:
        events = self.events(case_id)
        if not events:
            raise StoreError("找不到该办件。")
        return Case.replay(events)

    def id_of(self, case_number: str) -> str | None:
        with self._sessions() as s:
            return s.scalar(select(CaseRow.id).where(CaseRow.case_number == case_number.strip().upper()))

    def bundle_cases(self, bundle_id: str) -> list[Case]:
        with self._sessions() as s:
            ids = s.scalars(select(CaseRow.id).where(CaseRow.bundle_id == bundle_id)
                            .order_by(CaseRow.case_number)).all()
        return [self.get(i) for i in ids]

    def opened_on(self, day: date) -> list[Case]:
        """The cases numbered on `day` (the day is part of every case number)."""
        with self._sessions() as s:
            ids = s.scalars(select(CaseRow.id).where(CaseRow.case_number.like(f"%-{day:%Y%m%d}-%"))
                            .order_by(CaseRow.case_number)).all()
        return [self.get(i) for i in ids]

    def search(self, text: str = "", state: CaseState | None = None, limit: int = 200) -> list[CaseSummary]:
        """Newest first; text matches case number, ID number or applicant name."""
        q = select(CaseRow).order_by(CaseRow.created_at.desc(), CaseRow.case_number.desc()).limit(limit)
        text = text.strip()
        if text:
            like = f"%{text.upper()}%"
            q = q.where(or_(CaseRow.case_number.like(like), CaseRow.applicant_id_number.like(like),
                            CaseRow.applicant_name.like(f"%{text}%")))
        if state is not None:
            q = q.where(CaseRow.state == state.value)
        with self._sessions() as s:
            return [CaseSummary(r.id, r.case_number, r.item_name, CaseState(r.state), r.applicant_name,
                                mask_id_number(r.applicant_id_number), r.created_at, r.promised_date,
                                r.sync_state, r.bundle_code) for r in s.scalars(q)]

    def count_by_state(self) -> dict[CaseState, int]:
        with self._sessions() as s:
            rows = s.execute(select(CaseRow.state, func.count()).group_by(CaseRow.state)).all()
        return {CaseState(state): n for state, n in rows}

    def counts(self) -> dict[str, int]:
        with self._sessions() as s:
            return {"cases": s.scalar(select(func.count()).select_from(CaseRow)) or 0,
                    "events": s.scalar(select(func.count()).select_from(CaseEventRow)) or 0}

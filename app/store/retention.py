"""The purge of personal data from closed, synced cases past their retention period (see domain.retention)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import sessionmaker

from app.domain.case import Case, CaseState
from app.domain.retention import CLOSED_STATES, attachments_of, due_for_purge, purged_event
from app.store.cases import events_of, replay
from app.store.figures import write_figures
from app.store.models import CaseEventRow, CaseRow
from app.store.writes import lock_for_writing

log = logging.getLogger(__name__)


class RetentionRepository:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def candidates(self, today: date, retention_days: int, limit: int = 500) -> list[str]:
        """Closed, synced, not yet purged cases last changed before the retention period (oldest first)."""
        cutoff = datetime.combine(today - timedelta(days=retention_days - 1), datetime.min.time()).astimezone()
        with self._sessions() as s:
            return list(s.scalars(
                select(CaseRow.id).where(CaseRow.kind == "case", CaseRow.purged_at.is_(None),
                                         CaseRow.sync_state == "synced",
                                         CaseRow.state.in_([st.value for st in CLOSED_STATES]),
                                         CaseRow.updated_at < cutoff)
                .order_by(CaseRow.updated_at).limit(limit)))

    def purge(self, case_id: str, today: date, retention_days: int, at: datetime) -> set[str] | None:
        """Rewrite one case's events and projection without its personal data; the scans it referred to, or
        None when it is not due (changed or not synced since it was listed). One transaction."""
        with self._sessions.begin() as s:
            lock_for_writing(s)
            row = s.get(CaseRow, case_id)
            if row is None or row.purged_at is not None:
                return None
            unsynced = s.scalar(select(CaseEventRow.id).where(CaseEventRow.case_id == case_id,
                                                              CaseEventRow.synced_at.is_(None)).limit(1))
            synced = row.sync_state == "synced" and unsynced is None
            if not due_for_purge(CaseState(row.state), synced, row.updated_at, today, retention_days):
                return None
            events = events_of(s, case_id)
            scans = attachments_of(events)
            cleaned = [purged_event(e) for e in events]
            for e in cleaned:
                s.get(CaseEventRow, e.id).payload = e.payload
            case = replay(cleaned)
            assert isinstance(case, Case)
            for key, value in case.row_fields().items():
                setattr(row, key, value)
            row.snapshot, row.purged_at = case.snapshot(), at
            write_figures(s, case)
            return scans

    def still_referenced(self, hashes: set[str]) -> set[str]:
        """Which of the scans a case that keeps its data still refers to."""
        if not hashes:
            return set()
        found: set[str] = set()
        wanted = sorted(hashes)
        with self._sessions() as s:
            for i in range(0, len(wanted), 50):
                chunk = wanted[i:i + 50]
                q = (select(CaseEventRow.payload).join(CaseRow, CaseRow.id == CaseEventRow.case_id)
                     .where(CaseRow.purged_at.is_(None),
                            CaseEventRow.type.in_(("material_marked", "material_supplied")),
                            or_(*[cast(CaseEventRow.payload, String).like(f"%{h}%") for h in chunk])))
                for payload in s.scalars(q):
                    found.update(h for h in payload.get("attachments") or [] if h in hashes)
        return found

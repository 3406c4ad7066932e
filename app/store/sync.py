"""The outbox as the sync sees it: unsent events per case, acknowledgements, quarantine, sync settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from app.domain.case import CaseEvent
from app.domain.errors import DomainError
from app.domain.events import EventSourced
from app.i18n import _
from app.store.cases import events_of, replay, to_event, write_record
from app.store.errors import StoreError
from app.store.models import CaseEventRow, CaseRow, SyncMetaRow
from app.store.writes import lock_for_writing

log = logging.getLogger(__name__)

STATES = ("pending", "uploading", "synced", "quarantined")


@dataclass(frozen=True)
class QuarantinedCase:
    case_id: str
    case_number: str
    item_name: str
    reason: str


class SyncRepository:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    # --- settings and progress -------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        with self._sessions() as s:
            return {r.key: r.value for r in s.scalars(select(SyncMetaRow))}

    def set_meta(self, **values: str | None) -> None:
        """Set (or, with None, remove) sync settings in one transaction."""
        with self._sessions.begin() as s:
            for key, value in values.items():
                row = s.get(SyncMetaRow, key)
                if value is None:
                    if row is not None:
                        s.delete(row)
                elif row is None:
                    s.add(SyncMetaRow(key=key, value=value))
                else:
                    row.value = value

    # --- the outbox ---------------------------------------------------------------------------------

    def reset_interrupted(self) -> int:
        """Cases left 'uploading' by a sync that never finished (the app was closed or killed)."""
        with self._sessions.begin() as s:
            return s.execute(update(CaseRow).where(CaseRow.sync_state == "uploading")
                             .values(sync_state="pending")).rowcount

    def pending_case_ids(self) -> list[str]:
        """Cases with unsent events, oldest first; quarantined cases wait for a retry."""
        first = func.min(CaseEventRow.occurred_at)
        q = (select(CaseEventRow.case_id, first).join(CaseRow, CaseRow.id == CaseEventRow.case_id)
             .where(CaseEventRow.synced_at.is_(None), CaseRow.sync_state != "quarantined")
             .group_by(CaseEventRow.case_id).order_by(first, CaseEventRow.case_id))
        with self._sessions() as s:
            return [r[0] for r in s.execute(q)]

    def unsent_events(self, case_ids: Iterable[str]) -> dict[str, list[CaseEvent]]:
        ids = list(case_ids)
        out: dict[str, list[CaseEvent]] = {i: [] for i in ids}
        with self._sessions() as s:
            for row in s.scalars(select(CaseEventRow).where(CaseEventRow.case_id.in_(ids),
                                                            CaseEventRow.synced_at.is_(None))
                                 .order_by(CaseEventRow.case_id, CaseEventRow.seq)):
                out[row.case_id].append(to_event(row))
        return out

    def mark_uploading(self, case_ids: Iterable[str]) -> None:
        with self._sessions.begin() as s:
            s.execute(update(CaseRow).where(CaseRow.id.in_(list(case_ids)), CaseRow.sync_state != "quarantined")
                      .values(sync_state="uploading"))

    def acknowledge(self, event_ids: Iterable[str], case_ids: Iterable[str], at: datetime) -> None:
        """Events the district confirmed in a receipt; their cases become synced if nothing else is unsent."""
        ids, cases = list(event_ids), list(case_ids)
        try:
            with self._sessions.begin() as s:
                if ids:
                    s.execute(update(CaseEventRow).where(CaseEventRow.id.in_(ids), CaseEventRow.synced_at.is_(None))
                              .values(synced_at=at))
                self._settle(s, cases)
        except SQLAlchemyError as e:
            log.exception("recording the district's receipt failed")
            raise StoreError(_("区级平台的回执未能记录，将在下次同步时重新确认。")) from e

    @staticmethod
    def _settle(s, case_ids: list[str]) -> None:
        if not case_ids:
            return
        unsent = set(s.scalars(select(CaseEventRow.case_id).where(CaseEventRow.case_id.in_(case_ids),
                                                                  CaseEventRow.synced_at.is_(None)).distinct()))
        for row in s.scalars(select(CaseRow).where(CaseRow.id.in_(case_ids))):
            if row.sync_state != "quarantined":
                row.sync_state = "pending" if row.id in unsent else "synced"

    def quarantine(self, case_id: str, reason: str) -> None:
        with self._sessions.begin() as s:
            row = s.get(CaseRow, case_id)
            if row is not None:
                row.sync_state, row.sync_error = "quarantined", reason[:2000]

    def release(self, case_id: str) -> None:
        """Retry a quarantined case: back in the outbox, reason kept until the district answers."""
        with self._sessions.begin() as s:
            row = s.get(CaseRow, case_id)
            if row is not None and row.sync_state == "quarantined":
                row.sync_state = "pending"
                self._settle(s, [case_id])

    def quarantined(self) -> list[QuarantinedCase]:
        with self._sessions() as s:
            rows = s.scalars(select(CaseRow).where(CaseRow.sync_state == "quarantined")
                             .order_by(CaseRow.case_number)).all()
            return [QuarantinedCase(r.id, r.case_number, r.item_name, r.sync_error or "") for r in rows]

    def clear_errors(self, case_ids: Iterable[str]) -> None:
        with self._sessions.begin() as s:
            s.execute(update(CaseRow).where(CaseRow.id.in_(list(case_ids)), CaseRow.sync_state != "quarantined")
                      .values(sync_error=None))

    def counts(self) -> dict[str, int]:
        with self._sessions() as s:
            found = dict(s.execute(select(CaseRow.sync_state, func.count()).group_by(CaseRow.sync_state)).all())
        return {state: found.get(state, 0) for state in STATES}

    # --- results from the district ------------------------------------------------------------------

    def apply_results(self, results: list[dict[str, Any]], cursor: int,
                      apply: Callable[[EventSourced, dict[str, Any]], None]) -> int:
        """Apply the district's result events to their cases and move the cursor, all in one transaction
        (so each result is applied exactly once even if the app dies half-way). Returns cases changed."""
        changed = 0
        try:
            with self._sessions.begin() as s:
                lock_for_writing(s)
                for result in results:
                    events = events_of(s, result["case_id"])
                    if not events:
                        log.warning("result %s for a case this workstation does not have", result.get("id"))
                        continue
                    record = replay(events)
                    try:
                        apply(record, result)
                    except (KeyError, TypeError, ValueError, DomainError) as e:   # one unusable result only
                        log.warning("result %s cannot be applied (%s: %s); skipped", result.get("id"),
                                    type(e).__name__, e)
                        continue
                    if record.pending:
                        write_record(s, record)
                        record.pending.clear()
                        changed += 1
                row = s.get(SyncMetaRow, "results_cursor")
                if row is None:
                    s.add(SyncMetaRow(key="results_cursor", value=str(cursor)))
                else:
                    row.value = str(cursor)
        except SQLAlchemyError as e:
            log.exception("applying the district's results failed")
            raise StoreError(_("区级平台的办理结果未能保存，将在下次同步时重新获取。")) from e
        return changed

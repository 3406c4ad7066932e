"""How long a closed case keeps the citizen's personal data on the workstation, and what remains after.

A case that is closed (its result handed out, refused, withdrawn or terminated) and that the district has
every event of keeps its personal data for the retention period after its last change; then the purge
rewrites its events so that what identifies a person is gone — names, numbers, addresses, form values,
scans, free text — and what statistics need stays: case number, item, dates, event types and outcomes,
material codes, the clerks who worked on it. The rewritten events still replay into a valid case.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from app.domain.case import CaseState
from app.domain.events import CaseEvent

PURGED = "（已清除）"  # i18n: data (what a purged case keeps as its name)
CLOSED_STATES = frozenset({CaseState.HANDED_OUT, CaseState.REFUSED, CaseState.WITHDRAWN, CaseState.TERMINATED})

# Keys whose values may identify or describe a person: always emptied (free text is never kept).
_EMPTIED = frozenset({
    "address", "home_visit_address", "receiver_name", "receiver_id_number", "tracking_number", "pickup_code",
    "locker", "note", "reason", "guidance", "explanation", "phone", "requirement", "source", "where_to_go",
    "what", "why", "assignee", "helper", "comment",
})


def expires_on(last_change: datetime, retention_days: int) -> date:
    return (last_change + timedelta(days=retention_days)).date()


def due_for_purge(state: CaseState, synced: bool, last_change: datetime, today: date, retention_days: int) -> bool:
    """A closed case the district has everything of, whose retention period has run out."""
    return state in CLOSED_STATES and synced and expires_on(last_change, retention_days) <= today


def _is_identity(value: dict) -> bool:
    return "name" in value and "id_number" in value


def _scrub(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if _is_identity(value):
            return {"name": PURGED, "id_number": "", "card_type": value.get("card_type") or "manual"}
        if key == "values":                                  # a form's answers: keep which fields, not what
            return {k: "" for k in value}
        return {k: _scrub(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [] if key == "attachments" else [_scrub(v, key) for v in value]
    if key in _EMPTIED and isinstance(value, str):
        return ""
    if key == "certificate":                                 # an electronic certificate's number and agency
        return None
    return value


def purged_event(event: CaseEvent) -> CaseEvent:
    """The event as the purge leaves it: same id, order, type, time and clerk; nothing about the person."""
    return replace(event, payload=_scrub(event.payload))


def attachments_of(events: list[CaseEvent]) -> set[str]:
    """The scans the events refer to (what the purge deletes unless another case still needs them)."""
    out: set[str] = set()
    for e in events:
        out.update(h for h in e.payload.get("attachments") or [] if isinstance(h, str))
    return out

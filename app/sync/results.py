"""Applying the district's result events to the workstation's records (pure domain, no I/O)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from app.domain.cannot_do import CannotDoOutcome, CannotDoRequest, CannotDoState
from app.domain.case import AFTER_DEFERRAL_STATES, Case, CaseState
from app.domain.errors import DomainError
from app.domain.events import EventSourced

log = logging.getLogger(__name__)

DISTRICT = "district"


def apply_result(record: EventSourced, result: dict[str, Any]) -> None:
    """received → 已报送 (with the official number), processing → 办理中, completed → 办结, terminated →
    终止办理; for a 办不成事 registration, resolved → the back office's outcome.

    A result that no longer fits the record (already applied, or the record moved on) changes nothing."""
    kind, p = result.get("type"), result.get("payload") or {}
    at = datetime.fromisoformat(result["occurred_at"])
    by, rid = result.get("by") or DISTRICT, result.get("id", "")
    if isinstance(record, CannotDoRequest):
        _apply_to_registration(record, kind, p, by, at, rid)
        return
    case: Case = record
    if kind == "received" and case.state in (CaseState.ACCEPTED, CaseState.ACCEPTED_DEFERRED):
        case.submit(DISTRICT, at, official_number=p.get("official_number"), result_id=rid)
    elif kind == "processing" and case.state is CaseState.SUBMITTED:
        case.start_processing(by, at, result_id=rid)
    elif kind == "completed" and case.state in (CaseState.SUBMITTED, CaseState.PROCESSING):
        case.complete(bool(p.get("approved")), by, at, note=str(p.get("note", "")),
                      official_number=p.get("official_number"), result_id=rid)
    elif kind == "terminated" and case.state in AFTER_DEFERRAL_STATES:
        case.terminate(str(p.get("reason", "")), by, at, result_id=rid)
    else:
        log.info("result %s (%s) does not apply to case in state %s", rid, kind, case.state.value)


def _apply_to_registration(request: CannotDoRequest, kind: str | None, p: dict[str, Any], by: str, at: datetime,
                           rid: str) -> None:
    if kind != "resolved" or request.state is not CannotDoState.ESCALATED:
        log.info("result %s (%s) does not apply to registration in state %s", rid, kind, request.state.value)
        return
    try:
        request.resolve(CannotDoOutcome(p.get("outcome")), by, at, note=str(p.get("note", "")),
                        assignee=str(p.get("assignee", "")), guidance=str(p.get("guidance", "")), result_id=rid)
    except (DomainError, ValueError) as e:
        log.warning("the district's resolution %s cannot be recorded: %s", rid, e)

"""Applying the district's result events to the workstation's cases (pure domain, no I/O)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from app.domain.case import Case, CaseState

log = logging.getLogger(__name__)

DISTRICT = "district"


def apply_result(case: Case, result: dict[str, Any]) -> None:
    """received → 已报送 (with the official number), processing → 办理中, completed → 办结.

    A result that no longer fits the case (already applied, or the case moved on) changes nothing."""
    kind, p = result.get("type"), result.get("payload") or {}
    at = datetime.fromisoformat(result["occurred_at"])
    by, rid = result.get("by") or DISTRICT, result.get("id", "")
    if kind == "received" and case.state in (CaseState.ACCEPTED, CaseState.ACCEPTED_DEFERRED):
        case.submit(DISTRICT, at, official_number=p.get("official_number"), result_id=rid)
    elif kind == "processing" and case.state is CaseState.SUBMITTED:
        case.start_processing(by, at, result_id=rid)
    elif kind == "completed" and case.state in (CaseState.SUBMITTED, CaseState.PROCESSING):
        case.complete(bool(p.get("approved")), by, at, note=str(p.get("note", "")),
                      official_number=p.get("official_number"), result_id=rid)
    else:
        log.info("result %s (%s) does not apply to case in state %s", rid, kind, case.state.value)

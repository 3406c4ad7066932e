"""出件: handing a decided case's result to the applicant or an agent at the window."""

from __future__ import annotations

import logging

from app.domain.accounts import Clerk
from app.domain.case import Case, CaseState
from app.domain.errors import DomainError
from app.domain.identity import mask_id_number
from app.services.clock import Clock
from app.store.database import Store

log = logging.getLogger(__name__)

READY = (CaseState.COMPLETED_APPROVED, CaseState.COMPLETED_DENIED)


class HandoutService:
    def __init__(self, store: Store, clock: Clock):
        self.store, self.clock = store, clock

    def ready(self, case: Case) -> bool:
        return case.state in READY

    def hand_out(self, case: Case, clerk: Clerk, *, to_agent: bool, receiver_name: str, receiver_id_number: str,
                 items: list[str]) -> Case:
        """Record the handout on the stored case; returns the case as stored."""
        fresh = self.store.cases.get(case.id)
        if fresh.state not in READY:
            raise DomainError(f"办件 {fresh.case_number} 尚未办结，不能出件")
        fresh.hand_out(to_agent, receiver_name, receiver_id_number, clerk.username, self.clock(), items)
        self.store.cases.save(fresh)
        log.info("case %s handed out to %s (%s)", fresh.case_number, "agent" if to_agent else "applicant",
                 mask_id_number(receiver_id_number))
        return fresh

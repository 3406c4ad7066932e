"""Looking cases up at the desk (every view of personal data is audited)."""

from __future__ import annotations

from app.domain.accounts import Clerk
from app.domain.case import Case, CaseEvent, CaseState
from app.services.clock import Clock
from app.store.cases import CaseSummary
from app.store.database import Store


class CaseQueryService:
    def __init__(self, store: Store, clock: Clock):
        self.store, self.clock = store, clock

    def search(self, text: str = "", state: CaseState | None = None) -> list[CaseSummary]:
        return self.store.cases.search(text, state)

    def open(self, case_id: str, clerk: Clerk) -> tuple[Case, list[CaseEvent]]:
        case = self.store.cases.get(case_id)
        self.store.audit.record(clerk.username, "view_case", case.case_number, self.clock())
        return case, self.store.cases.events(case_id)

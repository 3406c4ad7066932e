"""Looking cases up at the desk (every view of personal data is audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.accounts import Clerk
from app.domain.case import Case, CaseEvent, CaseState
from app.domain.documents import DocumentKind
from app.services.clock import Clock
from app.services.documents import DocumentService
from app.services.printing import PrintLogEntry, PrintService
from app.services.workers import Workers, runs_on
from app.store.cases import CaseSummary
from app.store.database import Store

REPEATED_LOOK = timedelta(minutes=5)


@dataclass(frozen=True)
class CaseDetails:
    """What the case view shows: the case, the other cases of its visit, what can be printed, the print log."""

    case: Case
    group: list[Case]
    documents: list[DocumentKind]
    print_log: list[PrintLogEntry]


class CaseQueryService:
    def __init__(self, store: Store, clock: Clock, workers: Workers, documents: DocumentService,
                 printing: PrintService):
        self.store, self.clock, self.workers = store, clock, workers
        self.documents, self.printing = documents, printing
        self._last_look: dict[tuple[str, str, str], datetime] = {}

    @runs_on("read")
    def search(self, clerk: Clerk, text: str = "", state: CaseState | None = None) -> list[CaseSummary]:
        """The case list (newest first), filtered by what the clerk typed; every list and search is audited."""
        found = self.store.cases.search(text, state)
        action = "search_cases" if text.strip() else "list_cases"
        target, now = f"{text.strip()}|{state.value if state else ''}", self.clock()
        # The list refreshes itself after every change at the desk: the same look within a few minutes is
        # one entry, not hundreds a day.
        seen = self._last_look.get((clerk.username, action, target))
        if seen is None or now - seen > REPEATED_LOOK:
            self.store.audit.record(clerk.username, action, target, now)
            self._last_look[(clerk.username, action, target)] = now
        return found

    @runs_on("db")
    def open(self, case_id: str, clerk: Clerk) -> tuple[Case, list[CaseEvent]]:
        case = self.store.cases.get(case_id)
        self.store.audit.record(clerk.username, "view_case", case.case_number, self.clock())
        return case, self.store.cases.events(case_id)

    @runs_on("db")
    def details(self, case_id: str, clerk: Clerk) -> CaseDetails:
        """The case view's content (the view is audited)."""
        case, _ = self.open(case_id, clerk)
        group = self.documents.case_group(case)
        return CaseDetails(case, group, self.documents.available(group), self.printing.print_log(case.id))

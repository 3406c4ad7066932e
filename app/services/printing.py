"""Printing the documents: the printer for each kind of paper, the print log on the case, 补打, and
jobs held for retry when a printer fails (a printer never blocks a case)."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.devices.errors import DeviceError
from app.devices.printer.base import PrintJob, PrintResult
from app.domain.accounts import Clerk
from app.domain.case import Case
from app.domain.documents import DocumentKind, Paper
from app.services.clock import Clock
from app.services.devices import DeviceService
from app.services.documents import DocumentService
from app.store.database import Store
from app.store.errors import StoreError

log = logging.getLogger(__name__)

PRINT_EVENTS = ("document_printed", "receipt_printed")


@dataclass(frozen=True)
class PrintLogEntry:
    at: datetime
    document: str            # the document's name (受理回执…)
    printer: str
    clerk: str
    reprint: bool


@dataclass
class HeldJob:
    """A print that failed, kept with its PDF until it is printed or discarded."""

    id: int
    kind: DocumentKind
    job: PrintJob
    case_ids: list[str]
    clerk: Clerk
    reprint: bool
    error: str
    held_at: datetime
    attempts: int = 1


@dataclass
class _Held:
    jobs: dict[int, HeldJob] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))


class PrintService:
    def __init__(self, documents: DocumentService, devices: DeviceService, store: Store, clock: Clock,
                 receipt_roll: bool = False):
        self.documents, self.devices, self.store, self.clock = documents, devices, store, clock
        self.receipt_roll = receipt_roll
        self._held = _Held()
        self._listeners: list[Callable[[int], None]] = []

    # --- what goes where -----------------------------------------------------------------------

    def paper_for(self, kind: DocumentKind) -> Paper:
        return Paper.ROLL_80 if kind.is_receipt and self.receipt_roll else Paper.A4

    def render(self, kind: DocumentKind, cases: list[Case], clerk: Clerk, *, reprint: bool = False) -> bytes:
        """The document's PDF (a reprint is stamped 补打 with the time of this rendering)."""
        return self.documents.render(kind, cases, clerk, roll=self.paper_for(kind) is Paper.ROLL_80,
                                     reprint_at=self.clock() if reprint else None)

    @staticmethod
    def on_acceptance(cases: list[Case]) -> list[DocumentKind]:
        """What the window prints when it accepts: the receipt, and for 容缺受理 the commitment letter
        for the applicant's signature and the two-copy notice."""
        kinds = [DocumentKind.ACCEPTANCE_RECEIPT]
        if any(c.deferred_deadline is not None for c in cases):
            kinds += [DocumentKind.DEFERRED_COMMITMENT, DocumentKind.DEFERRED_NOTICE]
        return kinds

    @staticmethod
    def title(kind: DocumentKind, case_number: str = "", reprint: bool = False) -> str:
        return f"{kind.label}{'（补打）' if reprint else ''}{' ' + case_number if case_number else ''}"

    # --- printing ------------------------------------------------------------------------------

    def print_document(self, kind: DocumentKind, cases: list[Case], clerk: Clerk, *, pdf: bytes | None = None,
                       reprint: bool = False, copies: int = 1) -> PrintResult:
        """Print a case document and log it on every case it covers (blocking: use the printer worker).

        On a printer failure the job is held for retry and the PrinterError is raised for the clerk."""
        pdf = pdf if pdf is not None else self.render(kind, cases, clerk, reprint=reprint)
        job = PrintJob(self.title(kind, cases[0].case_number, reprint), pdf, self.paper_for(kind), copies)
        result = self._send(kind, job, [c.id for c in cases], clerk, reprint)
        self._log(kind, cases, result.printer, clerk, reprint)
        return result

    def print_other(self, kind: DocumentKind, title: str, pdf: bytes, clerk: Clerk, copies: int = 1) -> PrintResult:
        """Print a document of no case (report, test page)."""
        return self._send(kind, PrintJob(title, pdf, self.paper_for(kind), copies), [], clerk, False)

    def _send(self, kind: DocumentKind, job: PrintJob, case_ids: list[str], clerk: Clerk,
              reprint: bool) -> PrintResult:
        try:
            return self.devices.print_job(job, receipt=kind.is_receipt)
        except DeviceError as e:
            held = self._hold(HeldJob(0, kind, job, case_ids, clerk, reprint, str(e), self.clock()))
            log.warning("print of %s failed and is held as job %d: %s", job.title, held.id, e)
            raise

    def _log(self, kind: DocumentKind, cases: list[Case], printer: str, clerk: Clerk, reprint: bool) -> None:
        now = self.clock()
        try:
            for case in cases:
                case.note_printed(kind.value, printer, clerk.username, now, reprint=reprint)
            self.store.cases.save(*cases)
        except (StoreError, DeviceError, ValueError) as e:   # the paper is out: a lost log line must not hide it
            log.error("print of %s on %s could not be logged: %s", kind.value, printer, e)

    # --- held jobs -----------------------------------------------------------------------------

    def _hold(self, job: HeldJob) -> HeldJob:
        with self._held.lock:
            job.id = next(self._held.ids)
            self._held.jobs[job.id] = job
            count = len(self._held.jobs)
        self._notify(count)
        return job

    def held(self) -> list[HeldJob]:
        with self._held.lock:
            return sorted(self._held.jobs.values(), key=lambda j: j.id)

    def on_held_changed(self, listener: Callable[[int], None]) -> None:
        """Called (from any thread) with the number of held jobs whenever it changes."""
        self._listeners.append(listener)

    def _notify(self, count: int) -> None:
        for listener in list(self._listeners):
            listener(count)

    def retry(self, job_id: int) -> PrintResult:
        """Print a held job again; it stays held (with the new error) if the printer still fails."""
        with self._held.lock:
            held = self._held.jobs.get(job_id)
        if held is None:
            raise DeviceError("该打印任务已完成或已取消")
        try:
            result = self.devices.print_job(held.job, receipt=held.kind.is_receipt)
        except DeviceError as e:
            held.error, held.attempts = str(e), held.attempts + 1
            raise
        with self._held.lock:
            self._held.jobs.pop(job_id, None)
            count = len(self._held.jobs)
        self._notify(count)
        if held.case_ids:
            self._log(held.kind, [self.store.cases.get(i) for i in held.case_ids], result.printer, held.clerk,
                      held.reprint)
        return result

    def retry_all(self) -> tuple[int, list[str]]:
        """Retry every held job in order: (how many printed, the errors of those still held)."""
        printed, errors = 0, []
        for job in self.held():
            try:
                self.retry(job.id)
                printed += 1
            except DeviceError as e:
                errors.append(f"{job.job.title}：{e}")
        return printed, errors

    def discard(self, job_id: int) -> None:
        with self._held.lock:
            self._held.jobs.pop(job_id, None)
            count = len(self._held.jobs)
        self._notify(count)

    # --- the print log -------------------------------------------------------------------------

    def was_printed(self, kind: DocumentKind, case_id: str) -> bool:
        """Whether this document was printed for the case before (a new print is then a 补打 copy)."""
        return any(e.type in PRINT_EVENTS and e.payload.get("document") == kind.value
                   for e in self.store.cases.events(case_id))

    def print_log(self, case_id: str) -> list[PrintLogEntry]:
        out = []
        for e in self.store.cases.events(case_id):
            if e.type in PRINT_EVENTS:
                try:
                    label = DocumentKind(e.payload.get("document", "")).label
                except ValueError:
                    label = e.payload.get("document", "")
                out.append(PrintLogEntry(e.occurred_at, label, e.payload.get("printer", ""), e.clerk,
                                         bool(e.payload.get("reprint", False))))
        return out


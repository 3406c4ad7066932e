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
from app.domain.documents import DocumentKind, Paper
from app.domain.events import EventSourced
from app.i18n import _
from app.services.clock import Clock
from app.services.devices import DeviceService
from app.services.documents import DocumentService
from app.services.workers import Workers, runs_on
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


@dataclass(frozen=True)
class PreparedPrint:
    """A document rendered for printing, with what a preview needs."""

    kind: DocumentKind
    records: list[EventSourced]
    pdf: bytes
    reprint: bool
    title: str
    choices: list[str]         # printers the clerk may pick in the preview (empty: no choice)
    printer: str               # the printer it goes to unless another is picked


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
                 workers: Workers, receipt_roll: bool = False):
        self.documents, self.devices, self.store, self.clock = documents, devices, store, clock
        self.workers = workers
        self.receipt_roll = receipt_roll
        self._held = _Held()
        self._listeners: list[Callable[[int], None]] = []

    # --- what goes where -----------------------------------------------------------------------

    def paper_for(self, kind: DocumentKind) -> Paper:
        return Paper.ROLL_80 if kind.is_receipt and self.receipt_roll else Paper.A4

    def render(self, kind: DocumentKind, records: list[EventSourced], clerk: Clerk, *, reprint: bool = False) -> bytes:
        """The document's PDF (a reprint is stamped 补打 with the time of this rendering)."""
        return self.documents.render(kind, records, clerk, roll=self.paper_for(kind) is Paper.ROLL_80,
                                     reprint_at=self.clock() if reprint else None)

    @staticmethod
    def title(kind: DocumentKind, case_number: str = "", reprint: bool = False) -> str:
        return f"{kind.label}{_('（补打）') if reprint else ''}{' ' + case_number if case_number else ''}"

    # --- printing ------------------------------------------------------------------------------

    @runs_on("cpu")
    def prepare(self, kind: DocumentKind, records: list[EventSourced], clerk: Clerk, *, reprint: bool | None = None,
                with_choices: bool = False) -> PreparedPrint:
        """Render a document of the records; `reprint` None means: a 补打 copy if it was printed before.
        With `with_choices` the printers a preview may offer are listed too (the spooler can be slow)."""
        again = self.was_printed(kind, records[0].id) if reprint is None else reprint
        pdf = self.render(kind, records, clerk, reprint=again)
        receipt = kind.is_receipt
        return PreparedPrint(kind, list(records), pdf, again,
                             self.title(kind, getattr(records[0], "case_number", "")
                                        or getattr(records[0], "registration_number", ""), again),
                             self.devices.printer_choices(receipt) if with_choices else [],
                             self.devices.printer_name(receipt))

    @runs_on("printer")
    def print_prepared(self, prepared: PreparedPrint, clerk: Clerk, copies: int = 1) -> PrintResult:
        """Print a rendered document and log it on every record it covers.

        On a printer failure the job is held for retry and the PrinterError is raised for the clerk."""
        job = PrintJob(prepared.title, prepared.pdf, self.paper_for(prepared.kind), copies)
        result = self._send(prepared.kind, job, [r.id for r in prepared.records], clerk, prepared.reprint)
        self._log(prepared.kind, [r.id for r in prepared.records], result.printer, clerk, prepared.reprint)
        return result

    @runs_on("printer")
    def print_document(self, kind: DocumentKind, records: list[EventSourced], clerk: Clerk, *,
                       reprint: bool | None = False, copies: int = 1) -> PrintResult:
        """Render and print one document of the records, without preview."""
        return self.print_prepared(self.prepare(kind, records, clerk, reprint=reprint), clerk, copies)

    @runs_on("printer")
    def print_other(self, kind: DocumentKind, title: str, pdf: bytes, clerk: Clerk, copies: int = 1) -> PrintResult:
        """Print a document of no case (report, guide notice, test page)."""
        return self._send(kind, PrintJob(title, pdf, self.paper_for(kind), copies), [], clerk, False)

    @runs_on("printer")
    def print_daily_report(self, clerk: Clerk, window: str) -> PrintResult:
        """今日窗口日报 of this workstation, on the A4 printer."""
        day = self.clock().date()
        pdf = self.documents.daily_report(day, clerk, window)
        return self.print_other(DocumentKind.DAILY_REPORT, _("窗口日报 {day:%Y-%m-%d}").format(day=day), pdf, clerk)

    @runs_on("printer")
    def print_guide_notice(self, item_code: str, clerk: Clerk) -> PrintResult:
        """一次性告知单 of an item, for a citizen who only asks."""
        item = self.documents.catalog.item(item_code)
        pdf = self.documents.guide_notice(item, clerk)
        return self.print_other(DocumentKind.GUIDE_NOTICE, _("一次性告知单 {name}").format(name=item.name), pdf, clerk)

    def _send(self, kind: DocumentKind, job: PrintJob, case_ids: list[str], clerk: Clerk,
              reprint: bool) -> PrintResult:
        try:
            return self.devices.print_job(job, receipt=kind.is_receipt)
        except DeviceError as e:
            held = self._hold(HeldJob(0, kind, job, case_ids, clerk, reprint, str(e), self.clock()))
            log.warning("print of %s failed and is held as job %d: %s", job.title, held.id, e)
            raise

    @runs_on("db")
    def _log(self, kind: DocumentKind, record_ids: list[str], printer: str, clerk: Clerk, reprint: bool) -> None:
        now = self.clock()

        def note(records) -> None:
            for record in records:
                record.note_printed(kind.value, printer, clerk.username, now, reprint=reprint)

        try:
            self.store.cases.change(record_ids, note)
        except (StoreError, ValueError) as e:   # the paper is out: a lost log line must not hide it
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

    @runs_on("printer")
    def retry(self, job_id: int) -> PrintResult:
        """Print a held job again; it stays held (with the new error) if the printer still fails."""
        with self._held.lock:
            held = self._held.jobs.get(job_id)
        if held is None:
            raise DeviceError(_("该打印任务已完成或已取消"))
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
            self._log(held.kind, held.case_ids, result.printer, held.clerk, held.reprint)
        return result

    @runs_on("printer")
    def retry_all(self) -> tuple[int, list[str]]:
        """Retry every held job in order: (how many printed, the errors of those still held)."""
        printed, errors = 0, []
        for job in self.held():
            try:
                self.retry(job.id)
                printed += 1
            except DeviceError as e:
                errors.append(_("{title}：{e}").format(title=job.job.title, e=e))
        return printed, errors

    def discard(self, job_id: int) -> None:
        with self._held.lock:
            self._held.jobs.pop(job_id, None)
            count = len(self._held.jobs)
        self._notify(count)

    # --- the print log -------------------------------------------------------------------------

    @runs_on("read")
    def was_printed(self, kind: DocumentKind, case_id: str) -> bool:
        """Whether this document was printed for the case before (a new print is then a 补打 copy)."""
        return any(e.type in PRINT_EVENTS and e.payload.get("document") == kind.value
                   for e in self.store.cases.events(case_id))

    @runs_on("read")
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


"""Printing from a window: render off the GUI thread, preview when the settings ask for it, print on the
printer worker, and tell the clerk what happened (a failed job is held for retry by the service)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.domain.accounts import Clerk
from app.domain.case import Case
from app.domain.documents import DocumentKind
from app.services.desk import Desk
from app.ui.operations import Operations
from app.ui.print_preview import PrintPreviewDialog


class DocumentPrinting:
    def __init__(self, desk: Desk, clerk: Clerk, ops: Operations, parent: QWidget, say: Callable[[str], None],
                 printed: Callable[[], None] = lambda: None):
        self.desk, self.clerk, self.ops, self.parent, self.say, self.printed = desk, clerk, ops, parent, say, printed
        self.preview: PrintPreviewDialog | None = None

    def wants_preview(self, kind: DocumentKind) -> bool:
        s = self.desk.settings
        return s.receipt_preview if kind.is_receipt else s.document_preview

    def print_documents(self, kinds: list[DocumentKind], cases: list[Case], *, reprint: bool | None = None,
                        preview: bool | None = None, done: Callable[[], None] = lambda: None) -> None:
        """Print several documents one after the other (each previewed if asked for)."""
        if not kinds:
            done()
            return
        self.print_document(kinds[0], cases, reprint=reprint, preview=preview,
                            then=lambda: self.print_documents(kinds[1:], cases, reprint=reprint, preview=preview,
                                                              done=done))

    def print_document(self, kind: DocumentKind, cases: list[Case], *, reprint: bool | None = None,
                       preview: bool | None = None, then: Callable[[], None] = lambda: None) -> None:
        """Print one document of the cases; `reprint` None means: a 补打 copy if it was printed before."""
        show = self.wants_preview(kind) if preview is None else preview
        printing = self.desk.printing

        devices = self.desk.devices

        def render():
            again = printing.was_printed(kind, cases[0].id) if reprint is None else reprint
            # the spooler is asked for its printers here, off the GUI thread (network queues can be slow)
            choices = devices.printer_choices(kind.is_receipt) if show else []
            return again, printing.render(kind, cases, self.clerk, reprint=again), choices

        def rendered(outcome) -> None:
            again, pdf, choices = outcome
            if show:
                self._preview(kind, cases, pdf, again, choices, then)
            else:
                self._print(kind, cases, pdf, again, 1, then)

        self.ops.run(self.desk.workers.db, render, on_success=rendered)

    def _preview(self, kind: DocumentKind, cases: list[Case], pdf: bytes, reprint: bool, choices: list[str],
                 then: Callable[[], None]) -> None:
        current = self.desk.devices.printer_name(kind.is_receipt)
        dialog = PrintPreviewDialog(self.desk.printing.title(kind, cases[0].case_number, reprint), pdf,
                                    choices, current, self.parent)

        def accepted() -> None:
            chosen = dialog.printer_name()
            if chosen and chosen != current and chosen in choices:
                self.desk.choose_printer(chosen, kind.is_receipt)
            self._print(kind, cases, pdf, reprint, dialog.copies(), then)

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(lambda: (self.say(f"已取消打印{kind.label}。"), then()))
        self.preview = dialog
        dialog.open()

    def _print(self, kind: DocumentKind, cases: list[Case], pdf: bytes, reprint: bool, copies: int,
               then: Callable[[], None]) -> None:
        def ok(result) -> None:
            self.say(f"{kind.label}{'（补打）' if reprint else ''}已打印（{result.printer}）。")
            self.printed()
            then()

        def failed(_error) -> None:
            self.printed()
            then()

        self.ops.run(self.desk.workers.printer,
                     lambda: self.desk.printing.print_document(kind, cases, self.clerk, pdf=pdf, reprint=reprint,
                                                               copies=copies),
                     on_success=ok, on_failure=failed)

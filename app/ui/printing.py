"""Printing from a window: the print service renders (and lists the printers for a preview), the preview is
shown when the settings ask for it, the print service prints; the clerk is told what happened (a failed job
is held for retry by the service)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QWidget

from app.domain.accounts import Clerk
from app.domain.documents import DocumentKind
from app.i18n import _
from app.services.desk import Desk
from app.services.printing import PreparedPrint
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

    def print_documents(self, kinds: Sequence[DocumentKind], records: list, *, reprint: bool | None = False,
                        preview: bool | None = None, done: Callable[[], None] = lambda: None) -> None:
        """Print several documents one after the other (each previewed if asked for)."""
        if not kinds:
            done()
            return
        self.print_document(kinds[0], records, reprint=reprint, preview=preview,
                            then=lambda: self.print_documents(kinds[1:], records, reprint=reprint, preview=preview,
                                                              done=done))

    def print_document(self, kind: DocumentKind, records: list, *, reprint: bool | None = None,
                       preview: bool | None = None, then: Callable[[], None] = lambda: None) -> None:
        """Print one document of the records; `reprint` None means: a 补打 copy if it was printed before."""
        show = self.wants_preview(kind) if preview is None else preview

        def rendered(prepared: PreparedPrint) -> None:
            if show:
                self._preview(prepared, then)
            else:
                self._print(prepared, 1, then)

        self.ops.run(self.desk.printing.prepare, kind, records, self.clerk, reprint=reprint, with_choices=show,
                     on_success=rendered)

    def _preview(self, prepared: PreparedPrint, then: Callable[[], None]) -> None:
        dialog = PrintPreviewDialog(prepared.title, prepared.pdf, prepared.choices, prepared.printer, self.parent)
        kind = prepared.kind

        def accepted() -> None:
            chosen = dialog.printer_name()
            if chosen and chosen != prepared.printer and chosen in prepared.choices:
                self.desk.choose_printer(chosen, kind.is_receipt)
            self._print(prepared, dialog.copies(), then)

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(lambda: (self.say(_("已取消打印{label}。").format(label=kind.label)), then()))
        self.preview = dialog
        dialog.open()

    def _print(self, prepared: PreparedPrint, copies: int, then: Callable[[], None]) -> None:
        def ok(result) -> None:
            self.say(_("{label}{reprint}已打印（{printer}）。").format(
                    label=prepared.kind.label, reprint=_('（补打）') if prepared.reprint else '', printer=result.printer))
            self.printed()
            then()

        def failed(_message: str) -> None:
            self.printed()
            then()

        self.ops.run(self.desk.printing.print_prepared, prepared, self.clerk, copies, on_success=ok, on_failure=failed)

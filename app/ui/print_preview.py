"""Print preview: the document as it will come out (zoom, pages), the printer to use, copies."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from app.i18n import _
from app.ui.widgets import fit_to_screen

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


class PrintPreviewDialog(QDialog):
    """Accepting it means "print": read `printer_name()` and `copies()` afterwards."""

    def __init__(self, title: str, pdf: bytes, printers: list[str], current: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("打印预览 — {title}").format(title=title))
        fit_to_screen(self, 860, 960)
        self._data = QByteArray(pdf)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setStyleSheet("background:#6b6b6b")

        self.page_label = QLabel()
        self.zoom_out = QPushButton(_("缩小"))
        self.zoom_in = QPushButton(_("放大"))
        self.fit = QPushButton(_("适合宽度"))
        self.previous = QPushButton(_("上一页"))
        self.next = QPushButton(_("下一页"))
        self.printer = QComboBox()
        for name in printers or [current]:
            self.printer.addItem(name)
        if current in printers:
            self.printer.setCurrentText(current)
        self.printer.setEnabled(len(printers) > 1)
        self.copy_count = QSpinBox()
        self.copy_count.setRange(1, 9)
        self.copy_count.setPrefix(_("份数 "))
        self.print_button = QPushButton(_("打印"))
        self.print_button.setDefault(True)
        cancel = QPushButton(_("取消"))

        tools = QHBoxLayout()
        for w in (self.previous, self.next, self.page_label):
            tools.addWidget(w)
        tools.addStretch(1)
        for w in (self.zoom_out, self.zoom_in, self.fit):
            tools.addWidget(w)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(_("打印机：")))
        bottom.addWidget(self.printer, 1)
        bottom.addWidget(self.copy_count)
        bottom.addWidget(self.print_button)
        bottom.addWidget(cancel)
        col = QVBoxLayout(self)
        col.addLayout(tools)
        col.addWidget(self.view, 1)
        col.addLayout(bottom)

        self.zoom_in.clicked.connect(lambda: self.step_zoom(+1))
        self.zoom_out.clicked.connect(lambda: self.step_zoom(-1))
        self.fit.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        navigator = self.view.pageNavigator()
        self.previous.clicked.connect(lambda: self.go_to(navigator.currentPage() - 1))
        self.next.clicked.connect(lambda: self.go_to(navigator.currentPage() + 1))
        navigator.currentPageChanged.connect(lambda _unused: self._show_page())
        self.print_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        QShortcut(QKeySequence.ZoomIn, self, activated=lambda: self.step_zoom(+1))
        QShortcut(QKeySequence.ZoomOut, self, activated=lambda: self.step_zoom(-1))
        self._show_page()

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        if 0 <= page < self.page_count:
            self.view.pageNavigator().jump(page, QPointF(0, 0))
            self._show_page()

    def step_zoom(self, direction: int) -> None:
        factor = self.view.zoomFactor()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        options = [z for z in ZOOMS if (z > factor + 1e-3 if direction > 0 else z < factor - 1e-3)]
        if options:
            self.view.setZoomFactor(options[0] if direction > 0 else options[-1])

    def _show_page(self) -> None:
        page = self.current_page()
        self.page_label.setText(_("第 {page} 页 / 共 {page_count} 页").format(page=page + 1, page_count=self.page_count))
        self.previous.setEnabled(page > 0)
        self.next.setEnabled(page < self.page_count - 1)

    def printer_name(self) -> str:
        return self.printer.currentText()

    def copies(self) -> int:
        return self.copy_count.value()

    def done(self, result: int) -> None:
        self.view.setDocument(None)
        self.document.close()
        super().done(result)


"""PDF pages as images on white paper, rendered by QtPdf (used by the spooler and ESC/POS drivers)."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QSize, QSizeF
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtPdf import QPdfDocument

from app.devices.errors import PrinterError
from app.i18n import _

log = logging.getLogger(__name__)


def ensure_gui_application() -> None:
    """QtPdf and QtPrintSupport need a QGuiApplication; the command line has none of its own."""
    if QCoreApplication.instance() is None:
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QGuiApplication(sys.argv[:1])


class PdfPages:
    """A loaded PDF: its page sizes in points and each page rendered on white."""

    def __init__(self, pdf: bytes):
        ensure_gui_application()
        self._data = QByteArray(pdf)
        self._buffer = QBuffer(self._data)
        self._buffer.open(QIODevice.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() == 0:
            log.error("PDF could not be loaded for printing: %s", self.document.error())
            raise PrinterError(_("打印失败：单据文件无法读取，请重新生成后再打印。"))

    def __len__(self) -> int:
        return self.document.pageCount()

    def size_points(self, page: int) -> QSizeF:
        return self.document.pagePointSize(page)

    def render(self, page: int, dpi: float) -> QImage:
        """The page at `dpi`, painted onto white (QtPdf renders onto a transparent background)."""
        pts = self.size_points(page)
        size = QSize(max(1, round(pts.width() / 72 * dpi)), max(1, round(pts.height() / 72 * dpi)))
        rendered = self.document.render(page, size)
        image = QImage(size, QImage.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.drawImage(0, 0, rendered)
        painter.end()
        return image

    def render_width(self, page: int, width_px: int) -> QImage:
        """The page scaled to `width_px` pixels wide (a thermal head's dot count)."""
        return self.render(page, width_px / (self.size_points(page).width() / 72))

    def close(self) -> None:
        self.document.close()
        self._buffer.close()

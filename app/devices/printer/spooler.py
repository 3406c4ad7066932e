"""Printing through the operating system's spooler (Windows print queue, CUPS) with QPrinter.

Each PDF page is rendered by QtPdf at the printer's resolution, capped at 300 dpi, onto white and
painted on a page of the document's own size (A4, or an 80 mm roll page as long as the receipt)
without margins: the documents carry their own."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.devices.errors import PrinterError
from app.devices.printer.base import PrintJob, PrintResult
from app.devices.printer.pdf_pages import PdfPages, ensure_gui_application
from app.i18n import N_, _

log = logging.getLogger(__name__)

MAX_DPI = 300
KEPT = N_("打印任务已保留，可在处理后重试。")


@dataclass(frozen=True)
class PrinterStatus:
    name: str
    default: bool
    state: str          # 就绪 / 正在打印 / 已停止 / 错误


STATE_LABELS = {"Idle": N_("就绪"), "Active": N_("正在打印"), "Aborted": N_("已中止"), "Error": N_("错误（缺纸、卡纸或脱机）")}


def list_printers() -> list[PrinterStatus]:
    """The printers the spooler knows, the default first."""
    ensure_gui_application()
    default = QPrinterInfo.defaultPrinterName()
    out = []
    for info in QPrinterInfo.availablePrinters():
        state = _(STATE_LABELS.get(info.state().name, info.state().name))
        out.append(PrinterStatus(info.printerName(), info.printerName() == default, state))
    return sorted(out, key=lambda p: (not p.default, p.name))


class SpoolerPrinter:
    """A printer of the system spooler by name ("" = the system's default printer)."""

    def __init__(self, printer_name: str = ""):
        self.printer_name = printer_name

    @property
    def name(self) -> str:
        return self.printer_name or _("系统默认打印机")

    def choices(self) -> list[str]:
        return [p.name for p in list_printers()]

    def select(self, name: str) -> None:
        self.printer_name = name

    def _info(self) -> QPrinterInfo:
        ensure_gui_application()
        if self.printer_name:
            info = QPrinterInfo.printerInfo(self.printer_name)
            if info.isNull():
                raise PrinterError(_("找不到打印机“{printer_name}”，请检查打印机是否已安装、已连接。{kept}").format(
                        printer_name=self.printer_name, kept=_(KEPT)))
        else:
            info = QPrinterInfo.defaultPrinter()
            if info.isNull():
                raise PrinterError(_("系统没有默认打印机，请在设置中选择打印机。{kept}").format(kept=_(KEPT)))
        state = info.state()
        if state in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            raise PrinterError(_("打印机“{printer}”当前无法打印（缺纸、卡纸、脱机或已暂停），请检查打印机。{kept}").format(
                    printer=info.printerName(), kept=_(KEPT)))
        return info

    def print_pdf(self, job: PrintJob) -> PrintResult:
        info = self._info()
        pages = PdfPages(job.pdf)
        count = len(pages)
        try:
            printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
            printer.setDocName(job.title)
            printer.setCopyCount(max(1, job.copies))
            printer.setFullPage(True)
            size = pages.size_points(0)
            page_size = QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point, "", QPageSize.ExactMatch)
            layout = QPageLayout(page_size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
            if not printer.setPageLayout(layout):
                log.warning("printer %s refused the page layout %s", info.printerName(), page_size.name())
            dpi = min(printer.resolution(), MAX_DPI)
            painter = QPainter()
            if not painter.begin(printer):
                raise PrinterError(_("打印机“{printer}”无法开始打印，请检查打印机是否脱机。{kept}").format(
                        printer=info.printerName(), kept=_(KEPT)))
            try:
                for k in range(count):
                    if k and not printer.newPage():
                        raise PrinterError(_("打印机“{printer}”在打印第{page}页时出错。{kept}").format(
                                printer=info.printerName(), page=k + 1, kept=_(KEPT)))
                    target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
                    painter.drawImage(target, pages.render(k, dpi))
            finally:
                ended = painter.end()
            if not ended:
                raise PrinterError(_("打印机“{printer}”未能完成打印任务。{kept}").format(printer=info.printerName(), kept=_(KEPT)))
        finally:
            pages.close()
        log.info("printed %d page(s) of a %s on %s at %d dpi", count, job.paper, info.printerName(), dpi)
        return PrintResult(info.printerName())

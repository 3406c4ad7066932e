"""80 mm thermal receipt printers over ESC/POS (python-escpos): the receipt goes as a raster image,
so no code page ever garbles Chinese, followed by a paper cut.

Connection targets: ``tcp://192.168.1.50:9100`` (network), ``serial:COM3`` or ``serial:/dev/ttyUSB0:115200``,
``usb:0416:5011`` (vendor and product ID in hex), ``win32:回执打印机`` (a Windows queue, sent raw)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage

from app.devices.errors import PrinterError
from app.devices.printer.base import PrintJob, PrintResult
from app.devices.printer.pdf_pages import PdfPages
from app.i18n import N_, _

log = logging.getLogger(__name__)

HEAD_DOTS = 576          # 72 mm at 203 dpi: the print width of an 80 mm printer
PROFILE = "TM-T20II"     # a common 80 mm printer profile of python-escpos with a 576-dot head
KEPT = N_("打印任务已保留，可在处理后重试。")


def parse_target(target: str) -> tuple[str, dict]:
    """(escpos printer class name, keyword arguments) for a connection target."""
    t = target.strip()
    if t.startswith("tcp://"):
        u = urlsplit(t)
        if not u.hostname:
            raise PrinterError(_("回执打印机地址“{target}”无效，应为 tcp://IP:端口").format(target=target))
        return "Network", {"host": u.hostname, "port": u.port or 9100, "timeout": 10}
    if t.startswith("serial:"):
        rest = t[len("serial:"):]
        device, _unused, baud = rest.rpartition(":") if rest.rsplit(":", 1)[-1].isdigit() else (rest, "", "")
        return "Serial", {"devfile": device or rest, "baudrate": int(baud or 9600), "timeout": 2}
    if t.startswith("usb:"):
        try:
            vid, pid = (int(v, 16) for v in t[len("usb:"):].split(":"))
        except ValueError:
            raise PrinterError(_("回执打印机地址“{target}”无效，应为 usb:厂商ID:产品ID（十六进制）").format(target=target)) from None
        return "Usb", {"idVendor": vid, "idProduct": pid}
    if t.startswith("win32:"):
        return "Win32Raw", {"printer_name": t[len("win32:"):]}
    raise PrinterError(_("回执打印机地址“{target}”无法识别，应以 tcp://、serial:、usb: 或 win32: 开头").format(target=target))


def to_bitmap(image: QImage, threshold: int = 160) -> Image.Image:
    """A 1-bit picture for the print head: dark where the page is darker than `threshold`."""
    grey = image.convertToFormat(QImage.Format_Grayscale8)
    w, h = grey.width(), grey.height()
    rows = np.frombuffer(grey.constBits(), np.uint8).reshape(h, grey.bytesPerLine())[:, :w]
    return Image.fromarray(np.where(rows < threshold, 0, 255).astype(np.uint8)).convert("1")


class EscPosPrinter:
    def __init__(self, target: str, head_dots: int = HEAD_DOTS):
        self.target, self.head_dots = target, head_dots
        self.kind, self.kwargs = parse_target(target)

    @property
    def name(self) -> str:
        return _("热敏回执打印机（{target}）").format(target=self.target)

    def _connect(self):
        import escpos.printer as printers

        cls = getattr(printers, self.kind)
        if not cls.is_usable():
            raise PrinterError(_("本机无法使用“{target}”这类回执打印机连接（缺少驱动组件）。{kept}").format(target=self.target, kept=_(KEPT)))
        printer = cls(**self.kwargs, profile=PROFILE)
        try:
            printer.open(raise_not_found=True)
        except Exception as e:   # noqa: BLE001 - every connection library raises its own errors
            log.error("ESC/POS printer %s could not be opened: %s", self.target, e)
            raise PrinterError(_("回执打印机（{target}）未连接或未开机。{kept}").format(target=self.target, kept=_(KEPT))) from e
        return printer

    def print_pdf(self, job: PrintJob) -> PrintResult:
        pages = PdfPages(job.pdf)
        try:
            bitmaps = [to_bitmap(pages.render_width(k, self.head_dots)) for k in range(len(pages))]
        finally:
            pages.close()
        printer = self._connect()
        try:
            for _unused in range(max(1, job.copies)):
                for bitmap in bitmaps:
                    printer.image(bitmap, impl="bitImageRaster", center=False)
                printer.cut()
        except Exception as e:   # noqa: BLE001 - socket, serial and USB errors alike
            log.error("ESC/POS print to %s failed: %s", self.target, e)
            raise PrinterError(_("回执打印机（{target}）打印中断，请检查纸卷和连接。{kept}").format(target=self.target, kept=_(KEPT))) from e
        finally:
            try:
                printer.close()
            except Exception as e:   # noqa: BLE001
                log.info("closing ESC/POS printer %s: %s", self.target, e)
        return PrintResult(self.name)

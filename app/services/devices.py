"""The desk's devices as the UI sees them: read a card, capture a page, print a PDF, report status.

Each call blocks on its device, so callers run it on that device's single worker.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from app.devices.errors import DeviceError, NoCard
from app.devices.idcard.base import CardRead
from app.devices.printer.base import PrintJob, PrintResult
from app.imaging.encode import encode_jpeg

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceStatus:
    kind: str          # idcard / camera / printer
    label: str         # 身份证阅读器 …
    state: str         # ok / absent / busy / error
    message: str


class DeviceService:
    def __init__(self, idcard, camera, printer, jpeg_quality: int = 85):
        self.idcard, self.camera, self.printer = idcard, camera, printer
        self.jpeg_quality = jpeg_quality
        self._status: dict[str, DeviceStatus] = {}
        self._lock = threading.Lock()
        for kind, label, dev in (("idcard", "身份证阅读器", idcard), ("camera", "高拍仪", camera),
                                 ("printer", "打印机", printer)):
            self._set(kind, label, "ok" if dev is not None else "absent",
                      getattr(dev, "name", "") if dev is not None else "未配置")

    def _set(self, kind: str, label: str, state: str, message: str) -> None:
        with self._lock:
            self._status[kind] = DeviceStatus(kind, label, state, message)

    def statuses(self) -> list[DeviceStatus]:
        with self._lock:
            return list(self._status.values())

    def _operate(self, kind: str, label: str, device, busy: str, action):
        """Run one device action, keeping the status the status bar shows in step with it."""
        if device is None:
            raise DeviceError(f"{label}未配置，请在设置中选择驱动")
        self._set(kind, label, "busy", busy)
        try:
            result = action(device)
        except NoCard as e:
            self._set(kind, label, "ok", str(e))
            raise
        except DeviceError as e:
            self._set(kind, label, "error", str(e))
            raise
        self._set(kind, label, "ok", device.name)
        return result

    def read_card(self) -> CardRead:
        def read(reader):
            reader.open()
            return reader.read_card()

        return self._operate("idcard", "身份证阅读器", self.idcard, "正在读卡…", read)

    def capture_page(self) -> bytes:
        """One still from the document camera, as JPEG."""
        def capture(camera):
            camera.open()
            return camera.capture_still()

        return encode_jpeg(self._operate("camera", "高拍仪", self.camera, "正在拍摄…", capture), self.jpeg_quality)

    def print_pdf(self, title: str, pdf: bytes) -> PrintResult:
        return self._operate("printer", "打印机", self.printer, "正在打印…",
                             lambda printer: printer.print_pdf(PrintJob(title, pdf)))

    # --- training: what lies on the simulated devices ----------------------------------------

    def simulated_cards(self) -> list[str]:
        """Names on the simulated reader's roster (empty with a real reader)."""
        roster = getattr(self.idcard, "roster", None)
        return [f"{p['name']}（{p.get('note', '')}）" for p in roster] if roster else []

    def present_simulated_card(self, index: int) -> None:
        self.idcard.present(index)

    def place_simulated_document(self, title: str) -> None:
        place = getattr(self.camera, "place", None)
        if place:
            place(title)

"""The desk's devices as the UI sees them: identity cards, document camera, printer, and their status.

Identity readers (the ID-card reader and the social-security card reader) are each owned by a
CardWatch: explicit reads and, once started, background polling go through it, and its state is
what the status bar shows. Other calls block on their device, so callers run them on that device's
single worker (each method says which).
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from app.devices.camera.sample_documents import SampleDocument, id_card_sides
from app.devices.errors import DeviceError
from app.devices.idcard.base import PHOTO_UNAVAILABLE, CardRead, PhotoDecoder, photo_of
from app.devices.idcard.text_block import nationality_label
from app.devices.idcard.watch import CardWatch, ReaderState, WatchEvent
from app.devices.printer.base import PrintJob, PrintResult
from app.i18n import N_, _
from app.imaging.pipeline import PageOptions, ProcessedPage, process_still
from app.services.workers import Workers, runs_on

log = logging.getLogger(__name__)

__all__ = ["CardArrival", "DeviceService", "DeviceStatus", "nationality_label"]

LABELS = {"idcard": N_("身份证阅读器"), "sscard": N_("社保卡读卡器"), "camera": N_("高拍仪"), "printer": N_("打印机"),
          "receipt_printer": N_("回执打印机")}
_WATCH_STATES = {ReaderState.CONNECTED: "ok", ReaderState.NO_READER: "absent", ReaderState.READING: "busy",
                 ReaderState.ERROR: "error"}


@dataclass(frozen=True)
class DeviceStatus:
    kind: str          # idcard / sscard / camera / printer
    label: str         # 身份证阅读器 …
    state: str         # ok / absent / busy / error
    message: str
    text: str = ""     # the state in words when the device has its own (an identity reader's 读卡失败)

    @property
    def state_text(self) -> str:
        if self.text:
            return self.text
        if self.state == "busy":
            return self.message.rstrip("…") or _("工作中")
        return {"ok": _("已连接"), "absent": _("未连接"), "error": _("故障")}[self.state]


@dataclass(frozen=True)
class CardArrival:
    """A card laid on (or inserted into) an identity reader, or a failed attempt to read one."""

    kind: str                  # idcard / sscard
    card: CardRead | None
    problem: str = ""          # set when the read failed (damaged card, lifted too early…)
    photo: bytes | None = None  # the decoded photo, when a decoder is configured


class DeviceService:
    def __init__(self, workers: Workers, idcard, camera, printer, jpeg_quality: int = 85, sscard=None,
                 photo_decoder: PhotoDecoder | None = None, receipt_printer=None):
        self.workers = workers
        self.idcard, self.camera, self.printer, self.sscard = idcard, camera, printer, sscard
        self.receipt_printer = receipt_printer if receipt_printer is not None else printer
        self.jpeg_quality = jpeg_quality
        self.photo_decoder = photo_decoder
        self._status: dict[str, DeviceStatus] = {}
        self._lock = threading.Lock()
        self._status_listeners: list[Callable[[DeviceStatus], None]] = []
        self._card_listeners: list[Callable[[CardArrival], None]] = []
        self.watches: dict[str, CardWatch] = {}
        for kind, dev in (("idcard", idcard), ("sscard", sscard), ("camera", camera), ("printer", printer),
                          ("receipt_printer", self.receipt_printer)):
            if (kind == "sscard" and dev is None) or (kind == "receipt_printer" and dev is printer):
                continue          # optional devices: not shown unless configured
            self._set(kind, "ok" if dev is not None else "absent",
                      getattr(dev, "name", "") if dev is not None else _("未配置"))
            if kind in ("idcard", "sscard") and dev is not None:
                self.watches[kind] = CardWatch(dev, lambda event, k=kind: self._watch_event(k, event),
                                               executor=workers.idcard)

    # --- status --------------------------------------------------------------------------------

    def _set(self, kind: str, state: str, message: str, text: str = "") -> None:
        status = DeviceStatus(kind, _(LABELS[kind]), state, message, text)
        with self._lock:
            changed = self._status.get(kind) != status
            self._status[kind] = status
            listeners = list(self._status_listeners)
        if changed:
            for listener in listeners:
                listener(status)

    def statuses(self) -> list[DeviceStatus]:
        with self._lock:
            return list(self._status.values())

    def on_status(self, listener: Callable[[DeviceStatus], None]) -> None:
        """Called (from any thread) whenever a device's status changes."""
        with self._lock:
            self._status_listeners.append(listener)

    def _operate(self, kind: str, device, busy: str, action):
        """Run one device action, keeping the status the status bar shows in step with it."""
        if device is None:
            raise DeviceError(_("{device}未配置，请在设置中选择驱动").format(device=_(LABELS[kind])))
        self._set(kind, "busy", busy)
        try:
            result = action(device)
        except DeviceError as e:
            self._set(kind, "error", str(e))
            raise
        self._set(kind, "ok", device.name)
        return result

    # --- identity cards ------------------------------------------------------------------------

    def _watch_event(self, kind: str, event: WatchEvent) -> None:
        self._set(kind, _WATCH_STATES[event.state], event.message, event.state.label)
        arrival = None
        if event.card is not None:
            arrival = CardArrival(kind, event.card, photo=self.photo(event.card))
        elif event.state is ReaderState.ERROR:
            arrival = CardArrival(kind, None, event.message)
        if arrival is not None and event.polled:
            for listener in list(self._card_listeners):
                listener(arrival)

    def on_card(self, listener: Callable[[CardArrival], None]) -> None:
        """Called (from a watch thread) for each card the background polling reads."""
        self._card_listeners.append(listener)

    def start_watching(self) -> None:
        """Poll the identity readers in the background: a card laid on a reader is read by itself."""
        for watch in self.watches.values():
            watch.start()

    def stop_watching(self) -> None:
        for watch in self.watches.values():
            watch.stop()

    @runs_on("idcard")
    def read_card(self) -> CardRead:
        """An explicit read of the ID-card reader (F2)."""
        return self._read("idcard")

    @runs_on("idcard")
    def read_social_security_card(self) -> CardRead:
        return self._read("sscard")

    @runs_on("idcard")
    def read_arrival(self, kind: str = "idcard") -> CardArrival:
        """An explicit read (F2, 读社保卡) with the holder's photo decoded, as the window shows it."""
        card = self._read(kind)
        return CardArrival(kind, card, photo=self.photo(card) if kind == "idcard" else None)

    def _read(self, kind: str) -> CardRead:
        watch = self.watches.get(kind)
        if watch is None:
            raise DeviceError(_("{device}未配置，请在设置中选择驱动").format(device=_(LABELS[kind])))
        return watch.read_now()

    def photo(self, card: CardRead) -> bytes | None:
        """The holder's photo as an image file, or None: the UI then says 照片不可用."""
        return photo_of(card, self.photo_decoder)

    @property
    def photo_unavailable(self) -> str:
        return _(PHOTO_UNAVAILABLE)

    # --- camera and printer --------------------------------------------------------------------

    @runs_on("camera")
    def capture_page(self, options: PageOptions | None = None) -> ProcessedPage:
        """One still from the document camera through the page pipeline (blocking: use the camera worker)."""
        def capture(camera):
            camera.open()
            return camera.capture_still()

        still = self._operate("camera", self.camera, _("正在拍摄…"), capture)
        return process_still(still, options or PageOptions(quality=self.jpeg_quality))

    @runs_on("camera")
    def read_codes(self) -> list[str]:
        """The QR codes and barcodes under the document camera (a notice shown by a returning citizen)."""
        page = self.capture_page(PageOptions(quality=self.jpeg_quality, find_barcodes=True))
        return [b.text for b in page.barcodes]

    @runs_on("printer")
    def print_job(self, job: PrintJob, receipt: bool = False) -> PrintResult:
        """Print on the receipt printer or the A4 printer (blocking: use the printer worker)."""
        kind, device = self._printer(receipt)
        return self._operate(kind, device, _("正在打印…"), lambda printer: printer.print_pdf(job))

    def _printer(self, receipt: bool):
        if receipt and self.receipt_printer is not self.printer:
            return "receipt_printer", self.receipt_printer
        return "printer", self.printer

    def printer_name(self, receipt: bool = False) -> str:
        return getattr(self._printer(receipt)[1], "name", "")

    @runs_on("cpu")
    def printer_choices(self, receipt: bool = False) -> list[str]:
        """The printers the clerk can choose for this kind of paper (empty when there is no choice)."""
        choices = getattr(self._printer(receipt)[1], "choices", None)
        try:
            return choices() if choices else []
        except DeviceError as e:
            log.warning("printers could not be listed: %s", e)
            return []

    def select_printer(self, name: str, receipt: bool = False) -> None:
        kind, device = self._printer(receipt)
        device.select(name)
        self._set(kind, "ok", name)

    def camera_choices(self) -> list[str]:
        """The cameras the clerk can choose between (empty when there is nothing to choose)."""
        choices = getattr(self.camera, "choices", None)
        try:
            return choices() if choices else []
        except DeviceError as e:
            log.warning("cameras could not be listed: %s", e)
            return []

    def select_camera(self, name: str) -> None:
        """Use another camera from the next time the camera is opened."""
        self.camera.select(name)
        self._set("camera", "ok", name)

    def close(self) -> None:
        self.stop_watching()
        close = getattr(self.camera, "close", None)
        if close is not None:
            try:
                close()
            except DeviceError as e:
                log.warning("camera did not close cleanly: %s", e)

    # --- training: what lies on the simulated devices ----------------------------------------

    def simulated_cards(self) -> list[str]:
        """Names on the simulated reader's roster (empty with a real reader)."""
        roster = getattr(self.idcard, "roster", None)
        return [_("{name}（{note}）").format(name=p['name'], note=p.get('note', '')) for p in roster] if roster else []

    def present_simulated_card(self, index: int) -> None:
        self.idcard.present(index)

    def present_simulated_person(self, person: dict) -> None:
        """Lay a card of anybody on the simulated reader (roster keys; training scenarios' inline citizens)."""
        present = getattr(self.idcard, "present_card", None)
        if present is None:
            raise DeviceError(_("只有模拟身份证阅读器可以放置脚本中的证件"))
        present(person)

    def lift_simulated_card(self) -> None:
        lift = getattr(self.idcard, "lift", None)
        if lift:
            lift()

    def present_simulated_social_security_card(self, index: int) -> None:
        self.sscard.present(index)

    def present_simulated_social_security_person(self, person: dict) -> None:
        """Insert the social security card of anybody into the simulated reader (training scenarios)."""
        present = getattr(self.sscard, "present_card", None)
        if present is None:
            raise DeviceError(_("只有模拟社保卡读卡器可以放置脚本中的社保卡"))
        present(person)

    def lift_simulated_social_security_card(self) -> None:
        lift = getattr(self.sscard, "lift", None)
        if lift:
            lift()

    def place_simulated_document(self, title: str, *, settled: bool = False, overhang: float = 0.0) -> None:
        """Lay a sample document under the simulated camera (`settled`: already lying still; `overhang`: that
        share of it beyond the frame's edge)."""
        place = getattr(self.camera, "place", None)
        if place:   # with the verification QR an electronic certificate carries
            place(SampleDocument(title, qr=f"https://zzfw.example.gov.cn/v/{zlib.crc32(title.encode()):08x}"),
                  settled=settled, overhang=overhang)

    def place_simulated_sample(self, document: SampleDocument) -> None:
        """Lay a given paper under the simulated camera, already lying still (a training citizen's document)."""
        place = getattr(self.camera, "place", None)
        if place is None:
            raise DeviceError(_("只有模拟高拍仪可以放置情景中的材料"))
        place(document, settled=True)

    def place_simulated_notice(self, title: str, case_number: str) -> None:
        """Lay a printed notice or receipt with its case-number QR code under the simulated camera."""
        place = getattr(self.camera, "place", None)
        if place:
            place(SampleDocument(title, qr=case_number), settled=True)

    def place_simulated_id_card(self, side: str) -> None:
        """Lay the front or back of a sample ID card under the simulated camera."""
        place = getattr(self.camera, "place", None)
        if place:
            front, back = id_card_sides("张三", "男", "汉", "1990年1月1日", "浙江省杭州市西湖区文三路100号",  # i18n: data
                                        "330106199001011234")
            place(front if side == "front" else back)

    def remove_simulated_document(self) -> None:
        remove = getattr(self.camera, "remove", None)
        if remove:
            remove()


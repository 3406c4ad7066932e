"""A capture session at the document camera: live preview, auto-capture, pages into the material.

The camera delivers preview frames on its own thread; each is searched for a page and fed to
AutoCapture there, so the GUI thread only ever receives a finished small frame to paint. A still
is taken on the camera's worker, processed on the CPU pool and stored on the database worker;
listeners hear about every step (from worker threads — the UI re-emits them as Qt signals).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np

from app.devices.errors import DeviceError, DeviceUnavailable
from app.domain.accounts import Clerk
from app.i18n import _
from app.imaging.barcodes import Barcode, barcodes_in_jpeg
from app.imaging.detect import Detection, find_outline
from app.imaging.encode import decode_image, encode_jpeg
from app.imaging.enhance import ColourMode
from app.imaging.motion import AutoCapture, CaptureState
from app.imaging.pipeline import PageOptions, ProcessedPage, process_still
from app.services.errors import clerk_message
from app.services.intake import Application
from app.services.materials import MaterialPagesService
from app.services.workers import Workers, runs_on

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 1.0
STILL_QUALITY = 92           # the kept still: enough to re-cut the page from it


@dataclass(frozen=True)
class Preview:
    """What the capture view paints: a small frame, the page outline in it, and the auto-capture state."""

    frame: np.ndarray = field(repr=False)
    outline: list[list[float]] | None
    state: CaptureState
    progress: float


@dataclass(frozen=True)
class CapturedPage:
    code: str
    pages: list[str]              # the material's page hashes after this capture
    page: ProcessedPage
    side: str = ""                # "front" / "back" while an ID-card copy is being made


@dataclass
class CaptureListeners:
    on_preview: Callable[[Preview], None] = lambda p: None
    on_page: Callable[[CapturedPage], None] = lambda p: None
    on_error: Callable[[str], None] = lambda m: None
    on_status: Callable[[str, bool], None] = lambda text, connected: None   # camera status
    on_barcodes: Callable[[str, tuple[Barcode, ...]], None] = lambda code, barcodes: None   # after on_page


class CaptureSession:
    """One material (or an ID-card copy) being captured; started and stopped by the capture view."""

    def __init__(self, camera, pages: MaterialPagesService, workers: Workers, clerk: Clerk,
                 options: PageOptions, auto: AutoCapture, listeners: CaptureListeners, clock=time.monotonic):
        self.camera, self.pages, self.workers, self.clerk = camera, pages, workers, clerk
        self.options, self.auto, self.listeners, self.clock = options, auto, listeners, clock
        self.app: Application | None = None
        self.code: str | None = None
        self.id_copy = False
        self._front: bytes | None = None
        self._replace_index: int | None = None
        self._last_outline: Detection | None = None
        self._busy = threading.Lock()        # one still at a time
        self._running = False
        self._connected = False
        self._reconnect: threading.Timer | None = None
        self._last_still: np.ndarray | bytes | None = None   # the last still (soon as JPEG), for corner adjustment
        self.last_corners: list[list[float]] | None = None
        self.last_preview_size: tuple[int, int] | None = None

    # --- target ---------------------------------------------------------------------------------

    def target(self, app: Application, code: str) -> None:
        """Capture for this material from now on; what already lies under the camera (the previous
        citizen's paper) is not taken until the view changes."""
        self.app, self.code = app, code
        self.auto.rearm(wait_for_change=True)

    def start_id_copy(self) -> None:
        """The next two captures are the card's front and back; they become one A4 page."""
        self.id_copy, self._front = True, None
        self.auto.rearm()

    def cancel_id_copy(self) -> None:
        self.id_copy, self._front = False, None

    def recapture(self, index: int) -> None:
        """The next capture replaces page `index` instead of adding a page."""
        self._replace_index = index
        self.auto.rearm()

    def set_mode(self, mode: str) -> None:
        """Colour mode of the next pages: colour / grey / bw / original."""
        self.options = replace(self.options, mode=ColourMode(mode))

    @property
    def id_copy_side(self) -> str:
        return "" if not self.id_copy else ("back" if self._front else "front")

    # --- camera ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._running = True
        self._connect()

    def stop(self) -> None:
        self._running = False
        self._connected = False
        if self._reconnect is not None:
            self._reconnect.cancel()
        try:
            self.camera.stop_preview()
        except Exception:
            log.exception("camera preview did not stop cleanly")

    def _connect(self) -> None:
        if not self._running:
            return
        try:
            self.camera.open()
            self.camera.start_preview(self._on_frame, self._on_lost)
        except DeviceError as e:
            self._set_connected(False, str(e))
            self._schedule_reconnect()
            return
        self._set_connected(True, _("已连接"))

    def _schedule_reconnect(self) -> None:
        if self._running:
            self._reconnect = threading.Timer(RECONNECT_SECONDS, self._connect)
            self._reconnect.daemon = True
            self._reconnect.start()

    def _on_lost(self, error: Exception) -> None:
        log.warning("camera lost: %s", error)
        self._set_connected(False, str(error) if isinstance(error, DeviceError) else _("高拍仪已断开"))
        self._schedule_reconnect()

    def _set_connected(self, connected: bool, text: str) -> None:
        if connected != self._connected or not connected:
            self._connected = connected
            self.listeners.on_status(text, connected)

    # --- frames (camera thread) -----------------------------------------------------------------

    def _on_frame(self, frame: np.ndarray) -> None:
        if not self._connected:                  # frames are flowing again (a still failed, the preview did not)
            self._set_connected(True, _("已连接"))
        outline = find_outline(frame, min_area_fraction=0.02 if self.id_copy else self.options.min_area_fraction)
        self._last_outline = outline
        self.last_preview_size = (frame.shape[1], frame.shape[0])
        whole = outline is not None and not outline.off_frame
        state = self.auto.feed(frame, whole and self.code is not None, self.clock())
        if state is CaptureState.NO_PAGE and outline is not None and outline.off_frame:
            state = CaptureState.OFF_FRAME
        self.listeners.on_preview(Preview(frame, outline.as_list() if outline else None, state, self.auto.progress))
        if state is CaptureState.CAPTURE:
            self.capture(outline)

    # --- capturing ------------------------------------------------------------------------------

    def capture(self, outline: Detection | None = None) -> bool:
        """Take a still now (auto-capture, F3 or the button); False when one is already under way."""
        if self.app is None or self.code is None:
            self.listeners.on_error(_("请先在材料清单中选中要拍摄的材料。"))
            return False
        if not self._busy.acquire(blocking=False):
            return False
        app, code = self.app, self.code
        outline = outline if outline is not None else self._last_outline
        try:
            self.workers.camera.submit(self._take, app, code, outline).add_done_callback(self._report)
        except RuntimeError:                 # workers shut down: the window is closing
            self._busy.release()
            return False
        return True

    def _take(self, app: Application, code: str, outline: Detection | None) -> CapturedPage | None:
        try:
            still = self.camera.capture_still()
            if outline is not None and self.last_preview_size:
                outline = outline.scaled(still.shape[1] / self.last_preview_size[0])
            options = replace(self.options, find_barcodes=False)     # read once the page is stored
            if self.id_copy:
                options = PageOptions(mode=options.mode, quality=options.quality, require_page=True,
                                      require_whole=True, find_barcodes=False, min_area_fraction=0.02)
            page = self.workers.cpu.submit(process_still, still, options, outline).result()
            self.last_corners = page.corners
            self._last_still = still
            self.workers.cpu.submit(self._keep_still, still)
            return self._store(app, code, page)
        finally:
            self._busy.release()

    def _read_barcodes(self, code: str, jpeg: bytes) -> None:
        try:
            found = tuple(barcodes_in_jpeg(jpeg))
        except Exception:                         # a page is never lost over its barcodes
            log.exception("barcode search failed")
            return
        self.listeners.on_barcodes(code, found)

    def _keep_still(self, still: np.ndarray) -> None:
        """Keep the last still compressed (a 5 MP frame is 15 MB as pixels, about 1.5 MB as JPEG)."""
        jpeg = encode_jpeg(still, STILL_QUALITY)
        if self._last_still is still:            # not replaced by a newer still meanwhile
            self._last_still = jpeg

    @runs_on("cpu")
    def last_still(self) -> np.ndarray | None:
        """The last still as pixels (decoding takes a moment: call from a worker)."""
        data = self._last_still
        return decode_image(data) if isinstance(data, bytes) else data

    def _store(self, app: Application, code: str, page: ProcessedPage) -> CapturedPage | None:
        if self.id_copy:
            if self._front is None:
                self._front = page.jpeg
                return CapturedPage(code, app.attachments_of(code), page, side="front")
            hashes = self.pages.add_id_copy(app, code, self._front, page.jpeg, self.clerk)
            self.id_copy, self._front = False, None
            return CapturedPage(code, hashes, page, side="back")
        if self._replace_index is not None:
            index, self._replace_index = self._replace_index, None
            return CapturedPage(code, self.pages.replace(app, code, index, page.jpeg, self.clerk), page)
        return CapturedPage(code, self.pages.add(app, code, [page.jpeg], self.clerk), page)

    def _report(self, future) -> None:
        error = future.exception()
        if error is not None:
            if isinstance(error, DeviceUnavailable):
                self._set_connected(False, str(error))
            self.listeners.on_error(clerk_message(error))
            self.auto.rearm()
            return
        result = future.result()
        if result is not None:
            self.listeners.on_page(result)
            if not result.side and self.options.find_barcodes:
                try:
                    self.workers.cpu.submit(self._read_barcodes, result.code, result.page.jpeg)
                except RuntimeError:              # workers shut down: the window is closing
                    pass

    @runs_on("cpu")
    def redo_with_corners(self, corners: list[list[float]], index: int) -> CapturedPage:
        """Reprocess the last still with corners the clerk placed, replacing page `index` (blocking)."""
        still = self.last_still()
        if still is None or self.app is None or self.code is None:
            raise DeviceUnavailable(_("没有可调整的拍摄画面"))
        options = PageOptions(mode=self.options.mode, quality=self.options.quality,
                              corners=tuple(map(tuple, corners)), find_barcodes=self.options.find_barcodes)
        page = process_still(still, options)
        return CapturedPage(self.code, self.pages.replace(self.app, self.code, index, page.jpeg, self.clerk), page)

    @runs_on("cpu")
    def import_file(self, data: bytes) -> CapturedPage:
        """A page from an image file (a citizen's phone photo, a scanner's output), through the same pipeline."""
        from app.imaging.pipeline import process_image_file

        if self.app is None or self.code is None:
            raise DeviceUnavailable(_("请先在材料清单中选中要拍摄的材料。"))
        page = process_image_file(data, self.options)
        return CapturedPage(self.code, self.pages.add(self.app, self.code, [page.jpeg], self.clerk), page)

    @runs_on("cpu")
    def import_path(self, path: Path) -> CapturedPage:
        """A page from an image file on disk (see `import_file`)."""
        return self.import_file(Path(path).read_bytes())

    @runs_on("cpu")
    def verify(self, on: date) -> list[str]:
        return self.pages.verify_against_original(self.app, self.code, self.clerk, on)


"""A simulated document camera: documents laid on a desk by a hand, seen live and as stills.

It runs on a timeline: `place()` slides a document in under a hand, the hand leaves, the view
settles; `remove()` takes it away. Preview frames are rendered on the camera's own thread at the
preview size, stills at the full still size, from the same scene — so the page pipeline and
auto-capture see what they would see from a real camera.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import numpy as np

from app.devices.camera.base import ErrorSink, FrameSink
from app.devices.camera.sample_documents import SampleDocument
from app.devices.camera.scene import Scene, random_scene, render
from app.devices.errors import DeviceUnavailable
from app.i18n import N_, _
from app.threads import lower_priority

log = logging.getLogger(__name__)

UNPLUGGED = N_("高拍仪已断开，请检查 USB 连接")


class SimulatedCamera:
    def __init__(self, still_size: tuple[int, int] = (2592, 1944), preview_size: tuple[int, int] = (648, 486),
                 *, fps: float = 12.0, seed: int | None = None, font_path: str | None = None,
                 lay_seconds: float = 0.5, leave_seconds: float = 0.4, clock=time.monotonic):
        self.name = _("模拟高拍仪")
        self.still_size, self.preview_size = still_size, preview_size
        self.fps = fps
        self.font_path = font_path
        self.lay_seconds, self.leave_seconds = lay_seconds, leave_seconds
        self.clock = clock
        self.rng = np.random.default_rng(seed)
        self._lock = threading.Lock()
        self._scene = Scene(None, background=int(self.rng.integers(4)))
        self._placed_at: float | None = None
        self._leaving: tuple[Scene, float] | None = None
        self._open = False
        self._plugged = True
        self._preview: threading.Thread | None = None
        self._stop = threading.Event()

    # --- what lies under the camera (training panel, tests) -------------------------------------

    def place(self, document: SampleDocument | str, *, settled: bool = False, overhang: float = 0.0) -> None:
        """Lay a document down: a hand brings it in, then leaves (`settled`: it is already lying still;
        `overhang`: that share of it lies beyond the frame's bottom edge)."""
        if isinstance(document, str):
            document = SampleDocument(document)
        with self._lock:
            scene = random_scene(self.rng, document, strong=False)
            if overhang:
                scene = scene.overhanging(overhang)
            self._scene = replace(scene, background=self._scene.background, texture_seed=self._scene.texture_seed)
            self._placed_at = self.clock() - (self.lay_seconds + self.leave_seconds if settled else 0.0)
            self._leaving = None

    def remove(self) -> None:
        """Take the document away (a hand takes it off the desk)."""
        with self._lock:
            if self._scene.document is not None:
                self._leaving = (self._scene, self.clock())
            self._scene = replace(self._scene, document=None, corners=())
            self._placed_at = None

    def unplug(self) -> None:
        self._plugged = False

    def replug(self) -> None:
        self._plugged = True

    def scene_now(self) -> Scene:
        """The scene at this moment of the timeline."""
        now = self.clock()
        with self._lock:
            scene, placed, leaving = self._scene, self._placed_at, self._leaving
        if leaving is not None:
            old, since = leaving
            t = (now - since) / max(1e-6, self.lay_seconds)
            if t < 1:
                return _sliding(old, 1 - t, hand=1.0)
            return scene
        if placed is None or scene.document is None:
            return scene
        t = now - placed
        if t < self.lay_seconds:                              # sliding in under the hand
            return _sliding(scene, t / self.lay_seconds, hand=1.0)
        t -= self.lay_seconds
        if t < self.leave_seconds:                            # the hand withdraws
            return scene.with_hand(1.0 - t / self.leave_seconds)
        return scene

    # --- DocumentCamera -------------------------------------------------------------------------

    def open(self) -> None:
        if not self._plugged:
            raise DeviceUnavailable(_(UNPLUGGED))
        self._open = True

    def close(self) -> None:
        self.stop_preview()
        self._open = False

    def start_preview(self, on_frame: FrameSink, on_error: ErrorSink) -> None:
        self.stop_preview()
        self._stop = threading.Event()
        stop = self._stop

        def run() -> None:
            interval = 1.0 / self.fps
            lower_priority()
            while not stop.is_set():
                started = time.monotonic()
                if not self._plugged:
                    on_error(DeviceUnavailable(_(UNPLUGGED)))
                    return
                try:
                    on_frame(render(self.scene_now(), self.preview_size, self.font_path))
                except Exception:                              # a consumer's bug must not kill the camera
                    log.exception("preview frame consumer failed")
                stop.wait(max(0.0, interval - (time.monotonic() - started)))

        self._preview = threading.Thread(target=run, name="camera-preview", daemon=True)
        self._preview.start()

    def stop_preview(self) -> None:
        self._stop.set()
        if self._preview is not None and self._preview is not threading.current_thread():
            self._preview.join(timeout=2)
        self._preview = None

    def capture_still(self) -> np.ndarray:
        if not self._plugged:
            raise DeviceUnavailable(_(UNPLUGGED))
        if not self._open:
            raise DeviceUnavailable(_("高拍仪未打开"))
        return render(self.scene_now(), self.still_size, self.font_path)


def _sliding(scene: Scene, progress: float, hand: float) -> Scene:
    """The scene with its document `progress` of the way in from the hand's side."""
    offsets = {0: (0.0, 1.0), 1: (1.0, 0.0), 2: (0.0, -1.0), 3: (-1.0, 0.0)}
    dx, dy = offsets[scene.hand_side]
    shift = (1 - progress) * 0.8
    corners = tuple((x + dx * shift, y + dy * shift) for x, y in scene.corners)
    return replace(scene, corners=corners, hand=hand)

"""The document camera through QtMultimedia: every 高拍仪 is a UVC camera to the operating system.

The Qt objects (QCamera, QMediaCaptureSession, QVideoSink) live on the Qt main thread; the
methods of the DocumentCamera Protocol may be called from any thread and hand their work to it.
Frames arrive on the multimedia backend's thread, where only a reference is kept; the preview
thread converts the newest one (cheaply, downscaled) and drops the rest, and a still is the next
whole frame after the request, converted on the caller's worker. The GUI thread never touches
pixels.

The camera streams the largest MJPEG size it offers (formats.choose_format), so stills are full
resolution without a mode switch. A camera that disappears (unplugged, error, or no frame for
STALLED_SECONDS) is reported once; the next open() finds it again when it is back.

A video file can stand in for the camera (VideoFileSource): trainers replay a recorded desk, and
the tests drive this driver with real decoded frames.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QUrl, Signal, Slot
from PySide6.QtMultimedia import (
    QCamera,
    QMediaCaptureSession,
    QMediaDevices,
    QMediaPlayer,
    QVideoFrame,
    QVideoSink,
)

from app.devices.camera.base import ErrorSink, FrameSink
from app.devices.camera.formats import StreamFormat, choose_format
from app.devices.camera.frames import frame_to_bgr, preview_bgr
from app.devices.camera.qt_devices import CameraInfo, list_cameras, pick_camera, stream_format
from app.devices.errors import CaptureError, DeviceUnavailable
from app.i18n import N_, _
from app.threads import lower_priority

log = logging.getLogger(__name__)

STALLED_SECONDS = 5.0          # no frame for this long while streaming: the camera is gone or hung
STILL_TIMEOUT_SECONDS = 3.0
CALL_TIMEOUT_SECONDS = 5.0
NO_PICTURE = N_("高拍仪没有画面，正在重新连接…")
UNPLUGGED = N_("高拍仪已断开，请检查 USB 连接")


AV_LOG_FATAL = 8


def quiet_ffmpeg() -> None:
    """Limit the FFmpeg libraries Qt's multimedia backend loaded to fatal messages (they write straight
    to stderr). Call after the backend is loaded, i.e. after the first camera or player exists."""
    import ctypes
    import sys

    if sys.platform == "win32":
        candidates = [f"avutil-{major}.dll" for major in range(58, 63)]
    else:
        try:
            maps = Path("/proc/self/maps").read_text()
        except OSError:
            return
        candidates = sorted({line.split()[-1] for line in maps.splitlines() if "/libavutil.so" in line})
    for name in candidates:
        try:
            ctypes.CDLL(name).av_log_set_level(AV_LOG_FATAL)
            return
        except (OSError, AttributeError):
            continue


class _MainThread(QObject):
    """Runs callables on the Qt main thread and waits for their result."""

    request = Signal(object)

    def __init__(self):
        app = QCoreApplication.instance()
        if app is None:
            raise DeviceUnavailable(_("高拍仪需要在程序界面中使用"))
        super().__init__()
        self.moveToThread(app.thread())
        self._thread = app.thread()
        self.request.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, job: Callable[[], None]) -> None:
        job()

    def call(self, fn: Callable[[], object]):
        if QThread.currentThread() is self._thread:
            return fn()
        future: Future = Future()

        def job() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except BaseException as e:          # handed to the waiting thread
                    future.set_exception(e)

        self.request.emit(job)
        try:
            return future.result(CALL_TIMEOUT_SECONDS)
        except FutureTimeout:
            future.cancel()
            raise DeviceUnavailable(_("高拍仪无响应，请稍后重试")) from None


class _FrameReceiver(QObject):
    """Receives the sink's frames on its own thread through a queued connection, so the backend's
    thread never waits for Python (it would deadlock against a main thread stopping the camera)."""

    def __init__(self, take: Callable[[QVideoFrame], None]):
        super().__init__()
        self._take = take

    @Slot(QVideoFrame)
    def frame(self, frame: QVideoFrame) -> None:
        self._take(frame)


class CameraSource:
    """A physical camera streaming its chosen format into a sink (main thread only)."""

    def __init__(self, info: CameraInfo, on_lost: Callable[[DeviceUnavailable], None]):
        device = next((d for d in QMediaDevices.videoInputs() if bytes(d.id()).hex() == info.id), None)
        if device is None:
            raise DeviceUnavailable(_(UNPLUGGED))
        self.info = info
        self.camera = QCamera(device)
        self.format = choose_format(info.formats)
        if self.format is not None:
            qt_format = next((f for f in device.videoFormats() if _matches(f, self.format)), None)
            if qt_format is not None:
                self.camera.setCameraFormat(qt_format)
        self.session = QMediaCaptureSession()
        self.session.setCamera(self.camera)
        self.camera.errorOccurred.connect(
            lambda error, text: on_lost(DeviceUnavailable(_("高拍仪出错：{text}").format(text=text or error))))

    def start(self, sink: QVideoSink) -> None:
        self.session.setVideoSink(sink)
        self.camera.start()

    def stop(self) -> None:
        self.camera.stop()
        self.session.setVideoSink(None)


class VideoFileSource:
    """A recorded video (MJPEG .avi) looping in place of a camera (main thread only)."""

    def __init__(self, path: Path, on_lost: Callable[[DeviceUnavailable], None]):
        if not path.is_file():
            raise DeviceUnavailable(_("找不到回放录像 {name}").format(name=path.name))
        self.format = None
        self.player = QMediaPlayer()
        self.player.setLoops(QMediaPlayer.Loops.Infinite)
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        self.player.errorOccurred.connect(
            lambda error, text: on_lost(DeviceUnavailable(_("回放录像无法播放：{text}").format(text=text or error))))

    def start(self, sink: QVideoSink) -> None:
        self.player.setVideoSink(sink)
        self.player.play()

    def pause(self) -> None:
        """Stop delivering frames, as a hung camera does."""
        self.player.pause()

    def stop(self) -> None:
        self.player.stop()
        self.player.setVideoSink(None)


def _matches(qt_format, wanted: StreamFormat) -> bool:
    offered = stream_format(qt_format)
    return (offered.pixel_format, offered.width, offered.height) == (wanted.pixel_format, wanted.width, wanted.height)


class QtCamera:
    """A DocumentCamera on QtMultimedia. `wanted` is the remembered camera's name (empty: the default)."""

    def __init__(self, wanted: str = "", *, video_file: Path | None = None, preview_side: int = 648):
        self.wanted = wanted
        self.video_file = video_file
        self.preview_side = preview_side
        self.name = video_file.name if video_file else (wanted or _("高拍仪"))
        self.still_size: tuple[int, int] = (0, 0)
        self.preview_size: tuple[int, int] = (0, 0)
        self._main = _MainThread()
        self._receiver_thread: QThread | None = None
        self._receiver: _FrameReceiver | None = None
        self._source: CameraSource | VideoFileSource | None = None
        self._sink: QVideoSink | None = None
        self._devices: QMediaDevices | None = None
        self._frames = threading.Condition()
        self._latest: QVideoFrame | None = None
        self._sequence = 0
        self._last_frame_at = 0.0
        self._lost: DeviceUnavailable | None = None
        self._preview: threading.Thread | None = None
        self._stop = threading.Event()

    # --- DocumentCamera -------------------------------------------------------------------------

    def open(self) -> None:
        self._main.call(self._open_here)

    def close(self) -> None:
        self.stop_preview()
        self._main.call(self._close_here)
        if self._receiver_thread is not None:
            self._receiver_thread.quit()
            self._receiver_thread.wait(2000)
            self._receiver_thread = self._receiver = None

    def start_preview(self, on_frame: FrameSink, on_error: ErrorSink) -> None:
        self.stop_preview()
        self._stop = threading.Event()
        with self._frames:
            self._last_frame_at = time.monotonic()
        self._preview = threading.Thread(target=self._run_preview, args=(self._stop, on_frame, on_error),
                                         name="camera-preview", daemon=True)
        self._preview.start()

    def stop_preview(self) -> None:
        self._stop.set()
        with self._frames:
            self._frames.notify_all()
        if self._preview is not None and self._preview is not threading.current_thread():
            self._preview.join(timeout=2)
        self._preview = None

    def capture_still(self) -> np.ndarray:
        """The next whole frame after this call."""
        deadline = time.monotonic() + STILL_TIMEOUT_SECONDS
        with self._frames:
            if self._source is None:
                raise DeviceUnavailable(str(self._lost) if self._lost else _("高拍仪未打开"))
            wanted = self._sequence + 1
            while self._sequence < wanted:
                if self._lost is not None:
                    raise DeviceUnavailable(str(self._lost))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CaptureError(_("高拍仪没有送出画面，请重试"))
                self._frames.wait(remaining)
            frame = self._latest
        return frame_to_bgr(frame)

    # --- choosing a camera ----------------------------------------------------------------------

    def choices(self) -> list[str]:
        """The names of the cameras connected now (none when a video stands in for the camera)."""
        if self.video_file is not None:
            return []
        return self._main.call(lambda: [camera.name for camera in list_cameras()])

    def select(self, wanted: str) -> None:
        """Use another camera from the next open()."""
        self.stop_preview()
        self._main.call(self._close_here)
        self.wanted = self.name = wanted

    @property
    def source(self) -> CameraSource | VideoFileSource | None:
        return self._source

    # --- main thread ----------------------------------------------------------------------------

    def _open_here(self) -> None:
        if self._source is not None and self._lost is None:
            return
        self._close_here()
        if self.video_file is not None:
            source = VideoFileSource(self.video_file, self._report_lost)
        else:
            info = pick_camera(list_cameras(), self.wanted)
            source = CameraSource(info, self._report_lost)
            self.name = info.name
            if self._devices is None:
                self._devices = QMediaDevices()
                self._devices.videoInputsChanged.connect(self._inputs_changed)
        quiet_ffmpeg()
        if source.format is not None:
            self.still_size = (source.format.width, source.format.height)
        if self._receiver_thread is None:
            self._receiver_thread = QThread()
            self._receiver_thread.setObjectName("camera-frames")
            self._receiver = _FrameReceiver(self._on_frame)
            self._receiver.moveToThread(self._receiver_thread)
            self._receiver_thread.start()
        sink = QVideoSink()
        sink.videoFrameChanged.connect(self._receiver.frame, Qt.ConnectionType.QueuedConnection)
        with self._frames:
            self._lost = None
            self._source, self._sink = source, sink
            self._last_frame_at = time.monotonic()
        source.start(sink)
        log.info("camera opened: %s", self.name)

    def _close_here(self) -> None:
        source, sink = self._source, self._sink
        with self._frames:
            self._source = self._sink = None
            self._latest = None
            self._frames.notify_all()
        if source is not None:
            source.stop()
        if sink is not None and self._receiver is not None:
            sink.videoFrameChanged.disconnect(self._receiver.frame)

    def _inputs_changed(self) -> None:
        source = self._source
        if isinstance(source, CameraSource):
            present = {bytes(d.id()).hex() for d in QMediaDevices.videoInputs()}
            if source.info.id not in present:
                self._report_lost(DeviceUnavailable(_(UNPLUGGED)))

    def _report_lost(self, error: DeviceUnavailable) -> None:
        log.warning("camera lost: %s", error)
        with self._frames:
            if self._lost is None:
                self._lost = error
            self._frames.notify_all()

    # --- any thread -----------------------------------------------------------------------------

    def _on_frame(self, frame: QVideoFrame) -> None:
        """The receiver's thread: keep a reference to the newest frame, nothing more."""
        if not frame.isValid():
            return
        with self._frames:
            self._latest = QVideoFrame(frame)
            self._sequence += 1
            self._last_frame_at = time.monotonic()
            self._frames.notify_all()
        if self.still_size == (0, 0):
            self.still_size = (frame.width(), frame.height())

    def _run_preview(self, stop: threading.Event, on_frame: FrameSink, on_error: ErrorSink) -> None:
        seen = 0
        lower_priority()
        while not stop.is_set():
            with self._frames:
                while self._sequence == seen and self._lost is None and not stop.is_set():
                    if time.monotonic() - self._last_frame_at > STALLED_SECONDS:
                        self._lost = DeviceUnavailable(_(NO_PICTURE))
                        break
                    self._frames.wait(0.25)
                if stop.is_set():
                    return
                lost, frame, seen = self._lost, self._latest, self._sequence
            if lost is not None:
                self._main.request.emit(self._close_here)
                on_error(lost)
                return
            if frame is None:
                continue
            try:
                small = preview_bgr(frame, self.preview_side)
                self.preview_size = (small.shape[1], small.shape[0])
                on_frame(small)
            except Exception:                              # a consumer's bug must not kill the camera
                log.exception("preview frame consumer failed")

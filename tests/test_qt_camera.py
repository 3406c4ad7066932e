"""The QtMultimedia camera driver on real decoded frames: a recorded desk replayed through QMediaPlayer.

Offscreen there is no camera device, so a recorded MJPEG video stands in for the camera's stream;
everything after the video sink — frame hand-over, preview conversion, stills, stall detection and
reconnection, the capture view's auto-capture — is the code that runs with a USB 高拍仪.
"""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest
from conftest import FAST_HASHER, FONT
from gui_support import click, settle

from app.config.paths import Profile, resources_dir
from app.config.settings import Settings
from app.devices.camera import qt_camera
from app.devices.camera.desk_video import write_desk_video
from app.devices.camera.formats import StreamFormat
from app.devices.camera.qt_camera import QtCamera
from app.devices.camera.qt_devices import CameraInfo, pick_camera
from app.devices.errors import DeviceUnavailable
from app.devices.idcard.simulator import SimulatedIdCardReader, load_roster
from app.devices.printer.simulator import SimulatedPrinter
from app.imaging.encode import decode_image

pytestmark = pytest.mark.gui

SIZE = (1600, 1200)


@pytest.fixture(scope="module")
def desk_video(tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "desk.avi"
    write_desk_video(path, ["出生医学证明"], size=SIZE, fps=15, empty_seconds=0.8, still_seconds=2.5,
                     font_path=FONT, seed=3)
    return path


def decoded_frames(path):
    video = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = video.read()
        if not ok:
            return frames
        frames.append(frame)


class Collector:
    def __init__(self):
        self.frames: list[np.ndarray] = []
        self.errors: list[Exception] = []
        self.lock = threading.Lock()

    def frame(self, frame):
        with self.lock:
            self.frames.append(frame)

    def error(self, error):
        self.errors.append(error)


@pytest.fixture
def camera(qapp, desk_video):
    cam = QtCamera(video_file=desk_video, preview_side=400)
    yield cam
    cam.close()


def test_previews_are_small_and_stills_are_whole_frames_matching_the_recording(qtbot, camera, desk_video):
    seen = Collector()
    opener = threading.Thread(target=lambda: (camera.open(), camera.start_preview(seen.frame, seen.error)))
    opener.start()                                     # opened from a worker, as the reconnect timer does
    qtbot.waitUntil(lambda: not opener.is_alive(), timeout=5000)
    qtbot.waitUntil(lambda: len(seen.frames) >= 10, timeout=10000)
    assert seen.frames[0].shape == (300, 400, 3)       # 1600×1200 shrunk by 4
    assert camera.preview_size == (400, 300)

    stills = []
    worker = threading.Thread(target=lambda: stills.append(camera.capture_still()))
    worker.start()
    qtbot.waitUntil(lambda: not worker.is_alive(), timeout=5000)
    still = stills[0]
    assert still.shape == (1200, 1600, 3) and camera.still_size == SIZE

    # The still is one of the recorded frames, colours intact (full-range JPEG YUV handled right).
    recorded = decoded_frames(desk_video)
    errors = [np.abs(still.astype(np.int16) - f.astype(np.int16)).mean() for f in recorded]
    assert min(errors) < 2.5, min(errors)
    # The cheap preview conversion agrees with Qt's own conversion of the same frame.
    nearest = recorded[int(np.argmin(errors))]
    small = cv2.resize(nearest, (400, 300), interpolation=cv2.INTER_AREA)
    best = min(np.abs(p.astype(np.int16) - small.astype(np.int16)).mean() for p in seen.frames)
    assert best < 6, best
    assert seen.errors == []


def test_a_camera_that_stops_sending_is_reported_once_and_recovers_on_reopen(qtbot, camera, monkeypatch):
    monkeypatch.setattr(qt_camera, "STALLED_SECONDS", 0.8)
    seen = Collector()
    camera.open()
    camera.start_preview(seen.frame, seen.error)
    qtbot.waitUntil(lambda: len(seen.frames) >= 3, timeout=10000)
    camera.source.pause()                             # frames stop, as from a hung or unplugged camera
    qtbot.waitUntil(lambda: len(seen.errors) > 0, timeout=5000)
    qtbot.wait(500)
    assert len(seen.errors) == 1 and isinstance(seen.errors[0], DeviceUnavailable)
    assert "没有画面" in str(seen.errors[0])
    with pytest.raises(DeviceUnavailable):
        camera.capture_still()                        # nothing to take a still from

    again = Collector()
    camera.open()                                     # what the capture session's reconnect does
    camera.start_preview(again.frame, again.error)
    qtbot.waitUntil(lambda: len(again.frames) >= 3, timeout=10000)
    assert again.errors == []


def test_a_missing_video_file_is_a_clear_message(qapp, tmp_path):
    cam = QtCamera(video_file=tmp_path / "gone.avi")
    with pytest.raises(DeviceUnavailable, match="找不到回放录像"):
        cam.open()
    cam.close()


def test_the_remembered_camera_is_used_and_a_missing_one_is_named():
    fmt = [StreamFormat("MJPEG", 2592, 1944, 15)]
    cams = [CameraInfo("a1", "Integrated Webcam", True, fmt), CameraInfo("b2", "S1000 Document Camera", False, fmt)]
    assert pick_camera(cams, "").name == "Integrated Webcam"                   # nothing remembered: default
    assert pick_camera(cams, "S1000 Document Camera").id == "b2"
    assert pick_camera(cams, "b2").name == "S1000 Document Camera"
    with pytest.raises(DeviceUnavailable, match="良田"):
        pick_camera(cams, "良田 高拍仪")
    with pytest.raises(DeviceUnavailable, match="未找到高拍仪"):
        pick_camera([], "")


@pytest.fixture
def desk(qapp, home, clock, tmp_path, desk_video):
    """This module's desk: the Qt driver replaying the desk video (conftest's window and clerk use it)."""
    from app.main import build_desk

    settings = Settings(idcard_poll=False, capture_still_ms=300, capture_sound=False)
    d = build_desk(Profile.TRAINING, home, settings=settings, clock=clock, password_hasher=FAST_HASHER,
                   idcard=SimulatedIdCardReader(load_roster(resources_dir())),
                   camera=QtCamera(video_file=desk_video, preview_side=480), printer=SimulatedPrinter(tmp_path / "p"))
    yield d
    d.close()


def test_the_capture_view_on_the_qt_driver_captures_the_laid_page_once(qtbot, window, desk):
    from test_gui_capture import capture_first_scanned_material

    panel, app, code, view = capture_first_scanned_material(qtbot, window)
    assert not view.camera_box.isVisible()           # a replayed video offers no camera to choose
    qtbot.waitUntil(lambda: view.captures >= 1, timeout=15000)
    qtbot.wait(1000)                                 # the page lies still: not captured again
    assert view.captures == 1
    settle(qtbot, window)
    pages = app.attachments_of(code)
    assert len(pages) == 1
    page = decode_image(desk.store.attachments.get(pages[0]))
    assert page.shape[0] / page.shape[1] == pytest.approx(297 / 210, rel=0.01)     # the A4 page, flattened
    assert page.shape[0] > 600                      # from the whole frame, not the 480×360 preview
    click(qtbot, window, view.done_button)


def test_stills_do_not_wait_for_the_gui_thread(qtbot, camera):
    """A still is taken while the GUI thread is busy: frames reach the driver without it."""
    camera.open()
    result = []
    worker = threading.Thread(target=lambda: result.append(camera.capture_still()))
    qtbot.wait(300)                                   # the stream is running
    worker.start()
    busy_until = time.monotonic() + 1.0
    while time.monotonic() < busy_until and worker.is_alive():
        pass                                          # the GUI thread does not process events
    assert not worker.is_alive() and result[0].shape == (1200, 1600, 3)


def test_the_chosen_camera_is_remembered_for_the_next_start(qapp, home, clock, tmp_path):
    from app.main import build_desk

    d = build_desk(Profile.TRAINING, home, settings=Settings(idcard_poll=False, camera_driver="qt"), clock=clock,
                   password_hasher=FAST_HASHER, printer=SimulatedPrinter(tmp_path / "p"))
    try:
        assert isinstance(d.devices.camera, QtCamera)
        d.choose_camera("S1000 Document Camera")
        assert Settings.load(d.paths.settings).camera_name == "S1000 Document Camera"
        with pytest.raises(DeviceUnavailable):        # no camera offscreen: a clear message, no crash
            d.devices.camera.open()
    finally:
        d.close()


@pytest.mark.parametrize("layout", ["YUV420P", "YV12", "NV12", "NV21", "YUYV", "UYVY"])
def test_previews_from_each_camera_pixel_layout_show_the_picture(qapp, layout):
    """Frames laid out as cameras deliver them, built from a known picture, come back as that picture."""
    from PySide6.QtCore import QSize
    from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

    from app.devices.camera.frames import preview_bgr

    w, h = 640, 480
    yy, xx = np.mgrid[0:h, 0:w]
    picture = np.dstack([(xx * 255 // w), (yy * 255 // h), np.full((h, w), 90)]).astype(np.uint8)
    cv2.rectangle(picture, (200, 150), (440, 330), (30, 60, 220), -1)          # a red block
    ycrcb = cv2.cvtColor(picture, cv2.COLOR_BGR2YCrCb)                        # full range, as JPEG
    y, cr, cb = ycrcb[..., 0], ycrcb[..., 1], ycrcb[..., 2]
    half = [cv2.resize(c, (w // 2, h // 2), interpolation=cv2.INTER_AREA) for c in (cb, cr)]
    fmt = QVideoFrameFormat(QSize(w, h), getattr(QVideoFrameFormat.PixelFormat, f"Format_{layout}"))
    fmt.setColorRange(QVideoFrameFormat.ColorRange.ColorRange_Full)
    frame = QVideoFrame(fmt)
    assert frame.map(QVideoFrame.MapMode.WriteOnly)

    def fill(plane: int, rows: np.ndarray) -> None:
        stride = frame.bytesPerLine(plane)
        target = np.frombuffer(frame.bits(plane), np.uint8, count=stride * rows.shape[0]).reshape(-1, stride)
        target[:, :rows.shape[1]] = rows

    if layout in ("YUV420P", "YV12"):
        fill(0, y)
        first, second = (half[0], half[1]) if layout == "YUV420P" else (half[1], half[0])
        fill(1, first)
        fill(2, second)
    elif layout in ("NV12", "NV21"):
        fill(0, y)
        pair = (half[0], half[1]) if layout == "NV12" else (half[1], half[0])
        fill(1, np.dstack(pair).reshape(h // 2, w))
    else:
        cb2, cr2 = (cv2.resize(c, (w // 2, h), interpolation=cv2.INTER_AREA) for c in (cb, cr))
        y0, y1 = y[:, 0::2], y[:, 1::2]
        quads = (y0, cb2, y1, cr2) if layout == "YUYV" else (cb2, y0, cr2, y1)
        fill(0, np.dstack(quads).reshape(h, w * 2))
    frame.unmap()

    small = preview_bgr(frame, 160)
    assert small.shape == (120, 160, 3)
    expected = cv2.resize(picture, (160, 120), interpolation=cv2.INTER_AREA)
    assert np.abs(small.astype(int) - expected.astype(int)).mean() < 6

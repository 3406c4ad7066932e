"""The cameras QtMultimedia sees, with the stream formats they offer, and which one to use."""

from __future__ import annotations

from dataclasses import dataclass

from app.devices.camera.formats import StreamFormat
from app.devices.errors import DeviceUnavailable
from app.i18n import N_, _

NO_CAMERA = N_("未找到高拍仪，请检查 USB 连接和驱动")


@dataclass(frozen=True)
class CameraInfo:
    id: str
    name: str
    default: bool
    formats: list[StreamFormat]


def _pixel_format_name(value) -> str:
    name = getattr(value, "name", str(value)).removeprefix("Format_")
    return {"Jpeg": "MJPEG", "YUYV": "YUYV", "UYVY": "UYVY"}.get(name, name)


def stream_format(qt_format) -> StreamFormat:
    """A QCameraFormat as a StreamFormat."""
    size = qt_format.resolution()
    return StreamFormat(_pixel_format_name(qt_format.pixelFormat()), size.width(), size.height(),
                        qt_format.maxFrameRate())


def camera_info(device) -> CameraInfo:
    """A QCameraDevice as a CameraInfo."""
    return CameraInfo(bytes(device.id()).hex(), device.description(), device.isDefault(),
                      [stream_format(f) for f in device.videoFormats()])


def list_cameras() -> list[CameraInfo]:
    """Every video input, default first. Needs a Qt application object (a QCoreApplication is enough)."""
    from PySide6.QtMultimedia import QMediaDevices

    return sorted((camera_info(d) for d in QMediaDevices.videoInputs()), key=lambda c: not c.default)


def pick_camera(cameras: list[CameraInfo], wanted: str) -> CameraInfo:
    """The remembered camera (by name or id), or the default one when none is remembered."""
    if not cameras:
        raise DeviceUnavailable(_(NO_CAMERA))
    if wanted:
        for camera in cameras:
            if wanted in (camera.name, camera.id):
                return camera
        raise DeviceUnavailable(_("高拍仪“{wanted}”未连接，请检查 USB 连接，或在拍摄窗口中选择其他摄像头").format(wanted=wanted))
    return next((c for c in cameras if c.default), cameras[0])

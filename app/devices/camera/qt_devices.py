"""The cameras QtMultimedia sees, with the stream formats they offer."""

from __future__ import annotations

from dataclasses import dataclass

from app.devices.camera.formats import StreamFormat


@dataclass(frozen=True)
class CameraInfo:
    id: str
    name: str
    default: bool
    formats: list[StreamFormat]


def _pixel_format_name(value) -> str:
    name = getattr(value, "name", str(value)).removeprefix("Format_")
    return {"Jpeg": "MJPEG", "YUYV": "YUYV", "UYVY": "UYVY"}.get(name, name)


def list_cameras() -> list[CameraInfo]:
    """Every video input, default first. Needs a Qt application object (a QCoreApplication is enough)."""
    from PySide6.QtMultimedia import QMediaDevices

    default = QMediaDevices.defaultVideoInput()
    out = []
    for device in QMediaDevices.videoInputs():
        formats = [StreamFormat(_pixel_format_name(f.pixelFormat()), f.resolution().width(), f.resolution().height(),
                                f.maxFrameRate()) for f in device.videoFormats()]
        out.append(CameraInfo(bytes(device.id()).hex(), device.description(), device.id() == default.id(), formats))
    return sorted(out, key=lambda c: not c.default)

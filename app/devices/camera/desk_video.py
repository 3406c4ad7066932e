"""A recorded desk as an MJPEG .avi: documents laid under the camera one after another, then taken away.

The video driver (camera_driver = video) replays such a file in place of a camera; trainers can
use a generated one or a recording of a real desk, and the camera driver's tests run on one.
"""

from __future__ import annotations

from pathlib import Path

import cv2

from app.devices.camera.sample_documents import SampleDocument
from app.devices.camera.scene import render
from app.devices.camera.simulator import SimulatedCamera


class _Timeline:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def write_desk_video(path: Path, documents: list[SampleDocument | str], *, size: tuple[int, int] = (2592, 1944),
                     fps: float = 15.0, empty_seconds: float = 1.0, still_seconds: float = 2.0,
                     font_path: str | None = None, seed: int = 1) -> int:
    """Write the video; each document is laid down by a hand, lies still, and is taken away.
    Returns the number of frames."""
    timeline = _Timeline()
    camera = SimulatedCamera(still_size=size, preview_size=size, seed=seed, font_path=font_path,
                             lay_seconds=0.4, leave_seconds=0.3, clock=timeline)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise OSError(f"cannot write {path}")
    frames = 0

    def film(seconds: float) -> None:
        nonlocal frames
        for _ in range(round(seconds * fps)):
            writer.write(render(camera.scene_now(), size, font_path))
            timeline.now += 1 / fps
            frames += 1

    try:
        film(empty_seconds)
        for document in documents:
            camera.place(document)
            film(camera.lay_seconds + camera.leave_seconds + still_seconds)
            camera.remove()
            film(camera.lay_seconds + empty_seconds)
    finally:
        writer.release()
    return frames

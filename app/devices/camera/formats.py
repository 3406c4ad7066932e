"""Choosing what a document camera should stream: the largest MJPEG size it offers.

UVC document cameras offer uncompressed YUY2 and compressed MJPEG; at 5 MP YUY2 saturates USB 2.0
and runs at about 1 fps, MJPEG runs at 15 fps. Stills are taken from the stream at that size.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_FPS = 5.0
UNCOMPRESSED_MAX_PIXELS = 1280 * 720     # above this, uncompressed formats are too slow over USB 2.0


@dataclass(frozen=True)
class StreamFormat:
    pixel_format: str          # "MJPEG", "YUYV", "NV12", …
    width: int
    height: int
    max_fps: float

    @property
    def compressed(self) -> bool:
        return self.pixel_format.upper() in ("MJPEG", "MJPG", "JPEG")

    @property
    def pixels(self) -> int:
        return self.width * self.height

    def describe(self) -> str:
        return f"{self.pixel_format} {self.width}×{self.height} @ {self.max_fps:g} fps"


def choose_format(formats: list[StreamFormat]) -> StreamFormat | None:
    """MJPEG at the largest size with a usable frame rate; uncompressed only at small sizes or as a last resort."""
    usable = [f for f in formats if f.max_fps >= MIN_FPS]
    mjpeg = [f for f in usable if f.compressed]
    if mjpeg:
        return max(mjpeg, key=lambda f: (f.pixels, f.max_fps))
    small = [f for f in usable if f.pixels <= UNCOMPRESSED_MAX_PIXELS]
    if small:
        return max(small, key=lambda f: (f.pixels, f.max_fps))
    return max(formats, key=lambda f: (f.max_fps, f.pixels)) if formats else None

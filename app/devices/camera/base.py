"""The document camera (高拍仪) Protocol."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

FrameSink = Callable[[np.ndarray], None]
ErrorSink = Callable[[Exception], None]


class DocumentCamera(Protocol):
    name: str
    preview_size: tuple[int, int]      # width, height of preview frames
    still_size: tuple[int, int]        # width, height of stills

    def open(self) -> None:
        """Start the camera; raises DeviceUnavailable."""

    def start_preview(self, on_frame: FrameSink, on_error: ErrorSink) -> None:
        """Deliver downscaled BGR frames to `on_frame` from the camera's own thread, until stopped;
        a camera that goes away is reported once to `on_error` (DeviceUnavailable)."""

    def stop_preview(self) -> None: ...

    def capture_still(self) -> np.ndarray:
        """A full-resolution still as a BGR uint8 array (blocking; call from a worker); raises
        DeviceUnavailable when the camera is gone."""

    def close(self) -> None: ...

"""The document camera (高拍仪) Protocol."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class DocumentCamera(Protocol):
    name: str

    def open(self) -> None:
        """Start the camera; raises DeviceUnavailable."""

    def capture_still(self) -> np.ndarray:
        """A full-resolution still as a BGR uint8 array; raises CaptureError."""

    def close(self) -> None: ...

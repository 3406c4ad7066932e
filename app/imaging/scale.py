"""Fast downscaling: OpenCV's INTER_AREA is quick only for exact halving, so halve first."""

from __future__ import annotations

import cv2
import numpy as np


def halve(image: np.ndarray) -> np.ndarray:
    """Half size (an odd last row or column is dropped, so the factor is exactly ½)."""
    h, w = image.shape[:2]
    even = image[: h - h % 2, : w - w % 2]
    return cv2.resize(even, (w // 2, h // 2), interpolation=cv2.INTER_AREA)


def halve_to(image: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """Halve until the longer side is at most `side`; returns the image and the scale applied."""
    scale = 1.0
    while max(image.shape[:2]) > side:
        image = halve(image)
        scale *= 0.5
    return image, scale


def halve_keeping(image: np.ndarray, side: int) -> np.ndarray:
    """Halve while the longer side stays at least `side` (the result is between `side` and twice that)."""
    while max(image.shape[:2]) >= 2 * side:
        image = halve(image)
    return image


def shrink_to(image: np.ndarray, side: int) -> np.ndarray:
    """The image with its longer side exactly `side` (or unchanged when already smaller)."""
    h, w = image.shape[:2]
    if max(h, w) <= side:
        return image
    image = halve_keeping(image, side)
    scale = side / max(image.shape[:2])
    h, w = image.shape[:2]
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)

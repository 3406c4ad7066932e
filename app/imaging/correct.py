"""Geometric correction of a captured page: perspective, skew, quarter turns."""

from __future__ import annotations

import cv2
import numpy as np

from app.imaging.geometry import order_corners, output_size, true_aspect

MAX_SKEW = 10.0           # degrees; beyond this a page is not "skewed", it is turned
MIN_SKEW = 0.3            # smaller corrections are not worth a resample


def warp_page(image: np.ndarray, corners: np.ndarray, aspect: float | None = None) -> np.ndarray:
    """The page inside `corners` as a flat rectangle at its true aspect (a known paper size when close)."""
    quad = order_corners(corners)
    h, w = image.shape[:2]
    aspect = aspect or true_aspect(quad, (w, h))
    out_w, out_h = output_size(quad, aspect)
    target = np.float32([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]])
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(image, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def estimate_skew(image: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise positive) that text lines make with the horizontal.

    The projection profile of the inked pixels is sharpest when rows run along the lines."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    scale = 600 / max(grey.shape)
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    if cv2.countNonZero(ink) < 0.002 * ink.size:
        return 0.0
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, -angle, 1.0)
        rows = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        return float(np.var(rows))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 1.0, coarse + 1.01, 0.1), key=sharpness)
    return float(round(fine, 2))


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by `angle` degrees counter-clockwise, keeping the whole page and filling with its edge."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    out_w, out_h = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += out_w / 2 - w / 2
    m[1, 2] += out_h / 2 - h / 2
    return cv2.warpAffine(image, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def deskew(image: np.ndarray) -> tuple[np.ndarray, float]:
    """The page with its text lines level, and the rotation applied (degrees, counter-clockwise positive)."""
    angle = estimate_skew(image)
    if abs(angle) < MIN_SKEW:
        return image, 0.0
    return rotate(image, -angle), -angle


def turn(image: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Rotate by 90° steps clockwise (lossless on the pixels)."""
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    q = quarter_turns % 4
    return image if q == 0 else cv2.rotate(image, codes[q])

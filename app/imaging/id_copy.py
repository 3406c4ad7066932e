"""身份证复印件: both sides of an ID card at true size on one A4 page, as offices print and archive it."""

from __future__ import annotations

import cv2
import numpy as np

A4_MM = (210.0, 297.0)
CARD_MM = (85.6, 54.0)


def mm_to_px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def card_boxes(dpi: int = 300) -> list[tuple[int, int, int, int]]:
    """Where the front and the back go on the page: (x, y, width, height) in pixels, centred, upper half."""
    page_w = mm_to_px(A4_MM[0], dpi)
    w, h = mm_to_px(CARD_MM[0], dpi), mm_to_px(CARD_MM[1], dpi)
    x = (page_w - w) // 2
    return [(x, mm_to_px(40, dpi), w, h), (x, mm_to_px(40 + 54 + 20, dpi), w, h)]


def compose_id_copy(front: np.ndarray, back: np.ndarray, dpi: int = 300) -> np.ndarray:
    """A white A4 page (portrait, `dpi`) with the front above the back, each exactly 85.6 × 54.0 mm."""
    page = np.full((mm_to_px(A4_MM[1], dpi), mm_to_px(A4_MM[0], dpi), 3), 255, np.uint8)
    for side, (x, y, w, h) in zip((front, back), card_boxes(dpi), strict=True):
        if side.ndim == 2:
            side = cv2.cvtColor(side, cv2.COLOR_GRAY2BGR)
        if side.shape[0] > side.shape[1]:                 # a card photographed upright is turned to landscape
            side = cv2.rotate(side, cv2.ROTATE_90_CLOCKWISE)
        page[y:y + h, x:x + w] = cv2.resize(side, (w, h), interpolation=cv2.INTER_AREA)
        cv2.rectangle(page, (x - 1, y - 1), (x + w, y + h), (200, 200, 200), 1)
    return page

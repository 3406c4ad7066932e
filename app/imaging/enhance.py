"""Making a captured page look like a scan: even paper, legible ink."""

from __future__ import annotations

from enum import StrEnum

import cv2
import numpy as np

from app.imaging.scale import halve_to


class ColourMode(StrEnum):
    COLOUR = "colour"          # paper whitened, colours kept (seals, photos)
    GREY = "grey"
    BLACK_WHITE = "bw"         # ink only: smallest files, for text documents
    ORIGINAL = "original"      # exactly as the camera saw it

    @property
    def label(self) -> str:
        return {"colour": "彩色", "grey": "灰度", "bw": "黑白", "original": "原图"}[self.value]


PAPER_SIDE = 400          # the paper's shading is estimated at this size


def _paper(small: np.ndarray) -> np.ndarray:
    """The paper's brightness, ink removed: a closing of a small copy, blurred."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    return cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), (0, 0), 3)


def _binarise(flat: np.ndarray) -> np.ndarray:
    block = max(15, (max(flat.shape) // 60) | 1)
    return cv2.adaptiveThreshold(flat, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 12)


def enhance_with_preview(image: np.ndarray, mode: ColourMode | str = ColourMode.COLOUR
                         ) -> tuple[np.ndarray, np.ndarray]:
    """The page in the chosen mode, and a small copy (≤ PAPER_SIDE) enhanced the same way for thumbnails.

    Shading from uneven light is divided out: the paper's brightness is estimated on the small copy
    and enlarged, so the full page is touched only by one resize and one division."""
    mode = ColourMode(mode)
    if mode is not ColourMode.COLOUR and image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small, _ = halve_to(image, PAPER_SIDE)
    if mode is ColourMode.ORIGINAL:
        return image, small
    paper_small = _paper(small)
    h, w = image.shape[:2]
    flat = cv2.divide(image, cv2.resize(paper_small, (w, h), interpolation=cv2.INTER_LINEAR), scale=255)
    flat_small = cv2.divide(small, paper_small, scale=255)
    if mode is ColourMode.BLACK_WHITE:
        return _binarise(flat), _binarise(flat_small)
    return flat, flat_small


def enhance(image: np.ndarray, mode: ColourMode | str = ColourMode.COLOUR) -> np.ndarray:
    """The page in the chosen mode (see enhance_with_preview)."""
    return enhance_with_preview(image, mode)[0]

"""Making a captured page look like a scan: even paper, legible ink."""

from __future__ import annotations

from enum import StrEnum

import cv2
import numpy as np

from app.imaging.scale import halve_keeping


class ColourMode(StrEnum):
    COLOUR = "colour"          # paper whitened, colours kept (seals, photos)
    GREY = "grey"
    BLACK_WHITE = "bw"         # ink only: smallest files, for text documents
    ORIGINAL = "original"      # exactly as the camera saw it

    @property
    def label(self) -> str:
        return {"colour": "彩色", "grey": "灰度", "bw": "黑白", "original": "原图"}[self.value]


PAPER_SIDE = 300          # the page is reduced to at least this for the thumbnail and the shading fit
FIT_GRID = 48             # the shading is fitted on a grid this wide


def _paper(small: np.ndarray) -> np.ndarray:
    """The paper's brightness as a smooth surface (uint8, small size).

    Lamp shading is smooth, so a quadratic surface is fitted to the brighter half of the page —
    paper, not ink. Photos, emblems and seals are not part of the fit and keep their colours."""
    h, w = small.shape[:2]
    gw, gh = FIT_GRID, max(2, round(FIT_GRID * h / w))
    grid = cv2.resize(small, (gw, gh), interpolation=cv2.INTER_AREA).astype(np.float32)
    values = grid.reshape(gh * gw, -1)
    y, x = np.mgrid[0:gh, 0:gw]
    x, y = (x.ravel() / gw - 0.5), (y.ravel() / gh - 0.5)
    basis = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1)
    light = values.mean(axis=1)
    paper = light >= np.percentile(light, 50)
    for _ in range(2):                                   # refit without what lies well below the surface
        coef, *_ = np.linalg.lstsq(basis[paper], values[paper], rcond=None)
        fitted = basis @ coef
        paper &= light >= fitted.mean(axis=1) - 12
    surface = np.clip(fitted, 40, 255).reshape(gh, gw, -1)
    surface = surface[:, :, 0] if small.ndim == 2 else surface
    return cv2.resize(surface.astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)


def _binarise(flat: np.ndarray) -> np.ndarray:
    block = max(15, (max(flat.shape) // 60) | 1)
    return cv2.adaptiveThreshold(flat, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 12)


def enhance_with_preview(image: np.ndarray, mode: ColourMode | str = ColourMode.COLOUR
                         ) -> tuple[np.ndarray, np.ndarray]:
    """The page in the chosen mode, and a small copy (at least PAPER_SIDE) enhanced the same way for thumbnails.

    Shading from uneven light is divided out: the paper's brightness is estimated on the small copy
    and enlarged, so the full page is touched only by one resize and one division."""
    mode = ColourMode(mode)
    if mode in (ColourMode.GREY, ColourMode.BLACK_WHITE) and image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = halve_keeping(image, PAPER_SIDE)
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

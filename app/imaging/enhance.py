"""Making a captured page look like a scan: even paper, legible ink."""

from __future__ import annotations

import threading
from enum import StrEnum

import cv2
import numpy as np

from app.i18n import _
from app.imaging.scale import halve_keeping


class ColourMode(StrEnum):
    COLOUR = "colour"          # paper whitened, colours kept (seals, photos)
    GREY = "grey"
    BLACK_WHITE = "bw"         # ink only: smallest files, for text documents
    ORIGINAL = "original"      # exactly as the camera saw it

    @property
    def label(self) -> str:
        return {"colour": _("彩色"), "grey": _("灰度"), "bw": _("黑白"), "original": _("原图")}[self.value]


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
    basis = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1).astype(np.float32)
    light = values.mean(axis=1)
    paper = light >= np.percentile(light, 50)
    for _unused in range(2):                                   # refit without what lies well below the surface
        # cv2.solve, not numpy's lstsq: a multi-threaded BLAS would leave threads spinning on the
        # cores the warp and the encoder are about to use.
        _unused, coef = cv2.solve(basis[paper], values[paper], flags=cv2.DECOMP_QR)
        fitted = basis @ coef
        paper &= light >= fitted.mean(axis=1) - 12
    surface = np.clip(fitted, 40, 255).reshape(gh, gw, -1)
    surface = surface[:, :, 0] if small.ndim == 2 else surface
    return cv2.resize(surface.astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)


_scratch = threading.local()
SCRATCH_LIMIT = 8 << 20        # bytes; a flattened A4 page from a 5 MP camera is about 4 MB


def _surface(shape: tuple[int, ...]) -> np.ndarray:
    """A reusable buffer of `shape` for the enlarged paper surface, one per thread: fresh multi-megabyte
    allocations cost more in page faults than the resize that fills them."""
    size = int(np.prod(shape))
    if size > SCRATCH_LIMIT:                     # a whole 5 MP frame: not worth keeping per thread
        return np.empty(shape, np.uint8)
    buffer = getattr(_scratch, "buffer", None)
    if buffer is None or buffer.size < size:
        buffer = _scratch.buffer = np.empty(size, np.uint8)
    return buffer[:size].reshape(shape)


def _binarise(flat: np.ndarray) -> np.ndarray:
    block = max(15, (max(flat.shape) // 60) | 1)
    return cv2.adaptiveThreshold(flat, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 12)


def enhance_with_preview(image: np.ndarray, mode: ColourMode | str = ColourMode.COLOUR, *, in_place: bool = False
                         ) -> tuple[np.ndarray, np.ndarray]:
    """The page in the chosen mode, and a small copy (at least PAPER_SIDE) enhanced the same way for thumbnails.

    Shading from uneven light is divided out: the paper's brightness is estimated on the small copy
    and enlarged, so the full page is touched only by one resize and one division. `in_place`: the
    caller no longer needs `image`, and the colour page is whitened in its own buffer."""
    mode = ColourMode(mode)
    if mode in (ColourMode.GREY, ColourMode.BLACK_WHITE) and image.ndim == 3:
        image, in_place = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), True
    small = halve_keeping(image, PAPER_SIDE)
    if in_place and small is image:
        small = image.copy()
    if mode is ColourMode.ORIGINAL:
        return image, small
    paper_small = _paper(small)
    h, w = image.shape[:2]
    paper = cv2.resize(paper_small, (w, h), dst=_surface(image.shape), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(image, paper, dst=image if in_place else None, scale=255)
    flat_small = cv2.divide(small, paper_small, scale=255)
    if mode is ColourMode.BLACK_WHITE:
        return _binarise(flat), _binarise(flat_small)
    return flat, flat_small


def enhance(image: np.ndarray, mode: ColourMode | str = ColourMode.COLOUR) -> np.ndarray:
    """The page in the chosen mode (see enhance_with_preview)."""
    return enhance_with_preview(image, mode)[0]

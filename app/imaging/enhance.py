"""Making a captured page look like a scan: even paper, legible ink."""

from __future__ import annotations

import functools
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

    Each cell of a grid over the page is as bright as most of its pixels (writing in it does not darken
    it). A quadratic surface (lamp shading) is fitted to the cells and refitted to those not well below it —
    paper, not photos, emblems or seals, which keep their colours. What the quadratic misses (the shadow of a
    phone, a page lit from one side) is taken from the paper cells' own brightness, smoothed."""
    h, w = small.shape[:2]
    gw, gh = FIT_GRID, max(2, round(FIT_GRID * h / w))
    grid = _cell_paper(small, gw, gh)
    values = grid.reshape(gh * gw, -1)
    basis = _quadratic_basis(gw, gh)
    light = values.mean(axis=1, keepdims=True)
    middle = len(light) // 2
    paper = light[:, 0] >= np.partition(light[:, 0], middle)[middle]   # paper is bright: start from the brighter half
    for _unused in range(2):                                   # refit without what lies well below the surface
        # cv2.solve, not numpy's lstsq: a multi-threaded BLAS would leave threads spinning on the
        # cores the warp and the encoder are about to use.
        _unused, coef = cv2.solve(basis[paper], light[paper], flags=cv2.DECOMP_QR)
        level = (basis @ coef)[:, 0]
        paper = light[:, 0] >= level - BELOW_PAPER
    _unused, coef = cv2.solve(basis[paper], values[paper], flags=cv2.DECOMP_QR)
    fitted = basis @ coef
    # the paper cells' brightness above or below the quadratic, spread over the cells that are not paper
    residual = np.where(paper, light[:, 0] - level, 0.0).reshape(gh, gw).astype(np.float32)
    weight = paper.reshape(gh, gw).astype(np.float32)
    spread = cv2.GaussianBlur(residual, (0, 0), SHADING_CELLS) / np.maximum(
        cv2.GaussianBlur(weight, (0, 0), SHADING_CELLS), 1e-3)
    surface = fitted.reshape(gh, gw, -1) + spread[:, :, None]
    surface = np.clip(surface, 40, 255)
    surface = surface[:, :, 0] if small.ndim == 2 else surface
    return cv2.resize(surface.astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)


@functools.lru_cache(maxsize=8)
def _quadratic_basis(gw: int, gh: int) -> np.ndarray:
    y, x = np.mgrid[0:gh, 0:gw]
    x, y = (x.ravel() / gw - 0.5), (y.ravel() / gh - 0.5)
    return np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1).astype(np.float32)


def _cell_paper(small: np.ndarray, gw: int, gh: int) -> np.ndarray:
    """Each grid cell's paper brightness: the page closed over thin strokes, then averaged, so writing in a
    cell does not darken it."""
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    return cv2.resize(closed, (gw, gh), interpolation=cv2.INTER_AREA).astype(np.float32)


BELOW_PAPER = 12.0        # grey levels: a cell this much darker than the fitted surface is not paper
SHADING_CELLS = 1.5       # how far (in cells) the paper's own brightness is smoothed


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


INK_DEPTH = 0.05          # of the paper's brightness darker than the paper around it: a stroke, however light
DARK = 96                 # and whatever is this dark is ink, however wide (a filled box, a QR code's modules)


def _binarise(flat: np.ndarray) -> np.ndarray:
    """Ink black, paper white. A stroke is what lies darker than the paper around it: the page closed over
    strokes narrower than about 1/150 of it (writing, print) is the paper they lie on."""
    side = max(9, (max(flat.shape) // 150) | 1)
    smooth = cv2.GaussianBlur(flat, (3, 3), 0)          # sensor noise is no stroke, even where whitening raised it
    paper = cv2.morphologyEx(smooth, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    below_paper = cv2.convertScaleAbs(paper, alpha=1.0 - INK_DEPTH)   # the paper around, a stroke's depth darker
    ink = cv2.bitwise_or(cv2.compare(smooth, below_paper, cv2.CMP_LE), cv2.compare(smooth, DARK, cv2.CMP_LT))
    return cv2.bitwise_not(ink)


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

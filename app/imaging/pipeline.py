"""From a camera still (or an image file) to a stored page: find, flatten, straighten, enhance, encode."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np

from app.i18n import _
from app.imaging.barcodes import Barcode, search_barcodes
from app.imaging.correct import deskew, warp_page
from app.imaging.detect import Detection, find_outline, refine_outline
from app.imaging.encode import ImageError, decode_image, encode_jpeg, thumbnail
from app.imaging.enhance import ColourMode, enhance_with_preview
from app.threads import lower_priority


class NoPageFound(ImageError):
    """No page outline could be found in the image."""


class PageOffFrame(NoPageFound):
    """The page runs off the frame, and only a whole one will do (an ID card's copy)."""


@dataclass(frozen=True)
class PageOptions:
    mode: ColourMode = ColourMode.COLOUR
    quality: int = 85
    corners: tuple[tuple[float, float], ...] | None = None   # set by the clerk when detection was wrong
    require_page: bool = False        # without a page outline: raise NoPageFound instead of keeping the frame
    require_whole: bool = False       # a page running off the frame: raise PageOffFrame instead of keeping its part
    straighten: bool = True           # level the text lines when no outline was used
    find_barcodes: bool = True
    thumbnail_side: int = 240
    min_area_fraction: float = 0.04


@dataclass(frozen=True)
class ProcessedPage:
    jpeg: bytes = field(repr=False)
    thumbnail: bytes = field(repr=False)               # JPEG
    size: tuple[int, int]                              # of the stored page (width, height)
    corners: list[list[float]] | None                  # page outline in the input's pixels, None = whole frame
    detected: bool                                     # found by detection (not given, not the whole frame)
    skew: float = 0.0                                  # degrees corrected when no outline was used
    barcodes: tuple[Barcode, ...] = ()
    off_frame: bool = False                            # the page runs off the frame: only its part in view is kept

    def to_dict(self) -> dict:
        return {"corners": self.corners, "detected": self.detected, "off_frame": self.off_frame,
                "size": list(self.size), "skew": self.skew, "barcodes": [b.to_dict() for b in self.barcodes]}


_helpers: ThreadPoolExecutor | None = None


def _helper_pool() -> ThreadPoolExecutor:
    """A thread that reads barcodes while the page is enhanced and encoded (zxing releases the GIL)."""
    global _helpers
    if _helpers is None:
        _helpers = ThreadPoolExecutor(1, thread_name_prefix="barcodes", initializer=lower_priority)
    return _helpers


def process_still(image: np.ndarray, options: PageOptions = PageOptions(),
                  outline: Detection | None = None) -> ProcessedPage:
    """One captured frame as a stored page; `outline` is where the page was seen already (e.g. in
    the preview, scaled to this frame), which spares the search. The same input gives the same page."""
    if image is None or image.ndim not in (2, 3) or image.size == 0:
        raise ImageError(_("图像为空"))
    if outline is None and options.corners is None:
        outline = find_outline(image, min_area_fraction=options.min_area_fraction)
    return _finish(image, options, outline)


def process_image_file(data: bytes, options: PageOptions = PageOptions()) -> ProcessedPage:
    """An image file (JPEG, PNG, BMP, TIFF) through the same pipeline; ImageError when it is not one."""
    return process_still(decode_image(data), options)


def _finish(image: np.ndarray, options: PageOptions, outline: Detection | None) -> ProcessedPage:
    skew = 0.0
    detected = off_frame = False
    if options.corners is not None:
        corners = np.array(options.corners, np.float64)
        page = warp_page(image, corners)
    elif outline is not None:
        if outline.off_frame and options.require_whole:
            raise PageOffFrame(_("页面超出画面，请调整"))
        detection = refine_outline(image, outline)
        corners, detected, off_frame = detection.corners, True, detection.off_frame
        page = warp_page(image, corners)
    elif options.require_page:
        raise NoPageFound(_("画面中没有找到纸张边缘"))
    else:
        corners = None
        page, skew = deskew(image) if options.straighten else (image, 0.0)
    barcodes = None
    if options.find_barcodes:           # on a copy of its own: the page is whitened in place meanwhile
        grey = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
        barcodes = _helper_pool().submit(search_barcodes, grey if grey is not page else grey.copy())
    page, small = enhance_with_preview(page, options.mode, in_place=page is not image)
    jpeg = encode_jpeg(page, options.quality)
    thumb = encode_jpeg(thumbnail(small, options.thumbnail_side), 80)
    h, w = page.shape[:2]
    return ProcessedPage(
        jpeg=jpeg,
        thumbnail=thumb,
        size=(w, h),
        corners=None if corners is None else [[round(float(x), 1), round(float(y), 1)] for x, y in corners],
        detected=detected,
        skew=skew,
        barcodes=tuple(barcodes.result()) if barcodes is not None else (),
        off_frame=off_frame,
    )

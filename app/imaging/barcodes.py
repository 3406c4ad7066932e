"""Barcodes and QR codes on a captured page (e-certificates carry a verification QR)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from app.imaging.scale import shrink_to

SEARCH_SIDE = 1600        # large enough for a 20 mm QR on an A4 page
# What documents at a window carry: QR (e-certificates, e-licences), Data Matrix, PDF417 (forms),
# Code 128 / Code 39 (case and archive numbers). Fewer formats make the search several times faster.
FORMATS = "QRCode,MicroQRCode,DataMatrix,PDF417,Aztec,Code128,Code39"


@dataclass(frozen=True)
class Barcode:
    format: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"format": self.format, "text": self.text}


def read_barcodes(image: np.ndarray) -> list[Barcode]:
    """Every barcode found on the page, in reading order."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return _read(shrink_to(grey, SEARCH_SIDE))


def _read(grey: np.ndarray) -> list[Barcode]:
    # Pages are upright once corrected, so 1D codes are not searched for at 90°: four times faster.
    found = zxingcpp.read_barcodes(np.ascontiguousarray(grey), formats=zxingcpp.barcode_formats_from_str(FORMATS),
                                   try_rotate=False, try_invert=False, try_downscale=False)
    found.sort(key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    return [Barcode(str(b.format), b.text) for b in found if b.valid]


RETRY_MAX_SIDE = 2000     # pages up to this size are searched again enlarged when nothing was found


def barcodes_in_jpeg(jpeg: bytes) -> list[Barcode]:
    """The barcodes on a stored page (read after the page is stored, off the capture's critical path)."""
    grey = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    return [] if grey is None else search_barcodes(grey)


def search_barcodes(grey: np.ndarray) -> list[Barcode]:
    """Every barcode on a page, searched harder when none is found at first.

    A QR code of 20 mm holding a web address has modules of about 3 px on a page from a 5 MP camera,
    at the edge of what the decoder resolves; when nothing is found the page is searched once more
    enlarged twice and sharpened, which finds most of those."""
    found = read_barcodes(grey)
    if found or max(grey.shape) > RETRY_MAX_SIDE:
        return found
    large = cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    sharp = cv2.addWeighted(large, 1.8, cv2.GaussianBlur(large, (0, 0), 2), -0.8, 0)
    return _read(sharp)

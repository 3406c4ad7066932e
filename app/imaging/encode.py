"""Encoding captured pages for storage and display."""

from __future__ import annotations

import cv2
import numpy as np

from app.i18n import _
from app.imaging.header import image_size
from app.imaging.scale import shrink_to

MAX_PIXELS = 80_000_000          # a 12000×6600 scan; larger files are refused rather than exhausting memory
MIN_SIDE = 16                    # smaller is no document (and breaks the page detection's scaling)


class ImageError(ValueError):
    """The image could not be encoded or decoded (the message is for the clerk)."""


def encode_jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ImageError(_("图像无法保存为 JPEG"))
    return buf.tobytes()


def decode_image(data: bytes) -> np.ndarray:
    """A BGR image from a file's bytes; ImageError for empty, truncated, non-image, too small or too large data.
    The size is read from the header first, so a small file declaring a huge image is never decoded."""
    if not data:
        raise ImageError(_("图像文件为空"))
    size = image_size(data)
    if size is None:
        raise ImageError(_("不是可识别的图像文件（支持 JPEG、PNG、BMP、TIFF），或文件已损坏"))
    if size[0] * size[1] > MAX_PIXELS:
        raise ImageError(_("图像尺寸过大（{size}×{size2} 像素）").format(size=size[0], size2=size[1]))
    if min(size) < MIN_SIDE:
        raise ImageError(_("图像太小（{size}×{size2} 像素），请拍摄或选择完整的材料照片").format(size=size[0], size2=size[1]))
    buf = np.frombuffer(data, np.uint8)
    try:
        image = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    except cv2.error as e:
        raise ImageError(_("不是可识别的图像文件（支持 JPEG、PNG、BMP、TIFF）")) from e
    if image is None or image.size == 0:
        raise ImageError(_("不是可识别的图像文件（支持 JPEG、PNG、BMP、TIFF），或文件已损坏"))
    if image.shape[0] * image.shape[1] > MAX_PIXELS or min(image.shape[:2]) < MIN_SIDE:
        raise ImageError(_("图像尺寸与文件头不符，文件可能已损坏"))
    return image


def thumbnail(image: np.ndarray, max_side: int = 240) -> np.ndarray:
    return shrink_to(image, max_side)

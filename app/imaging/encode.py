"""Encoding captured pages for storage and display."""

from __future__ import annotations

import cv2
import numpy as np

from app.imaging.scale import shrink_to

MAX_PIXELS = 80_000_000          # a 12000×6600 scan; larger files are refused rather than exhausting memory


class ImageError(ValueError):
    """The image could not be encoded or decoded (the message is for the clerk)."""


def encode_jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ImageError("图像无法保存为 JPEG")
    return buf.tobytes()


def decode_image(data: bytes) -> np.ndarray:
    """A BGR image from a file's bytes; ImageError for empty, truncated or non-image data."""
    if not data:
        raise ImageError("图像文件为空")
    buf = np.frombuffer(data, np.uint8)
    try:
        image = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    except cv2.error as e:
        raise ImageError("不是可识别的图像文件（支持 JPEG、PNG、BMP、TIFF）") from e
    if image is None or image.size == 0:
        raise ImageError("不是可识别的图像文件（支持 JPEG、PNG、BMP、TIFF），或文件已损坏")
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise ImageError("图像尺寸过大")
    return image


def thumbnail(image: np.ndarray, max_side: int = 240) -> np.ndarray:
    return shrink_to(image, max_side)

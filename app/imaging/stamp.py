"""The 核验原件 mark: a scan the clerk checked against the original carries it, with who and when."""

from __future__ import annotations

from datetime import date

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

VERIFIED_TEXT = "此件经与原件核对无误"
INK = (200, 30, 30)          # RGB, stamp red


def stamp_lines(clerk_name: str, on: date) -> list[str]:
    return [VERIFIED_TEXT, f"核对人：{clerk_name}", f"{on.year}年{on.month}月{on.day}日"]


def stamp_verified(image: np.ndarray, clerk_name: str, on: date, font_path: str) -> np.ndarray:
    """The page with a red boxed mark in its lower right corner (ink multiplied, so text under it stays legible)."""
    h, w = image.shape[:2]
    colour = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    size = max(12, w // 34)
    font = ImageFont.truetype(font_path, size)
    lines = stamp_lines(clerk_name, on)
    pad = size // 2
    widths = [font.getbbox(line)[2] for line in lines]
    box_w, box_h = max(widths) + 2 * pad, len(lines) * int(size * 1.35) + 2 * pad
    x0, y0 = w - box_w - w // 20, h - box_h - h // 25
    mark = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mark)
    draw.rectangle((x0, y0, x0 + box_w, y0 + box_h), outline=255, width=max(2, size // 8))
    for i, line in enumerate(lines):
        draw.text((x0 + box_w / 2, y0 + pad + i * int(size * 1.35)), line, font=font, fill=255, anchor="ma")
    alpha = np.asarray(mark, np.float32)[:, :, None] * (0.85 / 255)
    ink = np.array(INK[::-1], np.float32) / 255                 # BGR
    out = colour.astype(np.float32) * (1 - alpha * (1 - ink))
    return np.clip(out, 0, 255).astype(np.uint8)

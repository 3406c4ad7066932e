"""A simulated document camera: renders a document page lying on a desk, with perspective and shading."""

from __future__ import annotations

import cv2
import numpy as np

from app.devices.errors import DeviceUnavailable

A4_RATIO = 297 / 210


def render_page(title: str, rng: np.random.Generator, width: int = 840) -> np.ndarray:
    """A plausible document page: heading, ruled text lines, a table, a red seal."""
    height = int(width * A4_RATIO)
    page = np.full((height, width, 3), 250, np.uint8)
    cv2.putText(page, title[:28], (60, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (20, 20, 20), 3, cv2.LINE_AA)
    y = 180
    for _ in range(int(rng.integers(10, 18))):
        length = int(rng.integers(width // 3, width - 120))
        cv2.rectangle(page, (60, y), (60 + length, y + 12), (70, 70, 70), -1)
        y += 38
    top = y + 20
    for r in range(5):
        cv2.line(page, (60, top + r * 46), (width - 60, top + r * 46), (40, 40, 40), 2)
    for c in (60, width // 3, 2 * width // 3, width - 60):
        cv2.line(page, (c, top), (c, top + 4 * 46), (40, 40, 40), 2)
    centre = (width - 190, height - 200)
    cv2.circle(page, centre, 90, (40, 40, 200), 6)
    cv2.drawMarker(page, centre, (40, 40, 200), cv2.MARKER_STAR, 70, 5)
    return page


class SimulatedCamera:
    """Each still shows the current page on a desk, slightly rotated and in perspective."""

    def __init__(self, size: tuple[int, int] = (1600, 1200), seed: int | None = None):
        self.name = "模拟高拍仪"
        self.size = size
        self.rng = np.random.default_rng(seed)
        self.document = "DOCUMENT"
        self._open = False

    def open(self) -> None:
        self._open = True

    def close(self) -> None:
        self._open = False

    def place(self, title: str) -> None:
        """Put a document under the camera (its heading is `title`, ASCII)."""
        self.document = title

    def capture_still(self) -> np.ndarray:
        if not self._open:
            raise DeviceUnavailable("高拍仪未连接")
        w, h = self.size
        page = render_page(self.document, self.rng)
        ph, pw = page.shape[:2]
        desk = np.empty((h, w, 3), np.uint8)
        desk[:] = (96, 128, 150)
        desk = cv2.add(desk, self.rng.integers(0, 18, (h, w, 3), dtype=np.uint8))
        scale = 0.8 * h / ph
        cx, cy = w / 2 + self.rng.uniform(-0.05, 0.05) * w, h / 2 + self.rng.uniform(-0.03, 0.03) * h
        half_w, half_h = pw * scale / 2, ph * scale / 2
        angle = np.deg2rad(self.rng.uniform(-6, 6))
        rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        corners = np.array([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h]])
        jitter = self.rng.uniform(-0.03, 0.03, (4, 2)) * [half_w, half_h]
        dst = (corners + jitter) @ rot.T + [cx, cy]
        src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
        m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
        warped = cv2.warpPerspective(page, m, (w, h))
        mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), m, (w, h))
        desk[mask > 0] = warped[mask > 0]
        shade = np.linspace(1.0, self.rng.uniform(0.7, 0.9), w, dtype=np.float32)[None, :, None]
        return np.clip(desk.astype(np.float32) * shade, 0, 255).astype(np.uint8)

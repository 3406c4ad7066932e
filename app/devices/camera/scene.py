"""What the simulated document camera sees: a document lying on a desk, lit unevenly, maybe a hand.

A `Scene` holds geometry in frame-relative coordinates, so the same scene renders as a small
preview frame or as a full-resolution still, and its true corners are known (for testing detection).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import cv2
import numpy as np

from app.devices.camera.sample_documents import SampleDocument, render_document

# Desk surfaces: document-camera mats (black, dark green), wood, grey and light grey tables (BGR).
BACKGROUNDS = ((28, 28, 30), (40, 70, 36), (60, 95, 140), (45, 75, 115), (110, 110, 105), (150, 150, 145),
               (120, 140, 160))


@dataclass(frozen=True)
class Lighting:
    gradient: tuple[float, float] = (0.0, 0.0)   # brightness change across the frame in x and y (fraction)
    vignette: float = 0.0                        # darkening towards the corners (fraction)
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)   # colour temperature as BGR gains
    noise: float = 0.0                           # sensor noise, grey levels (sigma)
    blur: float = 0.0                            # focus blur (sigma in preview-independent units)


@dataclass(frozen=True)
class Scene:
    document: SampleDocument | None
    corners: tuple[tuple[float, float], ...] = ()  # TL, TR, BR, BL as fractions of frame width/height
    background: int = 0                            # index into BACKGROUNDS
    texture_seed: int = 0
    lighting: Lighting = Lighting()
    hand: float = 0.0                              # 0 = no hand, 1 = hand fully over the desk
    hand_side: int = 0                             # 0 bottom, 1 right, 2 top, 3 left

    def corners_px(self, size: tuple[int, int]) -> np.ndarray:
        w, h = size
        return np.array(self.corners, np.float64) * [w, h]

    def with_hand(self, amount: float) -> Scene:
        return replace(self, hand=float(np.clip(amount, 0.0, 1.0)))

    def overhanging(self, fraction: float, side: int = 0) -> Scene:
        """The document pushed over the frame's edge on `side` (0 bottom, 1 right, 2 top, 3 left) until
        `fraction` of its extent lies outside the frame: a page laid carelessly."""
        corners = np.array(self.corners, np.float64)
        axis, outward = {0: (1, 1), 1: (0, 1), 2: (1, -1), 3: (0, -1)}[side]
        extent = float(np.ptp(corners[:, axis]))
        beyond = corners[:, axis].max() - 1.0 if outward > 0 else -corners[:, axis].min()
        corners[:, axis] += outward * (fraction * extent - beyond)
        return replace(self, corners=tuple(map(tuple, corners)))


def _rotation(z: float, x: float, y: float) -> np.ndarray:
    cz, sz, cx, sx, cy, sy = np.cos(z), np.sin(z), np.cos(x), np.sin(x), np.cos(y), np.sin(y)
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    return rz @ rx @ ry


def project(size_mm: tuple[float, float], *, turn: float, tilt: tuple[float, float], centre: tuple[float, float],
            height: float, focal: float, frame_aspect: float) -> np.ndarray:
    """Corners (TL, TR, BR, BL, frame fractions) of a flat document seen by a pinhole camera.

    `height` is the document's height as a fraction of the frame height when seen head-on, `focal`
    the focal length in frame widths, `turn` and `tilt` angles in radians."""
    w_mm, h_mm = size_mm
    frame_w, frame_h = frame_aspect, 1.0                       # frame units: height 1
    f = focal * frame_w
    distance = f * h_mm / (height * frame_h)                    # in mm, so the page has that height
    local = np.array([[-w_mm, -h_mm, 0], [w_mm, -h_mm, 0], [w_mm, h_mm, 0], [-w_mm, h_mm, 0]]) / 2
    offset = np.array([(centre[0] - 0.5) * frame_w, (centre[1] - 0.5) * frame_h]) * distance / f
    world = local @ _rotation(turn, *tilt).T + [offset[0], offset[1], distance]
    u = f * world[:, 0] / world[:, 2] + frame_w / 2
    v = f * world[:, 1] / world[:, 2] + frame_h / 2
    return np.stack([u / frame_w, v / frame_h], axis=1)


def random_scene(rng: np.random.Generator, document: SampleDocument, *, frame_aspect: float = 4 / 3,
                 strong: bool = True) -> Scene:
    """A document laid down by a person: off-centre, turned, seen in perspective, unevenly lit."""
    height = rng.uniform(0.62, 0.9) if document.kind == "page" else rng.uniform(0.28, 0.45)
    turn = np.deg2rad(rng.uniform(-12, 12) if strong else rng.uniform(-3, 3))
    max_tilt = 12 if strong else 4                            # camera arm not square, page not flat
    tilt = tuple(np.deg2rad(rng.uniform(-max_tilt, max_tilt, 2)))
    focal = rng.uniform(0.7, 1.2)
    for _ in range(100):
        centre = (rng.uniform(0.35, 0.65), rng.uniform(0.35, 0.65))
        corners = project(document.size_mm, turn=turn, tilt=tilt, centre=centre, height=height, focal=focal,
                          frame_aspect=frame_aspect)
        if corners.min() > 0.02 and corners.max() < 0.98:
            break
        height *= 0.97
    lighting = Lighting(
        gradient=(rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)),
        vignette=rng.uniform(0.0, 0.3),
        tint=(rng.uniform(0.85, 1.1), 1.0, rng.uniform(0.9, 1.15)),
        noise=rng.uniform(0.5, 4.0),
        blur=rng.uniform(0.0, 1.2),
    )
    return Scene(document, tuple(map(tuple, corners)), int(rng.integers(len(BACKGROUNDS))),
                 int(rng.integers(1 << 16)), lighting, 0.0, int(rng.integers(4)))


@functools.lru_cache(maxsize=8)
def _desk(index: int, seed: int, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    rng = np.random.default_rng(seed)
    base = np.array(BACKGROUNDS[index], np.float32)
    coarse = rng.normal(0, 1, (max(2, h // 64), max(2, w // 64), 1)).astype(np.float32)
    coarse = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)[:, :, None]
    desk = base + coarse * 6.0
    if index in (2, 3):                                       # wood grain
        y = np.arange(h, dtype=np.float32)[:, None]
        x = np.arange(w, dtype=np.float32)[None, :]
        grain = np.sin((y / h * 40 + np.sin(x / w * 6) * 2.0) * np.pi) * 10
        desk = desk + grain[:, :, None]
    out = np.clip(desk, 0, 255).astype(np.uint8)
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=8)
def _noise(size: tuple[int, int], sigma: int) -> np.ndarray:
    w, h = size
    out = np.random.default_rng((*size, sigma)).normal(0, sigma, (h, w)).round().astype(np.int16)
    out = cv2.merge([out, out, out])
    out.setflags(write=False)
    return out


def _hand_mask(scene: Scene, size: tuple[int, int]) -> np.ndarray | None:
    if scene.hand <= 0:
        return None
    w, h = size
    mask = np.zeros((h, w), np.uint8)
    reach = scene.hand * 0.55
    # a forearm and palm coming in from the bottom edge, then turned to the requested side
    side = scene.hand_side
    long_, short = (h, w) if side in (0, 2) else (w, h)
    across = short * 0.55
    tip = long_ * (1 - reach)
    arm = np.array([[across - 0.09 * short, long_ + 5], [across + 0.09 * short, long_ + 5],
                    [across + 0.08 * short, tip + 0.12 * long_], [across - 0.08 * short, tip + 0.12 * long_]])
    palm_centre = (across, tip + 0.1 * long_)
    pts = [arm]
    for i, dx in enumerate((-0.06, -0.02, 0.02, 0.06)):
        length = 0.12 + 0.02 * (i in (1, 2))
        x = across + dx * short
        pts.append(np.array([[x - 0.015 * short, tip + 0.1 * long_], [x + 0.015 * short, tip + 0.1 * long_],
                             [x + 0.012 * short, tip + (0.1 - length) * long_ + 0.06 * long_],
                             [x - 0.012 * short, tip + (0.1 - length) * long_ + 0.06 * long_]]))

    def orient(p: np.ndarray) -> np.ndarray:
        x, y = p[:, 0], p[:, 1]
        if side == 0:
            return p
        if side == 2:
            return np.stack([w - x, h - y], 1)
        if side == 1:
            return np.stack([w - y, x], 1)
        return np.stack([y, h - x], 1)

    for p in pts:
        cv2.fillConvexPoly(mask, orient(p).astype(np.int32), 255, cv2.LINE_AA)
    centre = orient(np.array([palm_centre]))[0]
    axes = (int(0.1 * short), int(0.08 * long_)) if side in (0, 2) else (int(0.08 * long_), int(0.1 * short))
    cv2.ellipse(mask, (int(centre[0]), int(centre[1])), axes, 0, 0, 360, 255, -1, cv2.LINE_AA)
    return mask


@functools.lru_cache(maxsize=4)
def _light_field(lighting: Lighting, size: tuple[int, int]) -> np.ndarray:
    """Per-pixel gain of the desk lamp: a gradient and vignetting, 3 channels with the tint."""
    w, h = size
    y = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None]
    x = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :]
    gain = 1 + lighting.gradient[0] * x + lighting.gradient[1] * y - lighting.vignette * (x * x + y * y) * 2
    return cv2.merge([gain * t for t in lighting.tint])


def _blend(under: np.ndarray, over: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """`over` laid on `under` with coverage `alpha` (uint8 mask)."""
    weight = alpha.astype(np.float32) * (1 / 255)
    return cv2.blendLinear(over, under, weight, 1 - weight)


def render(scene: Scene, size: tuple[int, int], font_path: str | None = None) -> np.ndarray:
    """The camera's view of the scene as a BGR uint8 frame of `size` (width, height)."""
    w, h = size
    frame = _desk(scene.background, scene.texture_seed, size).copy()
    if scene.document is not None:
        corners = scene.corners_px(size).astype(np.float32)
        side_px = np.linalg.norm(corners[1] - corners[0])
        ppm = float(np.clip(side_px / scene.document.size_mm[0] * 1.25, 2.0, 14.0))
        texture = render_document(scene.document, round(ppm, 1), font_path)
        th, tw = texture.shape[:2]
        src = np.float32([[0, 0], [tw, 0], [tw, th], [0, th]])
        m = cv2.getPerspectiveTransform(src, corners)
        warped = cv2.warpPerspective(texture, m, size, flags=cv2.INTER_AREA if ppm > 4 else cv2.INTER_LINEAR)
        alpha = cv2.warpPerspective(np.full((th, tw), 255, np.uint8), m, size, flags=cv2.INTER_LINEAR)
        shadow = cv2.GaussianBlur(alpha, (0, 0), max(1.0, w / 300))
        shadow = np.roll(shadow, (max(1, h // 200), max(1, w // 250)), (0, 1))
        frame = _blend(frame, np.zeros_like(frame), (shadow * 0.35).astype(np.uint8))
        frame = _blend(frame, warped, alpha)
    hand = _hand_mask(scene, size)
    if hand is not None:
        skin = np.empty_like(frame)
        skin[:] = (120, 150, 205)
        frame = _blend(frame, skin, hand)
    light = scene.lighting
    frame = cv2.multiply(frame, _light_field(light, size), dtype=cv2.CV_8U)
    if light.blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), light.blur * max(w, 640) / 1296 + 0.01)
    if light.noise > 0:
        frame = cv2.add(frame, _noise(size, round(light.noise)), dtype=cv2.CV_8U)
    return frame

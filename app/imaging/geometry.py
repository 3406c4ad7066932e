"""Quadrilaterals of pages in camera frames: corner order, true aspect, output size."""

from __future__ import annotations

import numpy as np

# Width/height of documents that come to the window, portrait (landscape is the inverse).
KNOWN_ASPECTS = {
    "A4": 210 / 297,          # also A3, A5: the ISO series share the ratio
    "ID card": 54.0 / 85.6,   # ID-1 cards: identity card, social-security card, bank card
    "16K": 195 / 270,
    "B5": 176 / 250,
    "letter": 216 / 279,
}
SNAP_TOLERANCE = 0.035


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left (clockwise on screen)."""
    pts = np.asarray(points, np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]                      # clockwise from the left (image y points down)
    start = int(np.argmin(pts.sum(axis=1)))            # the top-left has the smallest x + y
    return np.roll(pts, -start, axis=0)


def is_convex(quad: np.ndarray) -> bool:
    q = np.asarray(quad, np.float64)
    signs = []
    for i in range(4):
        a, b, c = q[i], q[(i + 1) % 4], q[(i + 2) % 4]
        (x1, y1), (x2, y2) = b - a, c - b
        signs.append(x1 * y2 - y1 * x2)
    return all(s > 0 for s in signs) or all(s < 0 for s in signs)


def quad_area(quad: np.ndarray) -> float:
    x, y = np.asarray(quad, np.float64).T
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def side_lengths(quad: np.ndarray) -> tuple[float, float]:
    """Mean width (top and bottom sides) and mean height (left and right sides)."""
    q = np.asarray(quad, np.float64)
    width = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    height = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return float(width), float(height)


def projective_aspect(quad: np.ndarray, image_size: tuple[int, int]) -> float | None:
    """Width/height of the rectangle seen as `quad`, from its perspective (Zhang & He, whiteboard scanning),
    assuming square pixels and the principal point at the image centre; None when the view is too
    nearly head-on for the focal length to be determined (then the side lengths tell it well enough)."""
    u0, v0 = image_size[0] / 2, image_size[1] / 2
    q = np.asarray(quad, np.float64)
    m1, m2, m4, m3 = (np.array([p[0], p[1], 1.0]) for p in q)     # TL, TR, BR, BL in the paper's naming
    k2 = np.dot(np.cross(m1, m4), m3) / np.dot(np.cross(m2, m4), m3)
    k3 = np.dot(np.cross(m1, m4), m2) / np.dot(np.cross(m3, m4), m2)
    n2, n3 = k2 * m2 - m1, k3 * m3 - m1
    if abs(n2[2]) < 1e-3 or abs(n3[2]) < 1e-3:
        return None
    f2 = -((n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + n2[2] * n3[2] * u0 * u0)
           + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + n2[2] * n3[2] * v0 * v0)) / (n2[2] * n3[2])
    if not np.isfinite(f2) or f2 <= 0:
        return None
    f = np.sqrt(f2)
    if not (0.3 * max(image_size) < f < 20 * max(image_size)):
        return None
    a_inv = np.linalg.inv(np.array([[f, 0, u0], [0, f, v0], [0, 0, 1.0]]))
    b = a_inv.T @ a_inv
    ratio = (n2 @ b @ n2) / (n3 @ b @ n3)
    return float(np.sqrt(ratio)) if ratio > 0 else None


def true_aspect(quad: np.ndarray, image_size: tuple[int, int]) -> float:
    """The page's width/height: a known paper size when the measurement is close to one."""
    width, height = side_lengths(quad)
    measured = width / height
    estimate = projective_aspect(quad, image_size)
    if estimate is not None and abs(estimate - measured) / measured < 0.15:
        measured = estimate
    for ratio in KNOWN_ASPECTS.values():
        for candidate in (ratio, 1 / ratio):
            if abs(measured - candidate) / candidate < SNAP_TOLERANCE:
                return candidate
    return measured


def output_size(quad: np.ndarray, aspect: float) -> tuple[int, int]:
    """Pixel size of the corrected page: keep the detail the camera captured (the longer measured side)."""
    width, height = side_lengths(quad)
    if width / aspect >= height:
        return max(1, round(width)), max(1, round(width / aspect))
    return max(1, round(height * aspect)), max(1, round(height))


def corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean distance between corresponding corners, as a fraction of the true quad's diagonal."""
    f, t = np.asarray(found, np.float64), np.asarray(truth, np.float64)
    diagonal = max(np.linalg.norm(t[2] - t[0]), np.linalg.norm(t[3] - t[1]))
    return float(np.linalg.norm(f - t, axis=1).mean() / diagonal)

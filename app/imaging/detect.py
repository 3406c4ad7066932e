"""Finding the page (or card) in a camera frame.

Candidates come from views of a downscaled frame — edges, a brightness split and a split of each
colour channel (a pale page on a pale desk differs from it in colour) — each reduced to a convex
quadrilateral and scored by how much of its outline lies on a real edge. The winner's sides are then
fitted to the edge profile at full resolution: first widely, taking the outermost strong change of
colour across each side (a printed frame inside a banknote or a form is stronger than the paper's own
edge), then closely (sub-pixel, robust to a finger over one side). Each corner is where the parts of
its two sides nearest it meet, so a curled receipt keeps its corners on the paper's.

A page that runs off the frame shows as a region whose outline follows the frame's edge for a stretch: it
is found all the same (from its sides in view) and flagged `off_frame`, so it is never taken as whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from app.imaging.geometry import is_convex, order_corners, quad_area
from app.imaging.scale import halve_to

WORK_SIDE = 720           # the frame is searched at about this size
MIN_SUPPORT = 0.6         # of the outline on a strong edge
MIN_CONTRAST = 18.0       # Lab colour difference between the document and the desk around it
# 8-bit Lab keeps lightness in 0–255 but a and b in their own units: weigh them as CIE Lab does (ΔE).
LAB_WEIGHTS = np.array([1.0, 2.55, 2.55], np.float32)
OUTER_EDGE = 0.25          # an edge this strong (of the strongest across a side) farther out is the page's own
FRAME_EDGE = 1.5           # search-size pixels: a side this close to the frame's edge at both ends is the frame's
CUT_STRETCH = 0.02         # of a region's outline along the frame's edge: the region may run off the frame
MIN_STRETCH = 6.0          # search-size pixels: a shorter stretch along the frame's edge says nothing


@dataclass(frozen=True)
class Detection:
    corners: np.ndarray      # 4×2, TL TR BR BL, in the input image's pixel coordinates
    score: float             # fraction of the outline that lies on a strong edge (0–1)
    search_scale: float = 1.0   # size of the image the corners were located in, relative to the input
    # The page runs off the frame: `corners` outline the part in view (the whole frame when that part is not a
    # quadrilateral), never a page taken as whole.
    off_frame: bool = False

    def scaled(self, factor: float) -> Detection:
        """The same outline in an image `factor` times as large (e.g. a preview's outline on the still)."""
        return Detection(self.corners * factor, self.score, self.search_scale / factor, self.off_frame)

    def as_list(self) -> list[list[float]]:
        return [[round(float(x), 1), round(float(y), 1)] for x, y in self.corners]


def _along_frame(outline: np.ndarray, size: tuple[int, int], margin: float) -> dict[int, int]:
    """The sides of `outline` (side i runs from corner i to the next) lying along the edge of a frame of
    `size` (width, height) — both ends within `margin` pixels of the same edge — each with that edge (0 left,
    1 top, 2 right, 3 bottom)."""
    w, h = size
    points = np.asarray(outline, np.float64)
    near = np.stack([points[:, 0] <= margin, points[:, 1] <= margin,
                     points[:, 0] >= w - 1 - margin, points[:, 1] >= h - 1 - margin], axis=1)
    both = near & np.roll(near, -1, axis=0)
    return {i: int(np.argmax(both[i])) for i in range(len(points)) if both[i].any()}


def _frame_sides(outline: np.ndarray, size: tuple[int, int], margin: float) -> list[int]:
    return list(_along_frame(outline, size, margin))


@dataclass(frozen=True)
class _Candidate:
    outline: np.ndarray                 # 4 corners, or 4–8 for the part in view of a page running off the frame
    reaches_edge: np.ndarray | None     # the region's hull when it follows the frame's edge for a stretch


def _outlines_from_mask(mask: np.ndarray, min_area: float) -> list[_Candidate]:
    """Convex quadrilaterals outlining the mask's regions. For a region that follows the frame's edge for a
    stretch (a page running off the frame, or close to its edge) also a polygon of 4–8 corners whose sides
    along that edge are the frame's."""
    h, w = mask.shape[:2]
    out = []
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        if cv2.contourArea(contour) < min_area:
            continue
        hull = cv2.convexHull(contour)
        perimeter = cv2.arcLength(hull, True)
        points = hull.reshape(-1, 2).astype(np.float64)
        along_frame = sum(float(np.linalg.norm(points[(i + 1) % len(points)] - points[i]))
                          for i in _frame_sides(points, (w, h), FRAME_EDGE))
        reaches = points if along_frame >= max(MIN_STRETCH, CUT_STRETCH * perimeter) else None
        if reaches is not None:
            for eps in (0.008, 0.015, 0.025):
                approx = cv2.approxPolyDP(hull, eps * perimeter, True).reshape(-1, 2).astype(np.float64)
                if 4 <= len(approx) <= 8 and _frame_sides(approx, (w, h), FRAME_EDGE):
                    out.append(_Candidate(order_corners(approx) if len(approx) == 4 else approx, reaches))
                    break
        for eps in (0.015, 0.025, 0.04):
            approx = cv2.approxPolyDP(hull, eps * perimeter, True)
            if len(approx) == 4:
                quad = order_corners(approx.reshape(4, 2))
                if is_convex(quad) and quad_area(quad) >= min_area and not _frame_sides(quad, (w, h), FRAME_EDGE):
                    out.append(_Candidate(quad, reaches))
                break
    return out


def _runs_off(image: np.ndarray, outline: np.ndarray, sides: list[int], min_length: float) -> bool:
    """Whether the page reaches the frame's edge along one of `sides` of `outline` (in `image` pixels) at
    least `min_length` long: the outermost pixels there look like the page inside the outline, not like the
    desk around it. A page a few pixels from the edge touches it only in the small search image."""
    h, w = image.shape[:2]
    n = len(outline)
    band = max(4.0, 0.03 * max(h, w))
    centre = outline.mean(axis=0)

    def colours(points: np.ndarray) -> np.ndarray:
        xs = np.clip(points[:, 0], 0, w - 1).astype(int)
        ys = np.clip(points[:, 1], 0, h - 1).astype(int)
        values = image[ys, xs]
        if image.ndim == 2:
            return values.astype(np.float32)[:, None]
        return cv2.cvtColor(values[None], cv2.COLOR_BGR2LAB)[0].astype(np.float32) * LAB_WEIGHTS

    def outwards(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        normal = np.array([-(b - a)[1], (b - a)[0]]) / max(1e-6, float(np.linalg.norm(b - a)))
        return -normal if np.dot(centre - (a + b) / 2, normal) > 0 else normal

    ts = np.linspace(0.1, 0.9, 16)[:, None]
    own = [i for i in range(n) if i not in sides]
    if not own:
        return False
    desk = np.median(np.concatenate([colours(outline[i] + (outline[(i + 1) % n] - outline[i]) * ts
                                             + outwards(outline[i], outline[(i + 1) % n]) * band) for i in own]),
                     axis=0)
    for i in sides:
        a, b = outline[i], outline[(i + 1) % n]
        if np.linalg.norm(b - a) < min_length:
            continue
        edge = a + (b - a) * ts
        page = np.median(colours(edge - outwards(a, b) * band), axis=0)
        seen = colours(edge)
        if np.mean(np.linalg.norm(seen - page, axis=1) < np.linalg.norm(seen - desk, axis=1)) >= 0.5:
            return True
    return False


def _candidates(lab: np.ndarray, min_area: float) -> list[_Candidate]:
    edges = np.zeros(lab.shape[:2], np.uint8)
    for c in range(lab.shape[2]):
        channel = cv2.GaussianBlur(lab[:, :, c], (5, 5), 0)
        low, high = np.percentile(channel[::4, ::4], (5, 95))
        spread = float(high - low)
        if spread < 12:
            continue
        edges |= cv2.Canny(channel, 0.25 * spread, 0.6 * spread)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    closed = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, kernel, iterations=2)
    quads = _outlines_from_mask(closed, min_area)
    light = cv2.GaussianBlur(lab[:, :, 0], (7, 7), 0)
    _, bright = cv2.threshold(light, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, kernel, iterations=2)
    quads += _outlines_from_mask(bright, min_area)
    # A light page on a light desk differs from it in colour (a banknote on pale wood): split each colour
    # channel too, the page on either side of the split.
    for c in range(1, lab.shape[2]):
        channel = cv2.GaussianBlur(lab[:, :, c], (7, 7), 0)
        low, high = np.percentile(channel[::4, ::4], (5, 95))
        if float(high - low) < 12:
            continue
        _, split = cv2.threshold(channel, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        for mask in (split, 255 - split):
            quads += _outlines_from_mask(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel, iterations=2), min_area)
    return quads


def _across_side(a: np.ndarray, b: np.ndarray, ts: np.ndarray, offsets: np.ndarray,
                 image: np.ndarray, colour: bool = False) -> np.ndarray:
    """Brightness change across the side a→b (absolute, per pixel), sampled at fractions `ts` along
    it and at `offsets` pixels off it (positive offsets point into the quadrilateral); with `colour`, the
    change of Lab colour (a light page on a light desk differs in colour more than in brightness). Only the
    sampled pixels are read, so a full-resolution colour frame costs no more than a small grey one."""
    h, w = image.shape[:2]
    direction = (b - a) / max(1e-6, float(np.linalg.norm(b - a)))
    normal = np.array([-direction[1], direction[0]])
    steps = np.concatenate([offsets - 0.5, offsets[-1:] + 0.5])
    pts = a + (b - a) * ts[:, None, None] + normal * steps[None, :, None]
    xs, ys = pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32)
    values = cv2.remap(image, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    inside = (xs[:, 1:] >= 0) & (xs[:, 1:] <= w - 1) & (ys[:, 1:] >= 0) & (ys[:, 1:] <= h - 1)
    if values.ndim == 3 and colour:
        step = np.diff(cv2.cvtColor(values, cv2.COLOR_BGR2LAB).astype(np.float32), axis=1) * LAB_WEIGHTS
        return np.sqrt(np.einsum("ijk,ijk->ij", step, step)) * inside
    if values.ndim == 3:
        values = cv2.cvtColor(values, cv2.COLOR_BGR2GRAY)
    values = values.astype(np.float32)
    return np.abs(np.diff(values, axis=1)) * inside


def _edge_support(outline: np.ndarray, grey: np.ndarray, threshold: float, skip: list[int]) -> float:
    """Fraction of points along the outline where the brightness changes sharply across the side (the sides
    in `skip`, along the frame's edge, are not the page's)."""
    ts, offsets = np.linspace(0.05, 0.95, 24), np.arange(-2.0, 3.0)
    n = len(outline)
    hits = [(_across_side(outline[i], outline[(i + 1) % n], ts, offsets, grey).max(axis=1) > threshold).mean()
            for i in range(n) if i not in skip]
    return float(np.mean(hits))


def _contrast(outline: np.ndarray, lab: np.ndarray, skip: list[int]) -> float:
    """How different the document is from what lies around it (median colour difference across the sides
    not in `skip`).

    Grain and seams of a desk outline quadrilaterals too, but with the same surface on both sides."""
    h, w = lab.shape[:2]
    band = max(3.0, 0.02 * max(h, w))
    diffs = []
    n = len(outline)
    for i in (i for i in range(n) if i not in skip):
        a, b = outline[i], outline[(i + 1) % n]
        normal = np.array([-(b - a)[1], (b - a)[0]]) / max(1e-6, float(np.linalg.norm(b - a)))
        ts = np.linspace(0.1, 0.9, 16)[:, None]
        sides = []
        for offset in (band, -band):                  # positive offsets point into the quad
            pts = a + (b - a) * ts + normal * offset
            xs = np.clip(pts[:, 0], 0, w - 1).astype(int)
            ys = np.clip(pts[:, 1], 0, h - 1).astype(int)
            sides.append(lab[ys, xs].astype(np.float32))
        diffs.append(float(np.median(np.linalg.norm(sides[0] - sides[1], axis=-1))))
    return float(np.median(diffs))


def _side_points(a: np.ndarray, b: np.ndarray, image: np.ndarray, reach: float, spacing: float,
                 smooth: bool, outermost: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the edge across the side a→b lies, sampled every `spacing` pixels along it (sub-pixel): the points,
    and their fractions along the side. The strongest edge, or with `outermost` (a wide search, which may
    reach a printed frame inside the page) the outermost strong change of colour."""
    offsets = np.arange(-reach, reach + 1.0)
    length = float(np.linalg.norm(b - a))
    normal = np.array([-(b - a)[1], (b - a)[0]]) / max(1e-6, length)
    samples = max(12, int(length / spacing))
    ts = np.linspace(0.06, 0.94, samples)
    response = _across_side(a, b, ts, offsets, image, colour=outermost)
    if smooth:                                    # sensor noise at full resolution
        response = cv2.GaussianBlur(response, (3, 3), 0)
    peak = response.argmax(axis=1)
    if outermost:       # the page's edge is its outermost strong one: a printed frame inside may be stronger
        interior = response[:, 1:-1]
        local_max = (interior >= response[:, :-2]) & (interior >= response[:, 2:])
        strong = local_max & (interior >= OUTER_EDGE * response.max(axis=1, keepdims=True))
        peak = np.where(strong.any(axis=1), strong.argmax(axis=1) + 1, peak)
    strength = response[np.arange(samples), peak]
    keep = (strength > 0.35 * np.median(strength[strength > 0])) if np.any(strength > 0) else strength > 0
    keep &= (peak > 0) & (peak < len(offsets) - 1)
    if keep.sum() < 6:
        return None
    rows = np.nonzero(keep)[0]
    left, mid, right = (response[rows, peak[rows] - 1], response[rows, peak[rows]], response[rows, peak[rows] + 1])
    denom = left - 2 * mid + right
    shift = np.where(np.abs(denom) > 1e-6, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0.0)
    along = offsets[peak[rows]] + np.clip(shift, -0.5, 0.5)
    return a + (b - a) * ts[rows, None] + normal * along[:, None], ts[rows]


def _fit(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The line through the points, Huber-weighted (a finger over the side, a stray peak)."""
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)


def _meet(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    (p1, d1), (p2, d2) = first, second
    m = np.array([d1, -d2]).T
    if abs(np.linalg.det(m)) < 1e-6:
        return None
    t = np.linalg.solve(m, p2 - p1)
    return p1 + d1 * t[0]


# A corner is where its two sides meet near it: each side is fitted on the part of it nearest the corner, so
# a curled receipt or a bowed page edge still puts the corner on the paper's corner (for straight sides the
# part and the whole give the same line).
NEAR_CORNER = 0.4
BOW_COS = float(np.cos(np.radians(8.0)))
MAX_SCATTER = 3.0         # pixels, median distance of a side's points from their line


def _refine(quad: np.ndarray, image: np.ndarray, reach: float, spacing: float, smooth: bool,
            outermost: bool = False, fixed: list[int] | tuple[int, ...] = ()) -> np.ndarray | None:
    """Fit each side to the edge across it (sampled every `spacing` pixels along it), then intersect
    neighbouring sides near each corner; the sides in `fixed` (along the frame's edge) stay as they are."""
    sides, wholes = [], []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        if i in fixed:
            sides.append(None)
            wholes.append((a, (b - a) / max(1e-6, float(np.linalg.norm(b - a)))))
            continue
        found = _side_points(a, b, image, reach, spacing, smooth, outermost)
        if found is None:
            return None
        sides.append(found)
        wholes.append(_fit(found[0]))

    def near(side: int, start: bool) -> tuple[np.ndarray, np.ndarray]:
        if sides[side] is None:
            return wholes[side]
        (points, ts), whole = sides[side], wholes[side]
        part = points[ts <= NEAR_CORNER] if start else points[ts >= 1 - NEAR_CORNER]
        if len(part) < 6:
            return whole
        local = _fit(part)
        # A curl or a second sheet bends a side by a few degrees along an edge that stays a line; another edge
        # crossing this end (a pen, a blade) turns it further, or scatters the points about any line.
        point, direction = local
        away = np.abs((part - point) @ np.array([-direction[1], direction[0]]))
        scatter = float(np.partition(away, len(away) // 2)[len(away) // 2])      # the median, cheaply
        bent = abs(float(np.dot(direction, whole[1]))) < BOW_COS
        return whole if bent or scatter > MAX_SCATTER else local

    corners = []
    for i in range(4):              # corner i ends side i-1 and starts side i
        corner = _meet(near(i - 1, start=False), near(i, start=True))
        if corner is None:
            return None
        corners.append(corner)
    return np.array(corners)


def _frame(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    return np.array([[0.0, 0.0], [w - 1.0, 0.0], [w - 1.0, h - 1.0], [0.0, h - 1.0]])


def _part_of(in_view: tuple[float, np.ndarray], running_off: tuple[float, np.ndarray]) -> bool:
    """Whether the outline in view lies on the page running off the frame as a part of it (a printed box, a
    band of a chart) rather than being a page of its own lying on a larger region (a shadow, the desk beside
    it): inside it, and either a small part of it or less clearly edged."""
    (support, outline), (off_support, off_outline) = in_view, running_off
    if cv2.pointPolygonTest(off_outline.astype(np.float32), tuple(map(float, outline.mean(axis=0))), False) < 0:
        return False
    return quad_area(outline) < 0.5 * quad_area(off_outline) or round(off_support, 1) > round(support, 1)


def find_outline(image: np.ndarray, *, min_area_fraction: float = 0.04) -> Detection | None:
    """The most page-like quadrilateral, located at the search size (corners in `image` pixels,
    accurate to a pixel or two of the search size); None when there is no page. A page in view is preferred
    to one running off the frame (flagged `off_frame`) unless it is a part of that one."""
    if image is None or image.size == 0 or image.ndim not in (2, 3):
        return None
    small, scale = halve_to(image, WORK_SIDE)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB) if small.ndim == 3 else small[:, :, None]
    candidates = _candidates(lab, min_area_fraction * small.shape[0] * small.shape[1])
    if not candidates:
        return None
    grey = cv2.GaussianBlur(lab[:, :, 0], (5, 5), 1.2).astype(np.float32)
    steps = np.abs(np.diff(grey[::4], axis=1))
    threshold = max(2.0, float(np.percentile(steps, 90)) * 0.5)
    size = (small.shape[1], small.shape[0])
    scored = []
    for candidate in candidates:
        outline = candidate.outline
        along = _along_frame(outline, size, FRAME_EDGE)
        cut = list(along)
        # A region along three or four edges of the frame is the desk, or a page filling the frame (a flat form).
        if len(cut) > len(outline) - 2 or len(set(along.values())) > 2:
            continue
        scored.append((_edge_support(outline, grey, threshold, cut), quad_area(outline), candidate, cut))
    scored.sort(key=lambda s: (round(s[0], 1), s[1]), reverse=True)
    in_view = running_off = None
    for support, _, candidate, cut in scored:
        outline = candidate.outline
        if support < MIN_SUPPORT or _contrast(outline, lab, cut) < MIN_CONTRAST:
            continue
        hull = candidate.reaches_edge
        if cut:
            off = _runs_off(image, outline / scale, cut, MIN_STRETCH / scale)
            if not off:                     # the frame's edge is no side of a page in view
                continue
        else:
            off = hull is not None and _runs_off(image, hull / scale, _frame_sides(hull, size, FRAME_EDGE),
                                                 MIN_STRETCH / scale)
        if off and running_off is None:
            running_off = (support, outline)
        elif not off and in_view is None:
            in_view = (support, outline)
        if in_view is not None and running_off is not None:
            break
    if in_view is not None and (running_off is None or not _part_of(in_view, running_off)):
        return Detection(in_view[1] / scale, float(in_view[0]), search_scale=scale)
    if running_off is None:
        return None
    support, outline = running_off
    if len(outline) != 4:                    # what is in view is no quadrilateral: keep the whole frame
        return Detection(_frame(image), float(support), search_scale=scale, off_frame=True)
    return Detection(outline / scale, float(support), search_scale=scale, off_frame=True)


def refine_outline(image: np.ndarray, found: Detection) -> Detection:
    """The outline's sides fitted to the edges of the full image; corners in `image` pixels."""
    quad = found.corners
    h, w = image.shape[:2]
    fixed = _frame_sides(quad, (w, h), (FRAME_EDGE + 1.0) / found.search_scale) if found.off_frame else []
    if len(fixed) == 4:                 # the whole frame: the part of the page in view is no quadrilateral
        return Detection(_frame(image), found.score, search_scale=1.0, off_frame=True)
    # first within the search's uncertainty, sparsely; then closely along the found edge
    for reach, spacing, outermost in ((max(4.0, 6 / found.search_scale), 24.0, True), (4.0, 10.0, False)):
        refined = _refine(quad, image, round(reach), spacing, smooth=True, outermost=outermost, fixed=fixed)
        if refined is None or not is_convex(refined):
            break
        quad = refined
    quad = np.clip(quad, 0.0, [w - 1.0, h - 1.0])      # a corner is never outside the picture
    return Detection(order_corners(quad), found.score, search_scale=1.0, off_frame=found.off_frame)


def detect_page(image: np.ndarray, *, min_area_fraction: float = 0.04) -> Detection | None:
    """The page's outline in the frame with accurate corners, or None when no page is found."""
    found = find_outline(image, min_area_fraction=min_area_fraction)
    return None if found is None else refine_outline(image, found)

"""Page detection on photos nobody here took (../shared/testdata/photos, corners in truth.json).

Run: .venv/bin/python bench/bench_field_photos.py [--testdata DIR]
Per photo: found or not, the Jaccard index (intersection over union) of the found and the true outline, and
the worst corner's distance as a share of the image diagonal. Photos whose truth has no corners are behaviour
cases: a page running off the frame must be flagged, a flat form must not grow an invented page. Targets:
every scored photo found, worst corner ≤ 1 % of the diagonal, mean Jaccard ≥ 0.98.

Pages running off the frame: each scored photo cut across its page on each side, 10 % and 25 % of the page's
extent in from that side (the page then runs off that edge of the picture): how many are flagged `off_frame`
(target ≥ 95 %), and how many of the whole photos are (target none).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from app.imaging.detect import detect_page  # noqa: E402
from app.imaging.encode import decode_image  # noqa: E402
from app.imaging.enhance import ColourMode  # noqa: E402
from app.imaging.pipeline import PageOptions, process_still  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("ZONGCHUANG_TESTDATA", ROOT.parent / "shared" / "testdata")) / "photos"


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.astype(np.float32), b.astype(np.float32)
    inter, _ = cv2.intersectConvexConvex(a, b)
    union = cv2.contourArea(a) + cv2.contourArea(b) - inter
    return float(inter / union) if union > 0 else 0.0


def worst_corner(found: np.ndarray, truth: np.ndarray, diagonal: float) -> float:
    return float(np.max(np.linalg.norm(found - truth, axis=1)) / diagonal)


def measure(folder: Path) -> list[dict]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    rows = []
    for name, item in sorted(truth.items()):
        image = cv2.imread(str(folder / name))
        h, w = image.shape[:2]
        found = detect_page(image)
        row = {"name": name, "found": found is not None, "scored": item.get("corners") is not None,
               "off_frame": bool(found is not None and getattr(found, "off_frame", False))}
        if found is not None:
            row["corners"] = found.as_list()
            row["inside"] = bool(np.all((found.corners >= -0.5) & (found.corners <= [w - 0.5, h - 0.5])))
        if row["scored"]:
            true = np.array(item["corners"], np.float64)
            if found is not None:
                row["jaccard"] = jaccard(found.corners, true)
                row["worst_corner"] = worst_corner(found.corners, true, float(np.hypot(w, h)))
        rows.append(row)
    return rows


CUTS = [(side, share) for side in "top bottom left right".split() for share in (0.10, 0.25)]


def cut_across(image: np.ndarray, corners: np.ndarray, side: str, share: float) -> np.ndarray:
    """The photo cut `share` of the page's extent in from its `side`, so the page runs off that edge."""
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    if side == "top":
        return image[int(y0 + share * (y1 - y0)):]
    if side == "bottom":
        return image[:int(y1 - share * (y1 - y0))]
    if side == "left":
        return np.ascontiguousarray(image[:, int(x0 + share * (x1 - x0)):])
    return np.ascontiguousarray(image[:, :int(x1 - share * (x1 - x0))])


def measure_cuts(folder: Path) -> list[dict]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    rows = []
    for name, item in sorted(truth.items()):
        if item.get("corners") is None:
            continue
        image = cv2.imread(str(folder / name))
        corners = np.array(item["corners"], np.float64)
        for side, share in CUTS:
            found = detect_page(cut_across(image, corners, side, share))
            rows.append({"name": name, "side": side, "share": share, "found": found is not None,
                         "off_frame": bool(found is not None and found.off_frame)})
    return rows


STROKE = 15              # grey levels below the paper around it, in the photo: a stroke (pencil included)
SEEN = 5                 # L* below the paper around it: a stroke the eye still sees
MARK = 12                # pixels: a smaller dark speck is grain, not writing
PENCIL = ("campbell_math_cheat_sheet.jpg", "campbell_notepad.jpg")     # written in pencil


def _around(grey: np.ndarray) -> np.ndarray:
    """The paper around each pixel: the page closed over strokes narrower than 15 px."""
    return cv2.morphologyEx(grey, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15)))


def stroke_mask(page: np.ndarray) -> np.ndarray:
    """Where the writing is on a page as photographed: STROKE grey levels darker than the paper around it, in
    marks of at least MARK pixels (not the grain of the paper)."""
    grey = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    dark = (cv2.subtract(_around(grey), grey) >= STROKE).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    return (stats[:, cv2.CC_STAT_AREA] >= MARK)[labels] & (labels > 0)


def strokes_kept(page: np.ndarray, strokes: np.ndarray) -> float:
    """Share of the stroke pixels still SEEN L* darker than the paper around them."""
    grey = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    lightness = lambda g: cv2.cvtColor(cv2.cvtColor(g, cv2.COLOR_GRAY2BGR), cv2.COLOR_BGR2LAB)[:, :, 0] / 2.55  # noqa: E731
    return float(np.mean((lightness(_around(grey)) - lightness(grey))[strokes] >= SEEN))


MODES = (ColourMode.ORIGINAL, ColourMode.COLOUR, ColourMode.GREY, ColourMode.BLACK_WHITE)


def measure_whitening(folder: Path) -> list[dict]:
    """Per photo: the share of its writing's pixels the eye sees on the page as photographed (`original`) and
    in each whitened mode, the page cut out the same way for all."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    rows = []
    for name in sorted(truth):
        image = cv2.imread(str(folder / name))
        found = process_still(image, PageOptions(mode=ColourMode.ORIGINAL, find_barcodes=False)).corners
        corners = tuple(map(tuple, found)) if found else ((0, 0), (image.shape[1] - 1, 0),
                                                          (image.shape[1] - 1, image.shape[0] - 1), (0, image.shape[0] - 1))
        pages = {mode: decode_image(process_still(image, PageOptions(mode=mode, corners=corners,
                                                                      find_barcodes=False)).jpeg) for mode in MODES}
        strokes = stroke_mask(pages[ColourMode.ORIGINAL])
        row = {"name": name, "strokes": float(strokes.mean())}
        for mode in MODES:
            row[mode.value] = strokes_kept(pages[mode], strokes)
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--testdata", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not (args.testdata / "truth.json").exists():
        print(f"SKIP: no field photos at {args.testdata}")
        return 0
    rows = measure(args.testdata)
    print(f"{'photo':34} {'found':>5} {'Jaccard':>8} {'worst corner':>12}  note")
    for r in rows:
        j = f"{r['jaccard']:.3f}" if "jaccard" in r else "—"
        c = f"{100 * r['worst_corner']:.2f} %" if "worst_corner" in r else "—"
        note = ("flagged off frame" if r["off_frame"] else "") if r["scored"] else (
            "not scored" + (", flagged off frame" if r["off_frame"] else ""))
        if r.get("inside") is False:
            note += " corner outside the image"
        print(f"{r['name']:34} {'yes' if r['found'] else 'no':>5} {j:>8} {c:>12}  {note}")
    scored = [r for r in rows if r["scored"]]
    found = [r for r in scored if r["found"]]
    mean_j = sum(r.get("jaccard", 0.0) for r in scored) / len(scored)
    worst = max((r["worst_corner"] for r in found), default=1.0)
    print(f"RESULT name=field_photos_found value={len(found)} unit=photos target={len(scored)} "
          f"pass={len(found) == len(scored)}")
    print(f"RESULT name=field_photos_mean_jaccard value={mean_j:.3f} unit=ratio target=0.98 pass={mean_j >= 0.98}")
    print(f"RESULT name=field_photos_worst_corner value={100 * worst:.2f} unit=percent_of_diagonal target=1.00 "
          f"pass={worst <= 0.01}")
    outside = sum(1 for r in rows if r.get("inside") is False)
    print(f"RESULT name=field_photos_corners_outside value={outside} unit=photos target=0 pass={outside == 0}")
    cuts = measure_cuts(args.testdata)
    print(f"\n{'photo cut across its page':34} " + " ".join(f"{side[0].upper()}{round(100 * share):>2}"
                                                             for side, share in CUTS))
    for name in sorted({r["name"] for r in cuts}):
        marks = ["off" if r["off_frame"] else ("whl" if r["found"] else " — ") for r in cuts if r["name"] == name]
        print(f"{name:34} " + " ".join(marks))
    flagged = sum(r["off_frame"] for r in cuts) / len(cuts)
    print(f"RESULT name=field_photos_cut_flagged value={100 * flagged:.1f} unit=percent target=95 "
          f"pass={flagged >= 0.95}")
    whole_flagged = sum(1 for r in scored if r["off_frame"])
    print(f"RESULT name=field_photos_whole_flagged value={whole_flagged} unit=photos target=0 "
          f"pass={whole_flagged == 0}")
    whitening = measure_whitening(args.testdata)
    print(f"\n{'writing the eye still sees':34} {'strokes':>7} " + " ".join(f"{m.value:>8}" for m in MODES))
    for r in whitening:
        print(f"{r['name']:34} {100 * r['strokes']:6.1f}% " + " ".join(f"{r[m.value]:8.2f}" for m in MODES))
    for mode in MODES[1:]:
        pencil = min(r[mode.value] for r in whitening if r["name"] in PENCIL)
        mean = sum(r[mode.value] for r in whitening) / len(whitening)
        print(f"RESULT name=field_photos_pencil_strokes_{mode.value} value={pencil:.2f} unit=share_worst_photo "
              f"target>=0.90 pass={pencil >= 0.9}")
        print(f"RESULT name=field_photos_strokes_{mode.value} value={mean:.2f} unit=share_mean target=information "
              f"pass=True")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Page detection on photos nobody here took (../shared/testdata/photos, corners in truth.json).

Run: .venv/bin/python bench/bench_field_photos.py [--testdata DIR]
Per photo: found or not, the Jaccard index (intersection over union) of the found and the true outline, and
the worst corner's distance as a share of the image diagonal. Photos whose truth has no corners are behaviour
cases: a page running off the frame must be flagged, a flat form must not grow an invented page. Targets:
every scored photo found, worst corner ≤ 1 % of the diagonal, mean Jaccard ≥ 0.98.
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
        note = "" if r["scored"] else ("not scored" + (", flagged off frame" if r["off_frame"] else ""))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

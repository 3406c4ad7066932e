"""Page detection on photos nobody here took (../shared/testdata/photos, hand-marked corners): every scored photo
found, its worst corner within 1 % of the diagonal, mean Jaccard ≥ 0.98, no corner outside the picture, and a
flat form without a page edge left without an invented page. bench/bench_field_photos.py prints the table."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_field_photos", ROOT / "bench" / "bench_field_photos.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
pytestmark = pytest.mark.skipif(not (BENCH.DEFAULT / "truth.json").exists(),
                                reason=f"the field photos are not here ({BENCH.DEFAULT})")


def test_every_scored_photo_is_found_with_its_corners_where_they_were_marked():
    rows = BENCH.measure(BENCH.DEFAULT)
    scored = [r for r in rows if r["scored"]]
    assert len(scored) == 9
    assert [r["name"] for r in scored if not r["found"]] == []
    worst = {r["name"]: round(100 * r["worst_corner"], 2) for r in scored}
    assert max(worst.values()) <= 1.0, worst
    assert sum(r["jaccard"] for r in scored) / len(scored) >= 0.98
    assert [r["name"] for r in rows if r.get("inside") is False] == []


def test_a_flat_form_without_a_page_edge_gets_no_invented_page():
    rows = {r["name"]: r for r in BENCH.measure(BENCH.DEFAULT)}
    assert rows["campbell_tax.jpg"]["found"] is False

"""Page detection on photos nobody here took (../shared/testdata/photos, hand-marked corners): every scored photo
found, its worst corner within 1 % of the diagonal, mean Jaccard ≥ 0.98, no corner outside the picture, none of
them flagged as running off the frame while the same photos cut across their page are, a flat form without a
page edge left without an invented page, and pencil writing as visible in every colour mode as in the photo.
bench/bench_field_photos.py prints the tables."""

from __future__ import annotations

import pytest
from conftest import bench_module

BENCH = bench_module("bench_field_photos")
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
    assert [r["name"] for r in scored if r["off_frame"]] == []


def test_the_same_photos_cut_across_their_page_are_flagged_as_running_off_the_frame():
    cuts = BENCH.measure_cuts(BENCH.DEFAULT)
    assert len(cuts) == 72
    missed = [(r["name"], r["side"], r["share"]) for r in cuts if not r["off_frame"]]
    assert len(missed) <= 0.05 * len(cuts), missed


def test_a_flat_form_without_a_page_edge_gets_no_invented_page():
    rows = {r["name"]: r for r in BENCH.measure(BENCH.DEFAULT)}
    assert rows["campbell_tax.jpg"]["found"] is False


def test_pencil_writing_stays_as_visible_in_every_colour_mode():
    rows = {r["name"]: r for r in BENCH.measure_whitening(BENCH.DEFAULT)}
    for name in BENCH.PENCIL:
        for mode in ("colour", "grey", "bw"):
            assert rows[name][mode] >= 0.9, (name, mode, rows[name])

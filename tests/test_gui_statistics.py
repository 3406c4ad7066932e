"""The supervisor's 统计 tab on the real window: the figures of the known day of tests/test_statistics.py, the
table and chart by agency, the refusal and 差评 lists, the export; a clerk has no such tab."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from gui_support import click, settle
from PySide6.QtCore import QDate
from test_statistics import day_of_work  # noqa: F401 — the fixture

from tests.conftest import main_window


@pytest.fixture
def supervisor_window(qtbot, desk, supervisor):
    with main_window(qtbot, desk, supervisor) as w:
        yield w


def test_the_statistics_tab_shows_the_days_figures_and_exports_them(qtbot, supervisor_window, day_of_work,  # noqa: F811
                                                                    tmp_path):
    w = supervisor_window
    panel = w.statistics
    w.tabs.setCurrentWidget(panel)                  # shown: this month's figures are counted
    settle(qtbot, w)
    assert panel.report is not None
    panel.start.setDate(QDate(2026, 11, 24))
    panel.end.setDate(QDate(2026, 11, 24))
    click(qtbot, w, panel.query_button)
    qtbot.waitUntil(lambda: panel.report is not None and panel.report.end == date(2026, 11, 24), timeout=10000)
    f = panel.figures
    assert (f["cases"].text(), f["instant_rate"].text(), f["satisfaction_rate"].text()) == ("5", "20.0%", "50.0%")
    assert (f["wait_avg_min"].text(), f["wait_p90_min"].text(), f["refusals"].text()) == ("20.0", "30.0", "1")
    assert (f["deferred"].text(), f["deferred_on_time_rate"].text(), f["bad_ratings"].text()) == ("1", "100.0%", "1")
    assert f["cannot_do_registered"].text() == "1"
    panel.grouping.setCurrentIndex(panel.grouping.findData("agency"))        # counted again, by agency
    settle(qtbot, w)
    rows = {panel.table.item(r, 0).text(): panel.table.item(r, 1).text() for r in range(panel.table.rowCount())}
    assert rows == {"社保": "3", "民政": "2"}
    (series,) = panel.chart.series()
    handled, instant = series.barSets()
    assert [handled.at(i) for i in range(handled.count())] == [2, 3]          # 民政, 社保 in name order
    assert [instant.at(i) for i in range(instant.count())] == [0, 1]
    assert panel.refusals.item(0, 2).text() == "申请人不满80周岁"
    assert panel.bad.item(0, 3).text() == "不满意" and panel.bad.item(0, 4).text() == "服务效率：等太久"
    shots = os.environ.get("ZONGCHUANG_SHOTS")
    if shots:
        qtbot.wait(200)                              # the chart's scene repaints on the next turns of the loop
        w.grab().save(str(Path(shots) / "statistics-view.png"))
    panel.export(tmp_path / "统计.xlsx")
    settle(qtbot, w)
    assert "已导出" in panel.message.text()
    book = openpyxl.load_workbook(tmp_path / "统计.xlsx")
    assert {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True)}["办件量"] == "5"


def test_a_clerk_has_no_statistics_tab(window):
    assert window.statistics is None
    assert "统计" not in [window.tabs.tabText(i) for i in range(window.tabs.count())]

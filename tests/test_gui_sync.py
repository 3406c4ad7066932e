"""Sync in the window, on the qasync loop the application runs: status bar, sync panel, background drain."""

from __future__ import annotations

import asyncio

import pytest
import qasync
from gui_support import click, settle

from tests.sync_support import RunningDistrict, accept_cases

pytestmark = pytest.mark.gui


@pytest.fixture
def qloop(qapp):
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)     # not closed: closing a qasync loop here crashes later Qt tests


@pytest.fixture
def district(tmp_path):
    d = RunningDistrict(tmp_path / "district").start()
    yield d
    d.close()


async def click_in_loop(qtbot, button, done, timeout=30.0, check=None):
    """Click while the qasync loop runs, as in the application (a round started from a click must find
    the loop running), and wait until `done()`."""
    from PySide6.QtCore import Qt

    qtbot.mouseClick(button, Qt.LeftButton)
    if check is not None:
        check()
    async def wait():
        while not done():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(wait(), timeout)


def test_sync_panel_sends_cases_and_shows_a_refused_one_with_its_reason(qtbot, qloop, window, desk, district):
    qloop.run_until_complete(desk.sync.enrol(district.url, district.service.create_enrolment_code()))
    first, _ = accept_cases(desk, 2)
    window.status.refresh()
    settle(qtbot, window)
    assert window.status.sync_label.text().startswith("待上报 2 件 · 上次同步 尚未成功")

    click(qtbot, window, window.status.sync_label)
    panel = window.status.sync_panel
    settle(qtbot, window)
    assert "测试区级平台" in panel.summary.text()
    reports = []
    window.status.sync.finished.connect(reports.append)
    def syncing():
        assert panel.sync_button.text() == "正在同步…"
    qloop.run_until_complete(click_in_loop(qtbot, panel.sync_button, lambda: reports, check=syncing))
    settle(qtbot, window)
    assert reports[0].ok and panel.sync_button.isEnabled()
    assert "待上报 0 件" in panel.summary.text() and panel.table.rowCount() == 0
    assert window.status.sync_label.text().startswith("待上报 0 件 · 上次同步 11-24")
    window.tabs.setCurrentIndex(1)
    settle(qtbot, window)
    table = window.case_list.table
    rows = range(table.rowCount())
    assert {table.item(r, 4).text() for r in rows} == {"已报送"}      # the district received them
    assert {table.item(r, 7).text() for r in rows} == {"已上报"}

    # A stored event changed after it was sent: the district refuses that case, and only that one.
    from sqlalchemy import update

    from app.store.models import CaseEventRow
    ev = desk.store.cases.events(first.primary.id)[1]
    with desk.store.engine.begin() as conn:
        conn.execute(update(CaseEventRow).where(CaseEventRow.id == ev.id)
                     .values(payload={**ev.payload, "edited": 1}, synced_at=None))
    qloop.run_until_complete(click_in_loop(qtbot, panel.sync_button, lambda: len(reports) == 2))
    settle(qtbot, window)
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 0).text() == first.primary.case_number
    assert "内容不同" in panel.table.item(0, 2).text()
    window.status.refresh()
    settle(qtbot, window)
    assert "被拒 1 件" in window.status.sync_label.text()

    # 重试 asks the district again (and it refuses again).
    retry = panel.table.cellWidget(0, 3)
    qloop.run_until_complete(click_in_loop(qtbot, retry, lambda: len(reports) == 3))
    settle(qtbot, window)
    assert panel.table.rowCount() == 1 and reports[2].quarantined


def test_the_window_drains_the_outbox_in_the_background(qtbot, qloop, window, desk, district):
    qloop.run_until_complete(desk.sync.enrol(district.url, district.service.create_enrolment_code()))

    async def until(predicate, timeout=30.0):
        async def wait():
            while not predicate():
                await asyncio.sleep(0.02)
        await asyncio.wait_for(wait(), timeout)

    async def the_day():        # all inside the running loop, as in the application
        desk.sync.start_background(3600)                  # the timer alone would wait an hour
        await until(lambda: desk.store.sync.meta().get("last_success"))
        accept_cases(desk, 3)
        window.status.refresh()                           # sees new work and asks for a round now
        await until(lambda: desk.sync.status().unsent == 0 and desk.sync.status().counts["synced"] == 3)
        await desk.sync.stop()

    qloop.run_until_complete(the_day())
    assert len(district.service.cases()) == 3

"""好差评 at the real window: after 受理 the citizen rates on the evaluator — the dialog turned to the citizen on a
one-screen PC, a full-screen window on the second screen otherwise (tests/gui_two_screens.py, run here on a
two-screen offscreen platform) — by touch or with the evaluator keypad; the rating syncs to the district, whose
back office calls back and rectifies a 差评."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gui_support import click, settle
from PySide6.QtCore import Qt

from app.demo import collect_materials, fill_like_a_citizen
from app.domain.rating import KeyMap, RatingLevel
from app.ui import rating_view

ROOT = Path(__file__).resolve().parents[1]


def ready_to_accept(desk, clerk, roster: int = 0, item: str = "SB003"):
    desk.devices.present_simulated_card(roster)
    holder = desk.devices.read_card().holder
    app = desk.intake.start("item", item, clerk)
    desk.intake.set_applicant(app, holder, clerk, from_card=True)
    fill_like_a_citizen(desk, app, clerk)
    collect_materials(desk, app, clerk, defer_one=False)
    return desk.intake.load(app.primary.id)


def accept_in_window(qtbot, window, desk, clerk, **kw):
    app = ready_to_accept(desk, clerk, **kw)
    window.intake.show_application(app)
    settle(qtbot, window)
    click(qtbot, window, window.intake.accept_button)
    qtbot.waitUntil(lambda: window.rating.dialog is not None and window.rating.dialog.isVisible(), timeout=10000)
    return app


@pytest.fixture(autouse=True)
def quick_thanks(monkeypatch):
    monkeypatch.setattr(rating_view, "THANKS_MS", 50)


def test_a_bad_rating_with_tags_is_given_on_the_dialog_and_followed_up_at_the_district(qtbot, window, desk, clerk):
    app = accept_in_window(qtbot, window, desk, clerk)
    panel = window.rating.panel
    assert window.rating.window is None                                 # one screen: the dialog
    assert "请将屏幕转向群众" in window.rating.dialog.windowTitle()
    assert panel.name.text() == "王小明" and "工号：wang" in panel.staff.text() and panel.avatar.text() == "王"
    assert panel.prompt.text() == "请您对本次服务进行评价" and panel.prompt.isVisible()
    assert [b.text().split("\n")[0] for b in panel.buttons.values()] == ["非常满意", "满意", "基本满意", "不满意",
                                                                         "非常不满意"]
    assert not panel.tags["服务效率"].isVisible()
    qtbot.mouseClick(panel.buttons[RatingLevel.DISSATISFIED], Qt.LeftButton)
    assert all(b.isVisible() for b in panel.tags.values()) and window.rating.asking
    qtbot.mouseClick(panel.submit_button, Qt.LeftButton)                # no tag and no comment yet
    settle(qtbot, window)
    assert "差评请选择不满意的方面" in panel.message.text()
    assert desk.store.cases.get(app.primary.id).rating is None
    qtbot.mouseClick(panel.tags["服务效率"], Qt.LeftButton)
    panel.comment.setText("排队1个多小时")
    qtbot.keyClick(panel.comment, Qt.Key_Return)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.rating.dialog is None, timeout=5000)
    stored = desk.store.cases.get(app.primary.id)
    assert stored.rating.rating.level is RatingLevel.DISSATISFIED
    assert stored.rating.rating.tags == ("服务效率",) and stored.rating.rating.comment == "排队1个多小时"
    assert "群众评价：不满意（服务效率）" in window.status.currentMessage()

    report = desk.sync.sync_blocking(8)
    assert report.error is None
    office = desk.sync.training_back_office()
    office.back_office("callback", stored.case_number, note="已回访")
    office.back_office("rectify", stored.case_number, note="增开窗口")
    (row, case), = office.district.service.ratings.ratings()
    assert case.case_number == stored.case_number and row.level == 2 and row.tags == ["服务效率"]
    assert row.callback_note == "已回访" and row.rectified_note == "增开窗口" and row.comment == "排队1个多小时"


def test_the_evaluator_keypad_rates_with_its_own_keys_and_a_case_is_rated_once(qtbot, window, desk, clerk):
    desk.rating.keys = KeyMap.parse("F1=5,F2=4,F3=3,F4=2,F5=1")
    app = accept_in_window(qtbot, window, desk, clerk)
    panel = window.rating.panel
    assert panel.buttons[RatingLevel.SATISFIED].text() == "满意\n（F2）"
    qtbot.keyClick(panel.comment, Qt.Key_2)                             # typing in the comment box is typing
    assert panel.comment.text() == "2" and window.rating.asking
    qtbot.keyClick(window, Qt.Key_F2)                                   # the keypad, wherever the focus is
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.rating.dialog is None, timeout=5000)
    assert desk.store.cases.get(app.primary.id).rating.rating.level is RatingLevel.SATISFIED
    assert not window.rating.ask(desk.rating.load([app.primary.id]), rating_view.RatingStage.HANDOUT)


def test_a_citizen_may_decline_and_is_asked_again_at_the_handout(qtbot, window, desk, clerk):
    app = accept_in_window(qtbot, window, desk, clerk, roster=2)
    qtbot.keyClicks(window.intake.find_box, "5")              # the clerk typing a digit meanwhile is not a rating
    assert window.intake.find_box.text() == "5" and window.rating.asking
    qtbot.keyClick(window.rating.dialog, Qt.Key_Escape)
    settle(qtbot, window)
    assert window.rating.dialog is None and not window.rating.asking and "群众未评价" in window.status.currentMessage()
    assert desk.store.cases.get(app.primary.id).rating is None
    assert window.rating.ask(desk.rating.load([app.primary.id]), rating_view.RatingStage.HANDOUT)
    click(qtbot, window, window.rating.panel.buttons[RatingLevel.VERY_SATISFIED])
    qtbot.waitUntil(lambda: window.rating.dialog is None, timeout=5000)
    rating = desk.store.cases.get(app.primary.id).rating.rating
    assert rating.level is RatingLevel.VERY_SATISFIED and rating.stage.value == "handout"


def test_switched_off_nobody_is_asked(qtbot, window, desk, clerk):
    desk.rating.stages = frozenset()
    app = ready_to_accept(desk, clerk)
    window.intake.show_application(app)
    settle(qtbot, window)
    click(qtbot, window, window.intake.accept_button)
    settle(qtbot, window)
    assert window.rating.dialog is None and not window.rating.asking


def test_on_a_second_screen_the_evaluator_fills_it_and_the_keypad_rates(tmp_path):
    """A PC with a second screen: run on an offscreen platform with two screens (a child pytest run)."""
    two = tmp_path / "two-screens.json"
    two.write_text(json.dumps({"screens": [
        {"name": "hall-pc", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "physicalDpi": 96},
        {"name": "evaluator", "x": 1366, "y": 0, "width": 1024, "height": 600, "logicalDpi": 96,
         "physicalDpi": 96}]}), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={two}", "ZONGCHUANG_SHOTS": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(ROOT / "tests" / "gui_two_screens.py")], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout
    assert (tmp_path / "rating-second-screen.png").exists()

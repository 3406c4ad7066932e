"""Run by tests/test_gui_rating.py on an offscreen platform with two screens (not collected on its own): the
evaluator fills the second screen, shows the clerk while the case is worked and asks for the rating there, while
the clerk's window keeps the focus and the keypad's keys rate."""

from __future__ import annotations

import os
from pathlib import Path

from gui_support import click, settle
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from test_gui_rating import ready_to_accept

from app.domain.rating import RatingLevel
from app.ui import rating_view


def test_the_evaluator_fills_the_second_screen_and_the_keypad_rates(qtbot, window, desk, clerk, monkeypatch):
    monkeypatch.setattr(rating_view, "THANKS_MS", 50)
    screens = QGuiApplication.screens()
    assert sorted(s.name() for s in screens) == ["evaluator", "hall-pc"]
    assert window.screen().name() == "hall-pc"
    qtbot.waitUntil(lambda: window.rating.window is not None and window.rating.window.isVisible(), timeout=5000)
    evaluator = window.rating.window
    assert evaluator.screen().name() == "evaluator"
    assert evaluator.geometry().getRect() == (1366, 0, 1024, 600)
    panel = window.rating.panel
    assert panel.name.text() == "王小明" and "工号：wang" in panel.staff.text() and not panel.prompt.isVisible()

    app = ready_to_accept(desk, clerk)
    window.intake.show_application(app)
    settle(qtbot, window)
    click(qtbot, window, window.intake.accept_button)
    qtbot.waitUntil(lambda: window.rating.asking, timeout=10000)
    assert window.rating.dialog is None and panel.prompt.isVisible()
    assert "评价器" in window.status.currentMessage()
    shots = os.environ.get("ZONGCHUANG_SHOTS")
    if shots:
        evaluator.grab().save(str(Path(shots) / "rating-second-screen.png"))
    panel.buttons[RatingLevel.VERY_DISSATISFIED].click()       # touched on the evaluator screen: tags first
    assert panel.tags["服务态度"].isVisible()
    if shots:
        panel.tags["服务态度"].click()
        evaluator.grab().save(str(Path(shots) / "rating-second-screen-bad.png"))
    qtbot.keyClick(window, Qt.Key_4)                          # then the keypad (default keys 1–5): 满意
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.rating.asking, timeout=5000)
    assert desk.store.cases.get(app.primary.id).rating.rating.level is RatingLevel.SATISFIED
    qtbot.waitUntil(lambda: not panel.prompt.isVisible() and panel.name.text() == "王小明", timeout=5000)
    assert evaluator.isVisible()


def test_set_to_the_dialog_it_asks_on_the_clerks_screen(qtbot, window, desk, clerk):
    desk.rating.screen = "dialog"
    window.rating.place()
    assert window.rating.window is None
    app = ready_to_accept(desk, clerk, roster=2)
    window.intake.show_application(app)
    settle(qtbot, window)
    click(qtbot, window, window.intake.accept_button)
    qtbot.waitUntil(lambda: window.rating.dialog is not None, timeout=10000)
    assert window.rating.dialog.screen().name() == "hall-pc"

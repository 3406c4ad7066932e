"""The idle lock at the desk: after the idle time the whole screen is covered, nothing of the citizen shows,
and only the clerk's own password (typed, Enter) brings the desk back; wrong ones count to the lockout."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

pytestmark = pytest.mark.gui


def idle_after(window, ms: int) -> None:
    window.idle.timeout_ms = ms
    window.idle.resume()
    window.idle.timer.start(50)


def visible_text(widget) -> str:
    found = widget.findChildren(QLabel) + widget.findChildren(QLineEdit)
    return " ".join(w.text() for w in found if w.isVisible())


def test_an_idle_desk_locks_hides_the_citizen_and_opens_with_the_clerks_password(qtbot, window, desk):
    holder = desk.devices.simulated_cards()[0].split("（")[0]
    desk.devices.present_simulated_card(0)
    window.intake.read_card()
    qtbot.waitUntil(lambda: holder in visible_text(window.intake), timeout=10000)      # the citizen on screen
    idle_after(window, 300)
    qtbot.waitUntil(lambda: window.lock_screen is not None and window.lock_screen.isVisible(), timeout=5000)
    lock = window.lock_screen
    assert lock.geometry() == QApplication.primaryScreen().geometry()          # the whole 1366×768 screen
    assert lock.windowFlags() & Qt.WindowStaysOnTopHint and lock.isModal()
    assert "王小明" in visible_text(lock)
    assert holder not in visible_text(lock)

    qtbot.keyClicks(lock.password, "not-my-pass-1")
    qtbot.keyClick(lock.password, Qt.Key_Return)
    qtbot.waitUntil(lambda: "用户名或密码错误" in lock.error.text(), timeout=5000)
    assert window.lock_screen is lock and lock.isVisible() and lock.password.text() == ""
    qtbot.keyClick(lock, Qt.Key_Escape)                                         # Esc does not unlock
    assert lock.isVisible()

    qtbot.keyClicks(lock.password, "clerk-pass-1")
    qtbot.keyClick(lock.password, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.lock_screen is None, timeout=5000)
    assert (not shiboken6.isValid(lock) or not lock.isVisible()) and not window.idle.paused
    actions = [e.action for e in desk.store.audit.entries()]
    assert actions.index("session_unlocked") < actions.index("session_locked")   # newest first


def test_ctrl_l_locks_at_once(qtbot, window):
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.lock_screen is not None and window.lock_screen.isVisible(), timeout=5000)

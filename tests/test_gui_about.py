"""关于综窗: F1 (or the status bar's button) shows the version of pyproject, this workstation's prefix and
where its data is — in the interface's language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.ui.about import AboutDialog
from app.version import version

pytestmark = pytest.mark.gui


def test_f1_tells_the_version_and_the_workstation(qtbot, window, desk):
    qtbot.keyClick(window, Qt.Key_F1)
    qtbot.waitUntil(lambda: isinstance(window.dialog, AboutDialog) and window.dialog.isVisible())
    rows = window.dialog.rows
    assert rows["程序"] == f"综窗 {version()}" and version() != "0+unknown"
    assert rows["办件编号前缀"] == desk.intake.prefix and rows["数据目录"] == str(desk.paths.data)
    assert rows["环境"] == desk.profile.label and rows["界面语言"] == "中文"
    window.dialog.reject()


@pytest.mark.parametrize("language", ["en"])
def test_the_status_bar_button_opens_it_in_english(language, qtbot, window):
    window.status.findChild(QPushButton, "about").click()
    qtbot.waitUntil(lambda: isinstance(window.dialog, AboutDialog) and window.dialog.isVisible())
    assert window.dialog.windowTitle() == "About Zongchuang"
    assert window.dialog.rows["Program"] == f"Zongchuang {version()}"
    assert window.dialog.rows["Interface language"] == "English"
    window.dialog.reject()

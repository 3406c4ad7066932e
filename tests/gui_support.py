"""Driving the window like a clerk: click, wait for background work, pick an item."""

from __future__ import annotations

from PySide6.QtCore import Qt


def settle(qtbot, window):
    qtbot.waitUntil(lambda: window.ops.idle, timeout=15000)


def click(qtbot, window, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.LeftButton)
    settle(qtbot, window)


def choose(qtbot, window, query: str, name: str):
    panel = window.intake
    panel.search.clear()
    if query.isascii():
        qtbot.keyClicks(panel.search, query)
    else:
        panel.search.setText(query)      # QTest cannot type through an input method
    labels = [panel.choices.item(i).text() for i in range(panel.choices.count())]
    row = next(i for i, label in enumerate(labels) if name in label)
    panel.choices.setCurrentRow(row)
    click(qtbot, window, panel.start_button)

"""Small widgets every screen of the desk uses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QWidget


class QuietComboBox(QComboBox):
    """A combo box the mouse wheel never changes while it is closed (scrolling a form must not change data);
    keyboard and a click still choose."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.StrongFocus)

    def wheelEvent(self, event) -> None:
        event.ignore()          # passed on to the scroll area behind it


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("dialog_error")
    label.setStyleSheet("color:#c0392b")
    label.setWordWrap(True)
    return label


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Open at this size, or smaller where the screen is smaller (a 1366×768 hall PC)."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - 20), min(height, room.height() - 40)
    widget.resize(width, height)

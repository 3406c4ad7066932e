"""关于综窗 (F1): the program's version, this workstation and where its data is, as the desk service tells them."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from app.i18n import _
from app.services.desk import Desk


class AboutDialog(QDialog):
    def __init__(self, desk: Desk, parent=None):
        super().__init__(parent)
        self.setObjectName("about")
        self.setWindowTitle(_("关于综窗"))
        col = QVBoxLayout(self)
        title = QLabel(_("综窗 — 综合窗口工作站"))
        title.setStyleSheet("font-size:16px;font-weight:bold")
        col.addWidget(title)
        form = QFormLayout()
        self.rows: dict[str, str] = {}
        for label, value in [*desk.about(), ("Qt · Python", f"PySide6 {PySide6.__version__} · Python {platform.python_version()}")]:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextSelectableByMouse)    # the version and folder can be copied
            form.addRow(label, shown)
            self.rows[label] = value
        col.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)

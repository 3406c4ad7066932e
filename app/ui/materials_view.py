"""The materials checklist: each material ticked as received, captured on the camera, or deferred."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, QWidget

from app.domain.case import MaterialStatus
from app.services.intake import Application

_COLOURS = {MaterialStatus.MISSING: "#c0392b", MaterialStatus.RECEIVED: "#1e8449",
            MaterialStatus.CAPTURED: "#1e8449", MaterialStatus.DEFERRED: "#b9770e"}


class MaterialsView(QTableWidget):
    action = Signal(str, str)   # material code, "received" / "capture" / "deferred"

    def __init__(self, parent=None):
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels(["材料", "要求", "状态", "操作"])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeToContents)
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectRows)
        self.setSelectionMode(QTableWidget.SingleSelection)
        self.buttons: dict[str, dict[str, QPushButton]] = {}
        self.codes: list[str] = []

    def show_application(self, app: Application, deferrable: set[str], editable: bool) -> None:
        self.setRowCount(len(app.materials))
        self.buttons.clear()
        self.codes = [m.code for m in app.materials]
        for row, m in enumerate(app.materials):
            status = app.status_of(m.code)
            pages = len(app.attachments_of(m.code))
            name = QTableWidgetItem(("" if m.required else "（选）") + m.name)
            name.setToolTip(m.requirements)
            self.setItem(row, 0, name)
            self.setItem(row, 1, QTableWidgetItem(f"{m.form.label} {m.count}份" + ("，可容缺" if m.code in deferrable else "")))
            label = status.label + (f"（{pages}页）" if pages else "")
            cell = QTableWidgetItem(label)
            cell.setForeground(QColor(_COLOURS[status]))
            self.setItem(row, 2, cell)
            box = QWidget()
            lay = QHBoxLayout(box)
            lay.setContentsMargins(2, 0, 2, 0)
            buttons = {}
            for key, text in (("received", "收取"), ("capture", "拍摄"), ("deferred", "容缺")):
                b = QPushButton(text)
                b.setObjectName(f"material_{m.code}_{key}")
                b.setEnabled(editable and (key != "deferred" or m.code in deferrable))
                b.clicked.connect(lambda _=False, c=m.code, k=key: self.action.emit(c, k))
                lay.addWidget(b)
                buttons[key] = b
            self.setCellWidget(row, 3, box)
            self.buttons[m.code] = buttons
        self.resizeRowsToContents()

    def selected_code(self) -> str | None:
        row = self.currentRow()
        return self.codes[row] if 0 <= row < len(self.codes) else None

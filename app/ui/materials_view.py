"""The materials checklist: each material received, captured on the camera, deferred, or satisfied by an
electronic certificate, or handed back as not fit (不合格) — and after a 容缺受理, the deferred ones handed
in (补交).

Keyboard: select a row, then Space 收取 · F3 拍摄 · F4 容缺 · F6 电子证照 · F7 不合格."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, QWidget

from app.domain.case import MaterialStatus
from app.domain.catalog import material_note
from app.i18n import N_, _
from app.services.intake import Application

_COLOURS = {MaterialStatus.MISSING: "#c0392b", MaterialStatus.RECEIVED: "#1e8449",
            MaterialStatus.CAPTURED: "#1e8449", MaterialStatus.DEFERRED: "#b9770e",
            MaterialStatus.E_CERTIFICATE: "#1f618d", MaterialStatus.DEFECTIVE: "#922b21"}
ACTIONS = (("received", N_("收取")), ("capture", N_("拍摄")), ("deferred", N_("容缺")), ("e_certificate", N_("电子证照")),
           ("defective", N_("不合格")))
KEYS = {Qt.Key_Space: "received", Qt.Key_F4: "deferred", Qt.Key_F6: "e_certificate", Qt.Key_F7: "defective"}


class MaterialsView(QTableWidget):
    action = Signal(str, str)   # material code, "received" / "capture" / "deferred" / "e_certificate" / "defective"

    def __init__(self, parent=None):
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels([_("材料"), _("要求"), _("状态"), _("操作")])
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Fixed)
        self.setColumnWidth(1, 150)
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectRows)
        self.setSelectionMode(QTableWidget.SingleSelection)
        self.setWordWrap(False)
        self.buttons: dict[str, dict[str, QPushButton]] = {}
        self.codes: list[str] = []
        self.setColumnWidth(3, self._actions_width())

    @staticmethod
    def _actions_width() -> int:
        """Room for the buttons at their natural size (a cell widget is never squeezed to slivers)."""
        probe = [QPushButton(_(text)) for _unused, text in ACTIONS]
        width = sum(max(b.sizeHint().width(), b.minimumSizeHint().width()) for b in probe)
        for b in probe:
            b.deleteLater()
        return width + 4 * 3 + 8

    def show_application(self, app: Application, deferrable: set[str]) -> None:
        editable = app.allows("material_marked")
        self.setRowCount(len(app.materials))
        self.buttons.clear()
        self.codes = [m.code for m in app.materials]
        width = self._actions_width()
        for row, m in enumerate(app.materials):
            status = app.status_of(m.code)
            pages = len(app.attachments_of(m.code))
            required = app.required(m.code)
            name = QTableWidgetItem(("" if required else _("（选）")) + m.name)
            name.setToolTip(m.name + ("\n" + m.requirements if m.requirements else ""))
            self.setItem(row, 0, name)
            note = _("{label}{count}份").format(
                    label=m.form.label, count=m.count) + (_("；") + material_note(m) if material_note(m) else "")
            cell = QTableWidgetItem(note)
            cell.setToolTip(note)
            self.setItem(row, 1, cell)
            supplying = app.supplying(m.code)
            label = (_("待补交") if supplying else status.label) + (_("（{pages}页）").format(pages=pages) if pages else "")
            cell = QTableWidgetItem(label)
            cell.setForeground(QColor(_COLOURS[status]))
            self.setItem(row, 2, cell)
            box = QWidget()
            lay = QHBoxLayout(box)
            lay.setContentsMargins(2, 0, 2, 0)
            lay.setSpacing(3)
            buttons = {}
            for key, text in ACTIONS:
                b = QPushButton(_(text))
                b.setObjectName(f"material_{m.code}_{key}")
                b.setFocusPolicy(Qt.NoFocus)          # the row is chosen with the arrows, acted on with keys
                b.setMinimumWidth(b.sizeHint().width())
                allowed = editable or (supplying and key != "deferred")
                if key == "deferred":
                    allowed = editable and m.code in deferrable
                if key == "e_certificate":
                    allowed = allowed and m.e_certificate
                if key == "defective":
                    allowed = editable
                b.setEnabled(allowed)
                b.clicked.connect(lambda _unused=False, c=m.code, k=key: self.action.emit(c, k))
                lay.addWidget(b)
                buttons[key] = b
            self.setCellWidget(row, 3, box)
            self.buttons[m.code] = buttons
        self.setColumnWidth(3, width)
        self.resizeRowsToContents()
        if self.codes and self.currentRow() < 0:
            self.setCurrentCell(0, 0)

    def selected_code(self) -> str | None:
        row = self.currentRow()
        return self.codes[row] if 0 <= row < len(self.codes) else None

    def keyPressEvent(self, event) -> None:
        key = KEYS.get(event.key())
        code = self.selected_code()
        if key and code and self.buttons.get(code, {}).get(key) and self.buttons[code][key].isEnabled():
            self.action.emit(code, key)
            return
        super().keyPressEvent(event)

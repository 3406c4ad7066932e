"""The generated form of an application: one widget per field, with its error shown beside it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from app.domain.catalog import FieldType, FormField
from app.i18n import _
from app.ui.widgets import QuietComboBox


class FormView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def build(self, fields: list[FormField], values: dict[str, str]) -> None:
        while self.layout_.rowCount():
            self.layout_.removeRow(0)
        self.widgets.clear()
        self.errors.clear()
        for f in fields:
            if f.type is FieldType.CHOICE:
                w = QuietComboBox()
                w.addItems(["", *f.choices])
                w.setCurrentText(values.get(f.key, ""))
            elif f.type is FieldType.TEXTAREA:
                w = QPlainTextEdit(values.get(f.key, ""))
                w.setFixedHeight(48)
                w.setTabChangesFocus(True)
            else:
                w = QLineEdit(values.get(f.key, ""))
                w.setPlaceholderText(f.hint or (_("例如 2026-01-31") if f.type is FieldType.DATE else ""))
                if f.max_length:
                    w.setMaxLength(f.max_length)
            w.setObjectName(f"field_{f.key}")
            error = QLabel()
            error.setStyleSheet("color:#c0392b")
            error.hide()
            box = QWidget()
            col = QVBoxLayout(box)
            col.setContentsMargins(0, 0, 0, 0)
            col.addWidget(w)
            col.addWidget(error)
            self.layout_.addRow(("* " if f.required else "") + f.label, box)
            self.widgets[f.key], self.errors[f.key] = w, error

    def values(self) -> dict[str, str]:
        out = {}
        for key, w in self.widgets.items():
            if isinstance(w, QComboBox):
                out[key] = w.currentText()
            elif isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText()
            else:
                out[key] = w.text()
        return out

    def set_value(self, key: str, value: str) -> None:
        w = self.widgets[key]
        if isinstance(w, QComboBox):
            w.setCurrentText(value)
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(value)
        else:
            w.setText(value)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)

    def set_read_only(self, read_only: bool) -> None:
        for w in self.widgets.values():
            w.setEnabled(not read_only)

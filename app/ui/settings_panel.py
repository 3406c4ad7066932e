"""设置 (administrators): every declared setting on a page per group, edited with the widget its type calls
for, saved only when every change is allowed; each refused value is named beside its field."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import Clerk
from app.i18n import _
from app.services.configuration import SaveOutcome, SettingField
from app.services.desk import Desk
from app.ui.operations import Operations

ERROR_STYLE = "color:#c0392b"


class SettingsPanel(QWidget):
    def __init__(self, desk: Desk, ops: Operations, clerk: Clerk):
        super().__init__()
        self.desk, self.ops, self.clerk = desk, ops, clerk
        self.editors: dict[str, tuple[SettingField, QWidget, QLabel]] = {}
        outer = QVBoxLayout(self)
        self.pages = QTabWidget()
        outer.addWidget(self.pages, 1)
        row = QHBoxLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton(_("保存设置(&S)"))
        self.reload_button = QPushButton(_("放弃修改(&Z)"))
        row.addWidget(self.message, 1)
        row.addWidget(self.reload_button)
        row.addWidget(self.save_button)
        outer.addLayout(row)
        self.save_button.clicked.connect(self.save)
        self.reload_button.clicked.connect(self.discard)
        self.loaded = False

    def refresh(self) -> None:
        """Shown: read the file the first time (later, edits not yet saved are kept)."""
        if not self.loaded:
            self.load()

    def discard(self) -> None:
        self.message.setStyleSheet("")
        self.message.setText("")
        self.load()

    def load(self) -> None:
        self.ops.run(self.desk.configuration.fields, on_success=self._show)

    def _show(self, fields: list[SettingField]) -> None:
        self.loaded = True
        current = self.pages.currentIndex()
        while self.pages.count():           # the pages of the last reading go with their editors
            page = self.pages.widget(0)
            self.pages.removeTab(0)
            page.deleteLater()
        self.editors.clear()
        forms: dict[str, QFormLayout] = {}
        for group in self.desk.configuration.groups:
            page = QWidget()
            forms[group] = QFormLayout(page)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.pages.addTab(scroll, _(group))
        for f in fields:
            editor = _editor(f)
            editor.setObjectName(f.name)
            editor.setToolTip(_("{name}（默认：{shown}）").format(name=f.name, shown=_shown(f.default)))
            label = QLabel(f.name)                    # the key as settings.json and the README name it
            label.setBuddy(editor)
            description = QLabel(_(f.description))
            description.setWordWrap(True)
            description.setStyleSheet("color:#555")
            problem = QLabel()
            problem.setStyleSheet(ERROR_STYLE)
            problem.hide()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 6)
            column.setSpacing(2)
            column.addWidget(editor)
            column.addWidget(description)
            column.addWidget(problem)
            forms[f.group].addRow(label, box)
            self.editors[f.name] = (f, editor, problem)
        self.pages.setCurrentIndex(max(current, 0))
        if not self.message.text():
            self.message.setText(_("修改后点“保存设置”；保存的设置在重新启动综窗后生效。"))

    def changes(self) -> dict[str, Any]:
        return {name: value for name, (f, editor, _unused) in self.editors.items() if (value := _value(f, editor)) != f.value}

    def save(self) -> None:
        for _unused, _unused, problem in self.editors.values():
            problem.hide()
        self.ops.run(self.desk.configuration.save, self.clerk, self.changes(), on_success=self._saved,
                     on_failure=self._refused, disable=[self.save_button])

    def _saved(self, outcome: SaveOutcome) -> None:
        if outcome.problems:
            self._refused(outcome.message)
            for name, why in outcome.problems.items():
                if name in self.editors:
                    problem = self.editors[name][2]
                    problem.setText(why)
                    problem.show()
            return
        self.message.setStyleSheet("color:#1e7e34")
        self.message.setText(outcome.message)
        self.load()

    def _refused(self, sentence: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(sentence)



def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value) if value != "" else _("（空）")


def _editor(f: SettingField) -> QWidget:
    if f.kind is bool:
        box = QCheckBox()
        box.setChecked(bool(f.value))
        return box
    if f.kind is int:
        spin = QSpinBox()
        spin.setRange(int(f.minimum if f.minimum is not None else -1_000_000),
                      int(f.maximum if f.maximum is not None else 1_000_000))
        spin.setValue(int(f.value))
        return spin
    if f.kind is float:
        spin = QDoubleSpinBox()
        spin.setDecimals(1)
        spin.setRange(f.minimum if f.minimum is not None else 0.0, f.maximum if f.maximum is not None else 1e6)
        spin.setValue(float(f.value))
        return spin
    if f.choices and not f.many:
        combo = QComboBox()
        for choice in f.choices:
            combo.addItem(choice or _("（空：自动）"), choice)
        if f.value not in f.choices:
            combo.addItem(str(f.value), f.value)
        combo.setCurrentIndex(combo.findData(f.value))
        return combo
    edit = QLineEdit(str(f.value))
    if f.secret:
        edit.setEchoMode(QLineEdit.PasswordEchoOnEdit)
    if f.many:
        edit.setPlaceholderText(_("，").join(f.choices) + _("（逗号分隔）"))
    return edit


def _value(f: SettingField, editor: QWidget) -> Any:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    return editor.text()

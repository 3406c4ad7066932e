"""What waits for the citizen to come back: 待补交 (deferred materials, the deadline, overdue in red) and
待补正 (correction notices, with how long they have waited; past the limit they can be withdrawn)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import Clerk
from app.i18n import _
from app.services.desk import Desk
from app.ui.operations import Operations

OVERDUE = QColor("#c0392b")


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.Stretch)
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectRows)
    table.verticalHeader().hide()
    return table


class DeferralsPanel(QWidget):
    open_requested = Signal(str)     # case id: continue it in the intake workspace

    def __init__(self, desk: Desk, ops: Operations, clerk: Clerk, parent=None):
        super().__init__(parent)
        self.desk, self.ops, self.clerk = desk, ops, clerk
        self.deferred_ids: list[str] = []
        self.notice_ids: list[str] = []
        col = QVBoxLayout(self)
        col.addWidget(QLabel(_("待补交（容缺受理后尚未补交的材料；逾期的为红色，区级后台可终止办理）")))
        self.deferrals = _table([_("办件编号"), _("事项"), _("申请人"), _("状态"), _("补交期限"), _("待补")])
        col.addWidget(self.deferrals, 1)
        self.notice_label = QLabel()
        col.addWidget(self.notice_label)
        self.notices = _table([_("办件编号"), _("事项"), _("申请人"), _("告知后已过（工作日）")])
        col.addWidget(self.notices, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton(_("继续办理所选 (回车)"))
        self.close_button = QPushButton(_("撤回逾期未补正的办件"))
        self.refresh_button = QPushButton(_("刷新"))
        for b in (self.open_button, self.close_button, self.refresh_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        self.message = QLabel()
        col.addWidget(self.message)
        for table, ids in ((self.deferrals, "deferred_ids"), (self.notices, "notice_ids")):
            table.cellActivated.connect(lambda r, _c, ids=ids: self._open(getattr(self, ids), r))
            table.cellDoubleClicked.connect(lambda r, _c, ids=ids: self._open(getattr(self, ids), r))
        self.open_button.clicked.connect(self._open_selected)
        self.close_button.clicked.connect(self.close_unanswered)
        self.refresh_button.clicked.connect(self.refresh)

    def refresh(self) -> None:
        self.ops.run(self.desk.returns.deferrals, self.clerk, on_success=self._show_deferrals)
        self.ops.run(self.desk.returns.correction_notices, self.clerk, on_success=self._show_notices)

    def _show_deferrals(self, rows) -> None:
        self.deferred_ids = [s.id for s, _unused in rows]
        self.deferrals.setRowCount(len(rows))
        for r, (s, overdue) in enumerate(rows):
            values = [s.case_number, s.item_name, s.applicant_name, s.state.label,
                      (s.deferred_deadline.isoformat() if s.deferred_deadline else "") + (_("（已逾期）") if overdue else ""),
                      _("{deferred_open} 项").format(deferred_open=s.deferred_open)]
            for k, v in enumerate(values):
                item = QTableWidgetItem(v)
                if overdue:
                    item.setForeground(OVERDUE)
                self.deferrals.setItem(r, k, item)

    def _show_notices(self, rows) -> None:
        limit = self.desk.settings.withdraw_after_days
        self.notice_ids = [s.id for s, _unused in rows]
        self.notice_label.setText(_("待补正（已一次性告知，等待群众补正；满 {limit} 个工作日未补正的可撤回）").format(limit=limit))
        self.notices.setRowCount(len(rows))
        for r, (s, waited) in enumerate(rows):
            for k, v in enumerate([s.case_number, s.item_name, s.applicant_name, str(waited)]):
                item = QTableWidgetItem(v)
                if waited >= limit:
                    item.setForeground(OVERDUE)
                self.notices.setItem(r, k, item)

    def _open(self, ids: list[str], row: int) -> None:
        if 0 <= row < len(ids):
            self.open_requested.emit(ids[row])

    def _open_selected(self) -> None:
        if self.notices.hasFocus():
            self._open(self.notice_ids, self.notices.currentRow())
        else:
            self._open(self.deferred_ids, self.deferrals.currentRow())

    def close_unanswered(self) -> None:
        def closed(numbers: list[str]) -> None:
            self.message.setText(_("已撤回 {n_numbers} 件：{numbers}").format(
                    n_numbers=len(numbers), numbers=_('、').join(numbers)) if numbers else _("没有逾期未补正的办件。"))
            self.refresh()

        self.ops.run(self.desk.returns.close_unanswered_notices, self.clerk, on_success=closed,
                     disable=[self.close_button])

"""Case search at the desk: by case number, ID number or name, filtered by state."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import Clerk
from app.domain.case import CaseState
from app.i18n import N_, _
from app.services.desk import Desk
from app.ui.case_view import CaseDialog
from app.ui.operations import Operations
from app.ui.widgets import QuietComboBox

SYNC_LABELS = {"pending": N_("待上报"), "uploading": N_("上报中"), "synced": N_("已上报"), "quarantined": N_("上报被拒")}


class CaseListPanel(QWidget):
    handed_out = Signal(object)      # a case handed out at the window (its rating may be asked)

    def __init__(self, desk: Desk, ops: Operations, clerk: Clerk, parent=None):
        super().__init__(parent)
        self.desk, self.ops, self.clerk = desk, ops, clerk
        self.case_view: CaseDialog | None = None
        self.rows = []
        col = QVBoxLayout(self)
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText(_("办件编号、身份证号码或姓名"))
        self.state = QuietComboBox()
        self.state.addItem(_("全部状态"), None)
        for s in CaseState:
            self.state.addItem(s.label, s)
        self.search_button = QPushButton(_("查询"))
        row.addWidget(self.query, 1)
        row.addWidget(self.state)
        row.addWidget(self.search_button)
        col.addLayout(row)
        self.table = QTableWidget(0, 8)
        self.table.setHorizontalHeaderLabels([_("办件编号"), _("事项"), _("申请人"), _("证件号码"), _("状态"), _("受理时间"), _("承诺办结"), _("上报")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.verticalHeader().hide()
        col.addWidget(self.table)
        self.search_button.clicked.connect(self.refresh)
        self.query.returnPressed.connect(self.refresh)
        self.state.currentIndexChanged.connect(self.refresh)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.open_case(row))
        self.table.cellActivated.connect(lambda row, _col: self.open_case(row))      # Enter on a row
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.report_button = QPushButton(_("打印今日窗口日报"))
        self.report_button.clicked.connect(self.print_daily_report)
        row.addWidget(self.report_button)

    def refresh(self) -> None:
        text, state = self.query.text(), self.state.currentData()
        self.ops.run(self.desk.cases.search, self.clerk, text, state, on_success=self._show)

    def open_case(self, row: int) -> None:
        """The case view: facts, print log, 补打 and 出件 (double click or Enter in the list)."""
        if 0 <= row < len(self.rows):
            self.open_case_id(self.rows[row].id)

    def open_case_id(self, case_id: str) -> None:
        self.case_view = CaseDialog(self.desk, self.clerk, self.ops, case_id, self)
        self.case_view.finished.connect(lambda _unused: self.refresh())
        self.case_view.handed_out.connect(self.handed_out)
        self.case_view.open()

    def print_daily_report(self) -> None:
        self.ops.run(self.desk.printing.print_daily_report, self.clerk, self.desk.settings.window_name,
                     on_success=lambda result: self.report_button.setToolTip(_("已打印（{printer}）").format(
                             printer=result.printer)))

    def _show(self, rows) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            values = [c.case_number, c.item_name, c.applicant_name, c.masked_id, c.state_text,
                      f"{c.accepted_at:%Y-%m-%d %H:%M}" if c.accepted_at else "",
                      c.promised_date.isoformat() if c.promised_date else "",
                      _(SYNC_LABELS.get(c.sync_state, c.sync_state))]
            for k, v in enumerate(values):
                self.table.setItem(r, k, QTableWidgetItem(v))

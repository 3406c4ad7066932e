"""Case search at the desk: by case number, ID number or name, filtered by state."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.case import CaseState
from app.services.desk import Desk
from app.ui.operations import Operations

SYNC_LABELS = {"pending": "待上报", "uploading": "上报中", "synced": "已上报", "quarantined": "上报被拒"}


class CaseListPanel(QWidget):
    def __init__(self, desk: Desk, ops: Operations, parent=None):
        super().__init__(parent)
        self.desk, self.ops = desk, ops
        col = QVBoxLayout(self)
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText("办件编号、身份证号码或姓名")
        self.state = QComboBox()
        self.state.addItem("全部状态", None)
        for s in CaseState:
            self.state.addItem(s.label, s)
        self.search_button = QPushButton("查询")
        row.addWidget(self.query, 1)
        row.addWidget(self.state)
        row.addWidget(self.search_button)
        col.addLayout(row)
        self.table = QTableWidget(0, 8)
        self.table.setHorizontalHeaderLabels(["办件编号", "事项", "申请人", "证件号码", "状态", "受理时间", "承诺办结", "上报"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.verticalHeader().hide()
        col.addWidget(self.table)
        self.search_button.clicked.connect(self.refresh)
        self.query.returnPressed.connect(self.refresh)
        self.state.currentIndexChanged.connect(self.refresh)

    def refresh(self) -> None:
        text, state = self.query.text(), self.state.currentData()
        self.ops.run(self.desk.workers.db, lambda: self.desk.cases.search(text, state), on_success=self._show)

    def _show(self, rows) -> None:
        self.table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            values = [c.case_number, c.item_name, c.applicant_name, c.masked_id, c.state.label,
                      f"{c.created_at:%Y-%m-%d %H:%M}", c.promised_date.isoformat() if c.promised_date else "",
                      SYNC_LABELS.get(c.sync_state, c.sync_state)]
            for k, v in enumerate(values):
                self.table.setItem(r, k, QTableWidgetItem(v))
        self.table.resizeColumnsToContents()

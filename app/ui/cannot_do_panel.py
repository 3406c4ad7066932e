"""办不成事 at this window: open registrations with their age, the duty leader's decision, escalation to the
district, the printed notice, and the case a 协调办理 asks for."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
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
from app.domain.cannot_do import CannotDoOutcome, CannotDoRequest, CannotDoState, EscalationTarget
from app.domain.documents import DocumentKind
from app.i18n import _
from app.services.desk import Desk
from app.ui.dialogs import LeaderDialog
from app.ui.operations import Operations
from app.ui.printing import DocumentPrinting

OLD = QColor("#c0392b")
OLD_DAYS = 3


class CannotDoPanel(QWidget):
    case_opened = Signal(str)     # a 协调办理 opened a case: continue it in the intake workspace

    def __init__(self, desk: Desk, ops: Operations, clerk: Clerk, parent=None):
        super().__init__(parent)
        self.desk, self.ops, self.clerk = desk, ops, clerk
        self.requests: list[CannotDoRequest] = []
        self.dialog: LeaderDialog | None = None
        col = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("“办不成事”登记（在受理页点“办不成事”登记新的）")))
        top.addStretch(1)
        self.all_box = QCheckBox(_("含已办结"))
        self.all_box.toggled.connect(self.refresh)
        top.addWidget(self.all_box)
        col.addLayout(top)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([_("登记编号"), _("要办的事"), _("反映人"), _("类别"), _("状态"), _("结果"), _("已等待")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.verticalHeader().hide()
        self.table.currentCellChanged.connect(lambda *_unused: self._enable())
        col.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.leader_button = QPushButton(_("值班领导处理"))
        self.district_button = QPushButton(_("上报区级后台"))
        self.supervisor_button = QPushButton(_("上报中心值班领导"))
        self.print_button = QPushButton(_("打印告知单"))
        self.open_case_button = QPushButton(_("按协调意见开件"))
        for b in (self.leader_button, self.supervisor_button, self.district_button, self.print_button,
                  self.open_case_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        self.printing = DocumentPrinting(desk, clerk, ops, self, self.message.setText, self.refresh)
        self.leader_button.clicked.connect(self.resolve)
        self.district_button.clicked.connect(lambda: self.escalate(EscalationTarget.DISTRICT))
        self.supervisor_button.clicked.connect(lambda: self.escalate(EscalationTarget.SUPERVISOR))
        self.print_button.clicked.connect(self.print_notice)
        self.open_case_button.clicked.connect(self.open_coordinated_case)
        self._enable()

    def refresh(self) -> None:
        self.ops.run(self.desk.cannot_do.requests, self.clerk, not self.all_box.isChecked(), on_success=self._show)

    def _show(self, requests: list[CannotDoRequest]) -> None:
        self.requests = requests
        now = self.desk.clock()
        self.table.setRowCount(len(requests))
        for r, q in enumerate(requests):
            state = q.state.label + (_("（{label}）").format(label=q.escalated_to.label) if q.escalated_to else "")
            age = q.age_days(now)
            values = [q.registration_number, q.what, q.applicant.name if q.applicant else "", q.reason.label, state,
                      (q.outcome.label if q.outcome else "") + (f" → {q.linked_case_number}" if q.linked_case_number
                                                               else ""), _("{age} 天").format(age=age)]
            for k, v in enumerate(values):
                item = QTableWidgetItem(v)
                if q.open and age >= OLD_DAYS:
                    item.setForeground(OLD)
                self.table.setItem(r, k, item)
        self._enable()

    def selected(self) -> CannotDoRequest | None:
        row = self.table.currentRow()
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def _enable(self) -> None:
        q = self.selected()
        self.leader_button.setEnabled(q is not None and self.desk.cannot_do.waiting_for_leader(q))
        for b in (self.district_button, self.supervisor_button):
            b.setEnabled(q is not None and q.allows("cannot_do_escalated"))
        self.print_button.setEnabled(q is not None and q.outcome is not None)
        self.open_case_button.setEnabled(q is not None and q.outcome is CannotDoOutcome.COORDINATED
                                         and not q.linked_case_id)

    def escalate(self, to: EscalationTarget) -> None:
        q = self.selected()
        if q is not None:
            self.ops.run(self.desk.cannot_do.escalate, q.id, to, self.clerk,
                         on_success=lambda r: (self.message.setText(r.message), self.refresh()))

    def resolve(self) -> None:
        q = self.selected()
        if q is None or q.state is not CannotDoState.ESCALATED:
            return
        items = [(it.code, it.name) for it in self.desk.catalog.catalog.items.values()]
        dialog = LeaderDialog(_("{registration_number}：{what}\n原因：{why}").format(
                registration_number=q.registration_number, what=q.what, why=q.why), items, self)
        if q.item_code:
            dialog.item.setCurrentIndex(max(0, dialog.item.findData(q.item_code)))

        def decided(done) -> None:
            dialog.accept()
            self.message.setText(done.message)
            self.printing.print_documents(done.documents, [done.request])
            if done.case is not None:
                self.case_opened.emit(done.case.id)
            self.refresh()

        def submit() -> None:
            def as_leader(leader: Clerk) -> None:
                self.ops.run(self.desk.cannot_do.resolve, q.id, CannotDoOutcome(dialog.outcome.currentData()), leader,
                             note=dialog.note.toPlainText(), assignee=dialog.assignee.text(),
                             guidance=dialog.guidance.toPlainText(), item_code=dialog.item.currentData(),
                             on_success=decided, on_failure=dialog.refuse)

            self.ops.run(self.desk.accounts.login_supervisor, dialog.username.text(), dialog.password.text(),
                         on_success=as_leader, on_failure=dialog.refuse)

        dialog.submitted.connect(submit)
        self.dialog = dialog
        dialog.open()

    def print_notice(self) -> None:
        q = self.selected()
        if q is not None and q.outcome is not None:
            self.printing.print_document(DocumentKind.CANNOT_DO_NOTICE, [q])

    def open_coordinated_case(self) -> None:
        q = self.selected()
        if q is None:
            return
        self.ops.run(self.desk.cannot_do.open_coordinated_case, q.id, q.item_code, self.clerk,
                     on_success=lambda r: (self.message.setText(r.message), self.case_opened.emit(r.case.id),
                                           self.refresh()))

"""One case at the desk: its facts, its print log, 补打 of its documents, and 出件 when it is decided."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.domain.accounts import Clerk
from app.domain.case import Case
from app.domain.documents import DocumentKind
from app.domain.identity import mask_id_number
from app.services.desk import Desk
from app.ui.operations import Operations
from app.ui.printing import DocumentPrinting


class HandoutDialog(QDialog):
    """Who takes the result away, and what is handed over."""

    def __init__(self, case: Case, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"出件 — {case.case_number}")
        applicant = case.applicant
        self.to_applicant = QRadioButton(f"申请人本人领取（{applicant.name if applicant else ''}）")
        self.to_agent = QRadioButton("代领人领取")
        self.to_applicant.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.to_applicant)
        group.addButton(self.to_agent)
        self.agent_name = QLineEdit()
        self.agent_id = QLineEdit()
        self.agent_id.setPlaceholderText("代领人身份证件号码")
        self.items = QPlainTextEdit(f"{case.item_name}办理结果 1份")
        self.items.setPlaceholderText("每行一项：证照、批文、退还的原件……")
        form = QFormLayout()
        form.addRow(self.to_applicant)
        form.addRow(self.to_agent)
        form.addRow("代领人姓名", self.agent_name)
        form.addRow("代领人证件号码", self.agent_id)
        form.addRow("交付物品", self.items)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("出件并打印出件单")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        col = QVBoxLayout(self)
        col.addLayout(form)
        col.addWidget(buttons)
        self.applicant = applicant
        self.to_agent.toggled.connect(self._agent_fields)
        self._agent_fields(False)

    def _agent_fields(self, on: bool) -> None:
        self.agent_name.setEnabled(on)
        self.agent_id.setEnabled(on)

    def values(self) -> dict:
        agent = self.to_agent.isChecked()
        return {"to_agent": agent,
                "receiver_name": self.agent_name.text() if agent else (self.applicant.name if self.applicant else ""),
                "receiver_id_number": self.agent_id.text() if agent else (
                    self.applicant.id_number if self.applicant else ""),
                "items": self.items.toPlainText().splitlines()}


class CaseDialog(QDialog):
    def __init__(self, desk: Desk, clerk: Clerk, ops: Operations, case_id: str, parent=None):
        super().__init__(parent)
        self.desk, self.clerk, self.ops, self.case_id = desk, clerk, ops, case_id
        self.setWindowTitle("办件详情")
        self.resize(760, 560)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.log = QTableWidget(0, 5)
        self.log.setHorizontalHeaderLabels(["时间", "单据", "打印机", "经办人", "补打"])
        self.log.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.log.setEditTriggers(QTableWidget.NoEditTriggers)
        self.log.verticalHeader().hide()
        self.document_row = QHBoxLayout()
        self.print_buttons: dict[DocumentKind, QPushButton] = {}
        self.handout_button = QPushButton("出件")
        self.handout_button.hide()
        self.handout_button.clicked.connect(self._hand_out)
        col = QVBoxLayout(self)
        col.addWidget(self.facts)
        col.addWidget(QLabel("打印记录"))
        col.addWidget(self.log, 1)
        col.addLayout(self.document_row)
        col.addWidget(self.handout_button)
        col.addWidget(self.message)
        self.printing = DocumentPrinting(desk, clerk, ops, self, self.message.setText, self.refresh)
        self.dialog: HandoutDialog | None = None
        self.case: Case | None = None
        self.group: list[Case] = []
        self.refresh()

    def refresh(self) -> None:
        desk = self.desk

        def load():
            case, _ = desk.cases.open(self.case_id, self.clerk)
            group = desk.documents.case_group(case)
            return case, group, desk.documents.available(group), desk.printing.print_log(case.id)

        self.ops.run(desk.workers.db, load, on_success=self._show)

    def _show(self, loaded) -> None:
        case, group, kinds, log = loaded
        self.case, self.group = case, group
        applicant = case.applicant
        lines = [f"办件编号：{case.case_number}　　事项：{case.item_name}　　状态：{case.state.label}"]
        if applicant:
            lines.append(f"申请人：{applicant.name}（{mask_id_number(applicant.id_number)}）")
        if case.accepted_at:
            lines.append(f"受理时间：{case.accepted_at:%Y-%m-%d %H:%M}　　承诺办结："
                         f"{case.promised_date.isoformat() if case.promised_date else '即办'}")
        if case.official_number:
            lines.append(f"区级统一编号：{case.official_number}")
        if case.decision and case.decision.get("note"):
            lines.append(f"办理意见：{case.decision['note']}")
        if len(group) > 1:
            lines.append("同一申请：" + "、".join(c.case_number for c in group))
        self.facts.setText("\n".join(lines))
        self.log.setRowCount(len(log))
        for r, e in enumerate(log):
            for k, v in enumerate((f"{e.at:%Y-%m-%d %H:%M}", e.document, e.printer, e.clerk, "补打" if e.reprint else "")):
                self.log.setItem(r, k, QTableWidgetItem(v))
        self.log.resizeColumnsToContents()
        for button in self.print_buttons.values():
            button.deleteLater()
        self.print_buttons = {}
        for kind in kinds:
            button = QPushButton(f"打印{kind.label}" if kind is DocumentKind.ID_COPY else f"补打{kind.label}")
            button.clicked.connect(lambda _=False, k=kind: self.print_document(k))
            self.document_row.addWidget(button)
            self.print_buttons[kind] = button
        self.handout_button.setVisible(self.desk.handout.ready(case))

    def print_document(self, kind: DocumentKind) -> None:
        cases = [self.case] if kind is DocumentKind.HANDOUT_SLIP else self.group
        self.printing.print_document(kind, cases, reprint=None if kind is not DocumentKind.ID_COPY else False)

    def _hand_out(self) -> None:
        dialog = HandoutDialog(self.case, self)

        def hand_out() -> None:
            values = dialog.values()
            self.ops.run(self.desk.workers.db, lambda: self.desk.handout.hand_out(self.case, self.clerk, **values),
                         on_success=lambda fresh: (self.message.setText("已出件，正在打印出件单…"),
                                                   self.printing.print_document(DocumentKind.HANDOUT_SLIP, [fresh],
                                                                                reprint=False),
                                                   self.refresh()))

        dialog.accepted.connect(hand_out)
        self.dialog = dialog
        dialog.open()


"""One case at the desk: its facts, its print log, 补打 of its documents, and 出件 when it is decided."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
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
from app.domain.case import Case, DeliveryMethod
from app.domain.documents import DocumentKind
from app.domain.identity import Identity, mask_id_number
from app.i18n import _
from app.services.cases import CaseDetails
from app.services.desk import Desk
from app.services.handout import ROLE_LABELS
from app.ui.dialogs import FormDialog
from app.ui.operations import Operations
from app.ui.printing import DocumentPrinting
from app.ui.widgets import QuietComboBox, fit_to_screen


class HandoutDialog(FormDialog):
    """出件: at the window to the person whose card is read (the applicant or the recorded agent; anyone
    else with a supervisor's login), by post with the tracking number, or into an E邮柜 locker."""

    def __init__(self, desk: Desk, ops: Operations, case: Case, parent=None):
        super().__init__(_("出件 — {case_number}").format(case_number=case.case_number), _("出件并打印出件单"), parent)
        self.desk, self.ops, self.case = desk, ops, case
        self.collector: Identity | None = None
        self.methods: dict[DeliveryMethod, QRadioButton] = {}
        group = QButtonGroup(self)
        row = QHBoxLayout()
        for m in DeliveryMethod:
            button = QRadioButton(m.label)
            group.addButton(button)
            row.addWidget(button)
            self.methods[m] = button
            button.toggled.connect(self._show_method)
        self.form.addRow(_("领取方式"), row)
        self.collector_label = QLabel(_("请读取领取人的身份证件（F2）"))
        self.collector_label.setObjectName("collector")
        self.collector_label.setWordWrap(True)
        self.read_button = QPushButton(_("读取领取人证件 (F2)"))
        self.read_button.clicked.connect(self.read_collector)
        reader = QHBoxLayout()
        reader.addWidget(self.read_button)
        if desk.training and desk.devices.simulated_cards():
            self.sim_cards = QuietComboBox()
            self.sim_cards.addItems(desk.devices.simulated_cards())
            place = QPushButton(_("模拟放卡"))
            place.clicked.connect(lambda: desk.devices.present_simulated_card(self.sim_cards.currentIndex()))
            reader.addWidget(self.sim_cards, 1)
            reader.addWidget(place)
        self.form.addRow(_("领取人"), self.collector_label)
        self.form.addRow("", reader)
        self.supervisor = QLineEdit()
        self.supervisor.setPlaceholderText(_("值班负责人账号"))
        self.supervisor_password = QLineEdit()
        self.supervisor_password.setEchoMode(QLineEdit.Password)
        self.supervisor_password.setPlaceholderText(_("密码"))
        self.approval = QLabel(_("领取人不是申请人或登记的代办人：须值班负责人批准"))
        self.approval.setStyleSheet("color:#b9770e")
        approval = QHBoxLayout()
        approval.addWidget(self.supervisor)
        approval.addWidget(self.supervisor_password)
        self.form.addRow(self.approval)
        self.form.addRow(_("批准"), approval)
        address = (case.delivery or {}).get("address", "")
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText(_("邮件单号") + (_("（寄往 {address}）").format(address=address) if address else ""))
        self.locker = QLineEdit((case.delivery or {}).get("locker", ""))
        self.locker.setPlaceholderText(_("E邮柜柜号"))
        self.pickup_code = QLineEdit()
        self.pickup_code.setPlaceholderText(_("取件码（短信告知申请人）"))
        self.form.addRow(_("邮件单号"), self.tracking)
        self.form.addRow(_("E邮柜"), self.locker)
        self.form.addRow(_("取件码"), self.pickup_code)
        self.items = QPlainTextEdit("\n".join(desk.handout.default_items(case)))
        self.items.setPlaceholderText(_("每行一项：证照、批文、退还的原件……"))
        self.items.setFixedHeight(60)
        self.items.setTabChangesFocus(True)
        self.form.addRow(_("交付物品"), self.items)
        QShortcut(QKeySequence("F2"), self, activated=self.read_collector)
        self.methods[case.delivery_method].setChecked(True)
        self._show_method()

    @property
    def method(self) -> DeliveryMethod:
        return next(m for m, b in self.methods.items() if b.isChecked())

    @property
    def needs_approval(self) -> bool:
        return (self.method is DeliveryMethod.WINDOW and self.collector is not None
                and self.desk.handout.collector_role(self.case, self.collector) == "other")

    def _show_method(self, *_args) -> None:
        if not any(b.isChecked() for b in self.methods.values()):
            return
        window = self.method is DeliveryMethod.WINDOW
        for w in (self.read_button, self.collector_label):
            w.setEnabled(window)
        self.tracking.setEnabled(self.method is DeliveryMethod.POST)
        self.locker.setEnabled(self.method is DeliveryMethod.LOCKER)
        self.pickup_code.setEnabled(self.method is DeliveryMethod.LOCKER)
        for w in (self.approval, self.supervisor, self.supervisor_password):
            w.setVisible(self.needs_approval)

    def read_collector(self) -> None:
        self.ops.run(self.desk.devices.read_arrival, "idcard", on_success=self._collector_read,
                     on_failure=self.refuse, disable=[self.read_button])

    def _collector_read(self, arrival) -> None:
        if arrival.card is None:
            self.refuse(arrival.problem)
            return
        self.collector = arrival.card.holder
        role = self.desk.handout.collector_role(self.case, self.collector)
        self.collector_label.setText(_("{name}（{mask_id_number}）　{role}").format(
                name=self.collector.name, mask_id_number=mask_id_number(self.collector.id_number), role=_(ROLE_LABELS[role])))
        self.error.setText("")
        self._show_method()

    def check(self) -> str:
        if self.method is DeliveryMethod.WINDOW and self.collector is None:
            return _("请先读取领取人的身份证件")
        if self.needs_approval and not (self.supervisor.text().strip() and self.supervisor_password.text()):
            return _("领取人不是申请人或登记的代办人：请值班负责人输入账号和密码批准")
        return ""

    def item_lines(self) -> list[str]:
        return self.items.toPlainText().splitlines()


class CaseDialog(QDialog):
    handed_out = Signal(object)      # the case as stored after 出件 (the citizen may be asked to rate it)

    def __init__(self, desk: Desk, clerk: Clerk, ops: Operations, case_id: str, parent=None):
        super().__init__(parent)
        self.desk, self.clerk, self.ops, self.case_id = desk, clerk, ops, case_id
        self.setWindowTitle(_("办件详情"))
        fit_to_screen(self, 760, 560)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.log = QTableWidget(0, 5)
        self.log.setHorizontalHeaderLabels([_("时间"), _("单据"), _("打印机"), _("经办人"), _("补打")])
        self.log.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.log.setEditTriggers(QTableWidget.NoEditTriggers)
        self.log.verticalHeader().hide()
        self.document_row = QHBoxLayout()
        self.print_buttons: dict[DocumentKind, QPushButton] = {}
        self.handout_button = QPushButton(_("出件"))
        self.handout_button.hide()
        self.handout_button.clicked.connect(self.hand_out)
        col = QVBoxLayout(self)
        col.addWidget(self.facts)
        col.addWidget(QLabel(_("打印记录")))
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
        self.ops.run(self.desk.cases.details, self.case_id, self.clerk, on_success=self._show)

    def _show(self, details: CaseDetails) -> None:
        case, group = details.case, details.group
        self.case, self.group = case, group
        applicant = case.applicant
        lines = [_("办件编号：{case_number}　　事项：{item_name}　　状态：{label}").format(
                case_number=case.case_number, item_name=case.item_name, label=case.state.label)]
        if applicant:
            lines.append(_("申请人：{name}（{mask_id_number}）").format(
                    name=applicant.name, mask_id_number=mask_id_number(applicant.id_number)))
        if case.accepted_at:
            lines.append(_("受理时间：{accepted_at:%Y-%m-%d %H:%M}　　承诺办结：{promised_date}").format(
                    accepted_at=case.accepted_at, promised_date=case.promised_date.isoformat() if case.promised_date else _('即办')))
        lines.append(_("领取方式：{label}").format(
                label=case.delivery_method.label) + (_("　上门办") if case.channel.value == "home_visit" else ""))
        if case.deferred:
            left = case.outstanding_deferred
            lines.append(_("容缺受理：补交期限 {deferred_deadline}，").format(
                    deferred_deadline=case.deferred_deadline) + (_("尚缺 {n_left} 项").format(n_left=len(left)) if left else _("已补齐")))
        if case.official_number:
            lines.append(_("区级统一编号：{official_number}").format(official_number=case.official_number))
        if case.decision and case.decision.get("note"):
            lines.append(_("办理意见：{decision}").format(decision=case.decision['note']))
        if case.termination:
            lines.append(_("终止办理：{reason}").format(reason=case.termination.get('reason', '')))
        if case.rating:
            r = case.rating.rating
            lines.append(_("好差评：{label}（{label2}，{at:%Y-%m-%d %H:%M}）").format(
                    label=r.level.label, label2=r.stage.label, at=case.rating.at)
                         + (_("　{tags}").format(
                                 tags=_('、').join(r.tags)) if r.tags else "") + (_("　“{comment}”").format(comment=r.comment) if r.comment else ""))
        if len(group) > 1:
            lines.append(_("同一申请：") + _("、").join(c.case_number for c in group))
        self.facts.setText("\n".join(lines))
        log = details.print_log
        self.log.setRowCount(len(log))
        for r, e in enumerate(log):
            for k, v in enumerate((f"{e.at:%Y-%m-%d %H:%M}", e.document, e.printer, e.clerk, _("补打") if e.reprint else "")):
                self.log.setItem(r, k, QTableWidgetItem(v))
        self.log.resizeColumnsToContents()
        for button in self.print_buttons.values():
            button.deleteLater()
        self.print_buttons = {}
        for kind in details.documents:
            button = QPushButton(_("打印{label}").format(
                    label=kind.label) if kind is DocumentKind.ID_COPY else _("补打{label}").format(label=kind.label))
            button.clicked.connect(lambda _unused=False, k=kind: self.print_document(k))
            self.document_row.addWidget(button)
            self.print_buttons[kind] = button
        self.handout_button.setVisible(self.desk.handout.ready(case))

    def print_document(self, kind: DocumentKind) -> None:
        cases = [self.case] if kind is DocumentKind.HANDOUT_SLIP else self.group
        self.printing.print_document(kind, cases, reprint=None if kind is not DocumentKind.ID_COPY else False)

    def hand_out(self) -> None:
        dialog = HandoutDialog(self.desk, self.ops, self.case, self)

        def handed(fresh: Case) -> None:
            dialog.accept()
            self.message.setText(_("已出件，正在打印出件单…"))
            self.printing.print_document(DocumentKind.HANDOUT_SLIP, [fresh], reprint=False)
            self.refresh()
            if fresh.delivery_method is DeliveryMethod.WINDOW:
                self.handed_out.emit(fresh)

        def hand_out(approver: Clerk | None = None) -> None:
            self.ops.run(self.desk.handout.hand_out, self.case.id, self.clerk, method=dialog.method,
                         collector=dialog.collector if dialog.method is DeliveryMethod.WINDOW else None,
                         approver=approver, tracking_number=dialog.tracking.text(), locker=dialog.locker.text(),
                         pickup_code=dialog.pickup_code.text(), items=dialog.item_lines(),
                         on_success=handed, on_failure=dialog.refuse)

        def submit() -> None:
            if dialog.needs_approval:
                self.ops.run(self.desk.accounts.login_supervisor, dialog.supervisor.text(),
                             dialog.supervisor_password.text(), on_success=hand_out, on_failure=dialog.refuse)
            else:
                hand_out()

        dialog.submitted.connect(submit)
        self.dialog = dialog
        dialog.open()

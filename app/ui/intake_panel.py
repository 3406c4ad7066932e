"""The intake workspace: applicant from the card, item or bundle, form, materials, decision."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import Clerk
from app.domain.case import CaseState, MaterialStatus
from app.domain.documents import DocumentKind
from app.domain.identity import Agent, CardType, Identity
from app.services.desk import Desk
from app.services.devices import nationality_label
from app.services.intake import EDITABLE as _EDITABLE
from app.services.intake import Application
from app.ui.capture_view import CaptureDialog
from app.ui.dialogs import CorrectionDialog, ManualEntryDialog, RefusalDialog, SupervisorDialog
from app.ui.form_view import FormView
from app.ui.materials_view import MaterialsView
from app.ui.operations import Operations
from app.ui.printing import DocumentPrinting


def _with_photo(devices, card):
    return card, devices.photo(card)


class IntakePanel(QWidget):
    changed = Signal()     # a case was saved (the case list and status bar refresh)
    card_arrived = Signal(object)   # a CardArrival from a reader's background polling (any thread)

    def __init__(self, desk: Desk, clerk: Clerk, ops: Operations, parent=None):
        super().__init__(parent)
        self.desk, self.clerk, self.ops = desk, clerk, ops
        self.identity: Identity | None = None
        self.app: Application | None = None
        self.ticket: str | None = None
        self.dialog = None      # the dialog currently open (non-modal, so tests drive it like a clerk)
        self.capture_view: CaptureDialog | None = None
        self.printing = DocumentPrinting(desk, clerk, ops, self, lambda text: self.say(text), self.changed.emit)

        splitter = QSplitter(Qt.Horizontal, self)
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_right())
        splitter.setSizes([380, 900])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)
        self.card_arrived.connect(self._card_arrival)
        desk.devices.on_card(self.card_arrived.emit)
        self.message = QLabel("请叫号，读取申请人身份证，然后选择事项。")
        self.message.setObjectName("intake_message")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        self._refresh()

    # --- layout ---------------------------------------------------------------------------------

    def _build_left(self) -> QWidget:
        left = QWidget()
        col = QVBoxLayout(left)
        applicant = QGroupBox("申请人")
        grid = QGridLayout(applicant)
        self.applicant_labels: dict[str, QLabel] = {}
        for row, (key, label) in enumerate((("name", "姓名"), ("id", "证件号码"), ("sex", "性别/民族"),
                                            ("birth", "出生日期"), ("address", "住址"), ("valid", "有效期限"),
                                            ("card", "证件类型"), ("agent", "代办人"))):
            grid.addWidget(QLabel(label), row, 0)
            value = QLabel("—")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            grid.addWidget(value, row, 1)
            self.applicant_labels[key] = value
        self.photo = QLabel("照片")
        self.photo.setObjectName("applicant_photo")
        self.photo.setFixedSize(102, 126)
        self.photo.setAlignment(Qt.AlignCenter)
        self.photo.setStyleSheet("border:1px solid #bbb;color:#888")
        grid.addWidget(self.photo, 0, 2, 5, 1, Qt.AlignTop)
        self.card_warnings = QLabel()
        self.card_warnings.setObjectName("card_warnings")
        self.card_warnings.setStyleSheet("color:#b9770e")
        self.card_warnings.setWordWrap(True)
        grid.addWidget(self.card_warnings, 8, 0, 1, 3)
        buttons = QHBoxLayout()
        self.read_card_button = QPushButton("读卡 (F2)")
        self.ss_card_button = QPushButton("读社保卡")
        self.ss_card_button.setVisible("sscard" in self.desk.devices.watches)
        self.manual_button = QPushButton("手工录入")
        self.agent_button = QPushButton("手工录入代办人")
        for b in (self.read_card_button, self.ss_card_button, self.manual_button, self.agent_button):
            buttons.addWidget(b)
        grid.addLayout(buttons, 9, 0, 1, 3)
        self.read_card_button.clicked.connect(self.read_card)
        self.ss_card_button.clicked.connect(self.read_social_security_card)
        self.manual_button.clicked.connect(self._manual_entry)
        self.agent_button.clicked.connect(self._manual_agent)
        col.addWidget(applicant)

        self.sim_box = QGroupBox("模拟读卡器（培训）")
        sim = QHBoxLayout(self.sim_box)
        self.sim_cards = QComboBox()
        self.sim_cards.addItems(self.desk.devices.simulated_cards())
        self.sim_place = QPushButton("放卡")
        self.sim_place.clicked.connect(lambda: self.desk.devices.present_simulated_card(self.sim_cards.currentIndex()))
        self.sim_lift = QPushButton("取走")
        self.sim_lift.clicked.connect(self.desk.devices.lift_simulated_card)
        self.sim_ss = QPushButton("插社保卡")
        self.sim_ss.clicked.connect(
            lambda: self.desk.devices.present_simulated_social_security_card(self.sim_cards.currentIndex()))
        self.sim_ss.setVisible(hasattr(self.desk.devices.sscard, "present"))
        sim.addWidget(self.sim_cards, 1)
        for b in (self.sim_place, self.sim_lift, self.sim_ss):
            sim.addWidget(b)
        self.sim_box.setVisible(self.desk.training and self.sim_cards.count() > 0)
        col.addWidget(self.sim_box)

        picker = QGroupBox("选择事项或一件事（名称、编码或拼音首字母）")
        pcol = QVBoxLayout(picker)
        self.search = QLineEdit()
        self.search.setPlaceholderText("例如：低保 / db / shbzk / 出生")
        self.search.textChanged.connect(self._filter)
        self.choices = QListWidget()
        self.choices.itemDoubleClicked.connect(lambda _: self.start_application())
        self.start_button = QPushButton("开始办理")
        self.start_button.clicked.connect(self.start_application)
        pcol.addWidget(self.search)
        pcol.addWidget(self.choices, 1)
        pcol.addWidget(self.start_button)
        col.addWidget(picker, 1)
        self._filter("")
        return left

    def _build_right(self) -> QWidget:
        right = QWidget()
        col = QVBoxLayout(right)
        self.title = QLabel("尚未选择事项")
        self.title.setStyleSheet("font-size:16px;font-weight:bold")
        col.addWidget(self.title)
        self.case_numbers = QLabel()
        col.addWidget(self.case_numbers)
        form_box = QGroupBox("申请表")
        self.form = FormView()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        QVBoxLayout(form_box).addWidget(scroll)
        col.addWidget(form_box, 3)
        mat_box = QGroupBox("材料清单（选中一行后 F3 拍摄）")
        self.materials = MaterialsView()
        self.materials.action.connect(self._material_action)
        QVBoxLayout(mat_box).addWidget(self.materials)
        col.addWidget(mat_box, 3)
        decisions = QHBoxLayout()
        self.accept_button = QPushButton("受理 (F9)")
        self.defer_accept_button = QPushButton("容缺受理")
        self.correction_button = QPushButton("一次性补正告知")
        self.refuse_button = QPushButton("申请不予受理")
        self.approve_button = QPushButton("负责人审批")
        self.reprint_button = QPushButton("补打回执 (Ctrl+P)")
        self.new_button = QPushButton("新申请")
        for b in (self.accept_button, self.defer_accept_button, self.correction_button, self.refuse_button,
                  self.approve_button, self.reprint_button, self.new_button):
            decisions.addWidget(b)
        self.accept_button.setStyleSheet("font-weight:bold")
        self.accept_button.clicked.connect(lambda: self.accept(deferred=False))
        self.defer_accept_button.clicked.connect(lambda: self.accept(deferred=True))
        self.correction_button.clicked.connect(self._correction)
        self.refuse_button.clicked.connect(self._request_refusal)
        self.approve_button.clicked.connect(self._ask_supervisor)
        self.reprint_button.clicked.connect(self.print_receipt)
        self.new_button.clicked.connect(self.new_application)
        col.addLayout(decisions)
        return right

    # --- state shown ----------------------------------------------------------------------------

    def _filter(self, text: str) -> None:
        self.choices.clear()
        for c in self.desk.catalog.search(text):
            label = f"【一件事】{c.name} — {c.detail}" if c.kind == "bundle" else f"{c.name}（{c.agency}，{c.detail}）"
            item = QListWidgetItem(label)
            item.setData(Qt.UserRole, (c.kind, c.code))
            self.choices.addItem(item)
        if self.choices.count():
            self.choices.setCurrentRow(0)

    def _show_identity(self) -> None:
        i = self.identity
        labels = self.applicant_labels
        if i is None:
            for v in labels.values():
                v.setText("—")
            return
        labels["name"].setText(f"{i.name}（{i.english_name}）" if i.english_name and i.english_name != i.name else i.name)
        labels["id"].setText(i.masked_id)
        origin = i.nation or (nationality_label(i.nationality) if i.nationality else "")
        labels["sex"].setText(f"{i.sex.label if i.sex else '—'} / {origin or '—'}")
        labels["birth"].setText(i.birth_date.isoformat() if i.birth_date else "—")
        labels["address"].setText(i.address or "—")
        labels["valid"].setText(f"{i.valid_from or '—'} 至 {'长期' if i.long_term else (i.valid_to or '—')}")
        labels["card"].setText(i.card_type.label)
        agent = self.app.primary.agent if self.app else None
        labels["agent"].setText(f"{agent.identity.name}（{agent.relation}）" if agent else "—")

    def _refresh(self) -> None:
        app = self.app
        self._show_identity()
        has_app = app is not None
        state = app.state if app else None
        editable = has_app and state in _EDITABLE
        self.title.setText(app.title if app else "尚未选择事项")
        self.case_numbers.setText(
            ("办件编号：" + "、".join(c.case_number for c in app.cases) + f"　状态：{state.label}") if app else "")
        self.form.set_read_only(not editable)
        deferred = has_app and any(app.status_of(m.code) is MaterialStatus.DEFERRED for m in app.materials)
        self.accept_button.setEnabled(state is CaseState.DRAFT and not deferred)
        self.defer_accept_button.setEnabled(state is CaseState.DRAFT and deferred)
        self.correction_button.setEnabled(state is CaseState.DRAFT)
        self.refuse_button.setEnabled(bool(editable))
        self.approve_button.setEnabled(state is CaseState.REFUSAL_REQUESTED)
        self.reprint_button.setEnabled(state in (CaseState.ACCEPTED, CaseState.ACCEPTED_DEFERRED))
        self.start_button.setEnabled(not has_app or not editable)

    def _show_application(self, app: Application) -> None:
        self.app = app
        if app.primary.applicant is not None:
            self.identity = app.primary.applicant
        self.form.build(app.fields, self.desk.intake.form_values(app))
        deferrable = {m.code for m in app.materials if self.desk.intake.deferrable(app, m.code)}
        self.materials.show_application(app, deferrable, app.state in _EDITABLE)
        self._refresh()

    def show_application(self, app: Application) -> None:
        """Show an application already loaded (e.g. by the demo) without touching devices."""
        self._show_application(app)

    def say(self, text: str) -> None:
        self.message.setText(text)

    # --- ticket and card ------------------------------------------------------------------------

    def on_ticket_called(self, ticket: str | None) -> None:
        self.ticket = ticket
        self.identity = None
        self._clear_photo()
        self.app = None
        self.form.build([], {})
        self.materials.setRowCount(0)
        self._refresh()
        self.say(f"请 {ticket} 号到{self.desk.settings.window_name}办理。请读取申请人身份证。" if ticket else "当前没有等候的号。")

    def read_card(self) -> None:
        devices = self.desk.devices
        self.ops.run(self.desk.workers.idcard, lambda: _with_photo(devices, devices.read_card()),
                     on_success=lambda result: self._card_read(*result), disable=[self.read_card_button])

    def read_social_security_card(self) -> None:
        devices = self.desk.devices
        self.ops.run(self.desk.workers.idcard, lambda: (devices.read_social_security_card(), None),
                     on_success=lambda result: self._card_read(*result), disable=[self.ss_card_button])

    def _card_arrival(self, arrival) -> None:
        if arrival.card is None:
            self.say("⚠ " + arrival.problem)
        else:
            self._card_read(arrival.card, arrival.photo)

    def _show_photo(self, card, photo: bytes | None) -> None:
        pixmap = QPixmap()
        if photo and pixmap.loadFromData(photo):
            self.photo.setPixmap(pixmap.scaled(self.photo.size(), Qt.KeepAspectRatio, Qt.SmoothTransformation))
        else:
            self.photo.setPixmap(QPixmap())
            self.photo.setText("社保卡\n无照片" if card.identity.card_type is CardType.SOCIAL_SECURITY
                               else self.desk.devices.photo_unavailable)

    def _card_read(self, card, photo: bytes | None = None) -> None:
        check = self.desk.intake.check_card(self.app, card.holder)
        if check.matches_applicant is False:
            self._ask_applicant_or_agent(check.identity, lambda: self._show_photo(card, photo))
            return
        self._show_photo(card, photo)
        self._use_as_applicant(check.identity, from_card=True, warnings=check.warnings)

    def _clear_photo(self) -> None:
        self.photo.setPixmap(QPixmap())
        self.photo.setText("照片")

    def _ask_applicant_or_agent(self, identity: Identity, show_photo) -> None:
        box = QMessageBox(QMessageBox.Question, "证件与申请人不一致",
                          f"读到的证件属于 {identity.name}（{identity.masked_id}），与当前申请人不同。\n请选择：", parent=self)
        as_applicant = box.addButton("作为申请人", QMessageBox.AcceptRole)
        as_agent = box.addButton("作为代办人", QMessageBox.ActionRole)
        box.addButton("取消", QMessageBox.RejectRole)

        def chosen(_):
            if box.clickedButton() is as_applicant:
                show_photo()
                self._use_as_applicant(identity, from_card=True)
            elif box.clickedButton() is as_agent:
                self._ask_relation(identity)

        box.finished.connect(chosen)
        self.dialog = box
        box.open()

    def _ask_relation(self, identity: Identity) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("代办人")
        dialog.setLabelText(f"{identity.name} 与申请人的关系：")
        dialog.setTextValue("亲属")
        dialog.accepted.connect(lambda: self._set_agent(identity, dialog.textValue().strip()))
        self.dialog = dialog
        dialog.open()

    def _set_agent(self, identity: Identity, relation: str) -> None:
        app = self.app
        if app is None:
            self.say("请先选择事项，再登记代办人。")
            return
        self.ops.run(self.desk.workers.db,
                     lambda: self.desk.intake.set_agent(app, Agent(identity, relation), self.clerk),
                     on_success=lambda _: self._after_change(f"已登记代办人 {identity.name}"))

    def _use_as_applicant(self, identity: Identity, from_card: bool, warnings: list[str] | None = None) -> None:
        self.identity = identity
        if warnings is None:
            warnings = self.desk.intake.check_card(None, identity).warnings
        self.card_warnings.setText("\n".join("⚠ " + w for w in warnings))
        self._show_identity()
        if self.app is not None and self.app.state in _EDITABLE:
            app = self.app
            self.ops.run(self.desk.workers.db,
                         lambda: self.desk.intake.set_applicant(app, identity, self.clerk, from_card=from_card),
                         on_success=lambda _: self._after_change(f"已读取 {identity.name} 的证件"))
        else:
            self.say(f"已读取 {identity.name} 的证件，请选择事项。")

    def _manual_entry(self) -> None:
        dialog = ManualEntryDialog(self)
        dialog.accepted.connect(lambda: self._use_manual_entry(dialog.identity))
        self.dialog = dialog
        dialog.open()

    def _use_manual_entry(self, identity: Identity) -> None:
        self._clear_photo()
        self._use_as_applicant(identity, from_card=False)

    def _manual_agent(self) -> None:
        if self.app is None:
            self.say("请先选择事项，再登记代办人。")
            return
        dialog = ManualEntryDialog(self, "手工录入代办人")
        dialog.accepted.connect(lambda: self._ask_relation(dialog.identity))
        self.dialog = dialog
        dialog.open()

    # --- application ----------------------------------------------------------------------------

    def start_application(self) -> None:
        item = self.choices.currentItem()
        if item is None:
            self.say("请先在列表中选择事项或一件事。")
            return
        kind, code = item.data(Qt.UserRole)
        identity, ticket = self.identity, self.ticket

        def work():
            app = self.desk.intake.start(kind, code, self.clerk, ticket)
            if identity is not None:
                self.desk.intake.set_applicant(app, identity, self.clerk, from_card=identity.card_type is not CardType.MANUAL)
            return app

        self.ops.run(self.desk.workers.db, work, on_success=self._started, disable=[self.start_button])

    def _started(self, app: Application) -> None:
        self._show_application(app)
        self.changed.emit()
        self.say(f"已开始办理“{app.title}”，办件编号 {app.primary.case_number}。请填写申请表并收取材料。")

    def new_application(self) -> None:
        self.app = None
        self.form.build([], {})
        self.materials.setRowCount(0)
        self._refresh()
        self.say("请选择下一个事项（同一申请人可继续办理）。")

    def _after_change(self, text: str) -> None:
        if self.app is not None:
            values = self.form.values()
            self._show_application(self.app)
            for key, value in values.items():
                if value and key in self.form.widgets:
                    self.form.set_value(key, value)
        self.changed.emit()
        self.say(text)

    def _material_action(self, code: str, action: str) -> None:
        app = self.app
        if action == "capture":
            self.capture(code)
            return
        status = MaterialStatus.RECEIVED if action == "received" else MaterialStatus.DEFERRED
        name = app.material(code).name
        self.ops.run(self.desk.workers.db, lambda: self.desk.intake.mark_material(app, code, status, self.clerk),
                     on_success=lambda _: self._after_change(f"“{name}”{status.label}"))

    def capture(self, code: str | None = None) -> None:
        """Open the capture view for the material (the selected row with F3); F3 again takes a still."""
        app = self.app
        if self.capture_view is not None and self.capture_view.isVisible() and code is None:
            self.capture_view.capture_now()
            return
        code = code or self.materials.selected_code()
        if app is None or code is None:
            self.say("请先在材料清单中选中要拍摄的材料。")
            return
        if self.capture_view is None:
            self.capture_view = CaptureDialog(self.desk, self.clerk, self.ops, self)
            self.capture_view.pages_changed.connect(
                lambda: self._after_change(f"“{self.capture_view.material_name()}”已更新，共{len(self.capture_view.pages)}页"))
            self.capture_view.show_material(app, code)
            self.capture_view.start()
        else:
            self.capture_view.show_material(app, code)
            if not self.capture_view.isVisible():
                self.capture_view.start()
        self.capture_view.raise_()

    def close_capture(self) -> None:
        if self.capture_view is not None:
            self.capture_view.close()

    # --- decisions ------------------------------------------------------------------------------

    def accept(self, deferred: bool = False) -> None:
        app, values = self.app, self.form.values()
        if app is None or app.state is not CaseState.DRAFT:
            return

        def work():
            problems = self.desk.intake.save_form(app, values, self.clerk)
            if problems:
                return problems
            self.desk.intake.accept(app, self.clerk)
            return {}

        def done(problems: dict) -> None:
            self.form.show_errors(problems)
            if problems:
                self._refresh()
                self.say("申请表尚有问题：" + "；".join(problems.values()))
                return
            self._after_change("已" + ("容缺" if deferred else "") + "受理：" + "、".join(c.case_number for c in app.cases) + "，正在打印回执…")
            self.printing.print_documents(self.desk.printing.on_acceptance(app.cases), app.cases, reprint=False)

        self.ops.run(self.desk.workers.db, work, on_success=done,
                     disable=[self.accept_button, self.defer_accept_button])

    def print_receipt(self) -> None:
        """Print the receipt again (Ctrl+P): a 补打 copy when it was printed before."""
        app = self.app
        if app is None or app.state not in (CaseState.ACCEPTED, CaseState.ACCEPTED_DEFERRED):
            return
        self.printing.print_document(DocumentKind.ACCEPTANCE_RECEIPT, app.cases)

    def _correction(self) -> None:
        app = self.app
        rows = [(m.code, m.name, m.required and app.status_of(m.code) is MaterialStatus.MISSING) for m in app.materials]
        dialog = CorrectionDialog(rows, self)

        def issue():
            missing, values = dialog.missing(), self.form.values()
            self.ops.run(self.desk.workers.db,
                         lambda: (self.desk.intake.save_form(app, values, self.clerk),
                                  self.desk.intake.issue_correction_notice(app, missing, self.clerk)),
                         on_success=lambda _: (self._after_change(f"已一次性告知需补正的{len(missing)}项材料，正在打印告知书…"),
                                               self.printing.print_document(DocumentKind.CORRECTION_NOTICE, app.cases,
                                                                            reprint=False)))

        dialog.accepted.connect(issue)
        self.dialog = dialog
        dialog.open()

    def _request_refusal(self) -> None:
        app = self.app
        dialog = RefusalDialog(self)

        def submit():
            reason, basis, guidance = dialog.values()
            self.ops.run(self.desk.workers.db,
                         lambda: self.desk.intake.request_refusal(app, reason, basis, guidance, self.clerk),
                         on_success=lambda _: (self._after_change("不予受理申请已提交，请值班负责人审批。"),
                                               self._ask_supervisor()))

        dialog.accepted.connect(submit)
        self.dialog = dialog
        dialog.open()

    def _ask_supervisor(self) -> None:
        app = self.app
        refusal = app.primary.refusal or {}
        dialog = SupervisorDialog(f"事项：{app.title}\n理由：{refusal.get('reason', '')}\n指引：{refusal.get('guidance', '')}", self)

        def decide():
            username, password, approve, note = (dialog.username.text(), dialog.password.text(), dialog.approve,
                                                 dialog.note.text())

            def work():
                supervisor = self.desk.accounts.login_supervisor(username, password)
                self.desk.intake.decide_refusal(app, supervisor, approve, note)
                return supervisor

            def decided(s) -> None:
                self._after_change(f"{s.display_name}已{'批准不予受理' if approve else '驳回不予受理申请，请继续办理'}。")
                if approve:
                    self.printing.print_document(DocumentKind.REFUSAL_NOTICE, app.cases, reprint=False)

            self.ops.run(self.desk.workers.db, work, on_success=decided)

        dialog.accepted.connect(decide)
        self.dialog = dialog
        dialog.open()

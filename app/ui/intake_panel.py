"""The intake workspace: applicant from the card, finding a case the citizen comes back for, item or bundle
with its guide, form, materials, 领取方式, and the decision. Every action is one service operation; which
buttons work is what the domain's transition table allows."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
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
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import Clerk
from app.domain.cannot_do import CannotDoReason, EscalationTarget
from app.domain.case import DEFECTS, DeliveryMethod, MaterialStatus
from app.domain.documents import DocumentKind
from app.domain.errors import DomainError
from app.domain.identity import Agent, CardType, Identity
from app.i18n import _
from app.services.desk import Desk
from app.services.devices import nationality_label
from app.services.intake import Application, Outcome
from app.ui.capture_view import CaptureDialog
from app.ui.dialogs import (
    CannotDoDialog,
    CaseChoiceDialog,
    CorrectionDialog,
    ECertificateDialog,
    ManualEntryDialog,
    RefusalDialog,
    SupervisorDialog,
)
from app.ui.form_view import FormView
from app.ui.guide_view import GuideView
from app.ui.materials_view import MaterialsView
from app.ui.operations import Operations
from app.ui.printing import DocumentPrinting
from app.ui.widgets import QuietComboBox


class _SearchBox(QLineEdit):
    """The item search: ↑/↓ move through the list below it, Enter starts the highlighted item."""

    def __init__(self, choices: QListWidget, start, parent=None):
        super().__init__(parent)
        self.choices, self.start = choices, start

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key_Up, Qt.Key_Down) and self.choices.count():
            row = self.choices.currentRow() + (1 if key == Qt.Key_Down else -1)
            self.choices.setCurrentRow(max(0, min(row, self.choices.count() - 1)))
            return
        if key in (Qt.Key_Return, Qt.Key_Enter):
            self.start()
            return
        super().keyPressEvent(event)


class IntakePanel(QWidget):
    changed = Signal()     # a case was saved (the case list and status bar refresh)
    card_arrived = Signal(object)   # a CardArrival from a reader's background polling (any thread)
    handout_requested = Signal(str)  # a found case is ready for 出件 (the main window opens its case view)
    accepted = Signal(object)        # the cases of a visit just accepted (the citizen may be asked to rate it)

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
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([390, 940])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        outer.setSpacing(2)
        outer.addWidget(splitter, 1)
        self.message = QLabel(_("请叫号，读取申请人身份证，然后选择事项。"))
        self.message.setObjectName("intake_message")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        self.card_arrived.connect(self._card_arrival)
        desk.devices.on_card(self.card_arrived.emit)
        self.choices.currentRowChanged.connect(lambda _unused: self._show_guide_of_choice())
        self._filter("")
        self._refresh()

    # --- layout ---------------------------------------------------------------------------------

    def _build_left(self) -> QWidget:
        left = QWidget()
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(3)
        applicant = QGroupBox(_("申请人"))
        grid = QGridLayout(applicant)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setVerticalSpacing(2)
        self.applicant_labels: dict[str, QLabel] = {}
        rows = ((0, 0, "name", _("姓名")), (0, 2, "id", _("证件号码")), (1, 0, "sex", _("性别/民族")), (1, 2, "birth", _("出生")),
                (2, 0, "address", _("住址")), (3, 0, "valid", _("有效期")), (3, 2, "card", _("证件")), (4, 0, "agent", _("代办人")))
        for row, column, key, label in rows:
            grid.addWidget(QLabel(label), row, column)
            value = QLabel("—")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            span = 3 if key in ("address", "agent") else 1
            grid.addWidget(value, row, column + 1, 1, span)
            self.applicant_labels[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.photo = QLabel(_("照片"))
        self.photo.setObjectName("applicant_photo")
        self.photo.setFixedSize(72, 90)
        self.photo.setAlignment(Qt.AlignCenter)
        self.photo.setWordWrap(True)            # "照片不可用" and its translations fit the box
        self.photo.setStyleSheet("border:1px solid #bbb;color:#888")
        grid.addWidget(self.photo, 0, 4, 4, 1, Qt.AlignTop)
        self.card_warnings = QLabel()
        self.card_warnings.setObjectName("card_warnings")
        self.card_warnings.setStyleSheet("color:#b9770e")
        self.card_warnings.setWordWrap(True)
        grid.addWidget(self.card_warnings, 5, 0, 1, 5)
        buttons = QHBoxLayout()
        self.read_card_button = QPushButton(_("读卡 (F2)"))
        self.ss_card_button = QPushButton(_("读社保卡"))
        self.ss_card_button.setVisible("sscard" in self.desk.devices.watches)
        self.manual_button = QPushButton(_("手工录入"))
        self.agent_button = QPushButton(_("录入代办人"))
        for b in (self.read_card_button, self.ss_card_button, self.manual_button, self.agent_button):
            buttons.addWidget(b)
        grid.addLayout(buttons, 6, 0, 1, 5)
        self.read_card_button.clicked.connect(self.read_card)
        self.ss_card_button.clicked.connect(self.read_social_security_card)
        self.manual_button.clicked.connect(self._manual_entry)
        self.agent_button.clicked.connect(self._manual_agent)
        col.addWidget(applicant)

        self.sim_box = QGroupBox(_("模拟读卡器（培训）"))
        sim = QHBoxLayout(self.sim_box)
        sim.setContentsMargins(6, 2, 6, 2)
        self.sim_cards = QuietComboBox()
        self.sim_cards.addItems(self.desk.devices.simulated_cards())
        self.sim_place = QPushButton(_("放卡"))
        self.sim_place.clicked.connect(lambda: self.desk.devices.present_simulated_card(self.sim_cards.currentIndex()))
        self.sim_lift = QPushButton(_("取走"))
        self.sim_lift.clicked.connect(self.desk.devices.lift_simulated_card)
        self.sim_ss = QPushButton(_("插社保卡"))
        self.sim_ss.clicked.connect(
            lambda: self.desk.devices.present_simulated_social_security_card(self.sim_cards.currentIndex()))
        self.sim_ss.setVisible(hasattr(self.desk.devices.sscard, "present"))
        sim.addWidget(self.sim_cards, 1)
        for b in (self.sim_place, self.sim_lift, self.sim_ss):
            sim.addWidget(b)
        self.sim_box.setVisible(self.desk.training and self.sim_cards.count() > 0)
        col.addWidget(self.sim_box)

        find = QHBoxLayout()
        self.find_box = QLineEdit()
        self.find_box.setObjectName("find_case")
        self.find_box.setPlaceholderText(_("找件：办件编号或身份证号码（Ctrl+F）"))
        self.find_box.returnPressed.connect(lambda: self.find_case())
        self.find_button = QPushButton(_("找件"))
        self.find_button.clicked.connect(lambda: self.find_case())
        self.scan_button = QPushButton(_("扫告知书二维码"))
        self.scan_button.setToolTip(_("将告知书或回执上的二维码放在高拍仪下"))
        self.scan_button.clicked.connect(self.scan_notice)
        find.addWidget(self.find_box, 1)
        find.addWidget(self.find_button)
        find.addWidget(self.scan_button)
        col.addLayout(find)

        picker = QGroupBox(_("选择事项或一件事（名称、编码或拼音首字母；↑↓ 选择，回车开始）"))
        pcol = QVBoxLayout(picker)
        pcol.setContentsMargins(6, 4, 6, 4)
        self.choices = QListWidget()
        self.search = _SearchBox(self.choices, self.start_application)
        self.search.setObjectName("item_search")
        self.search.setPlaceholderText(_("例如：低保 / db / shbzk / 出生"))
        self.search.textChanged.connect(self._filter)
        self.choices.itemActivated.connect(lambda _unused: self.start_application())
        pick_buttons = QHBoxLayout()
        self.start_button = QPushButton(_("开始办理 (回车)"))
        self.start_button.clicked.connect(self.start_application)
        self.guide_print_button = QPushButton(_("打印一次性告知单"))
        self.guide_print_button.setToolTip(_("只咨询不办理：打印所选事项的办事指南和材料清单"))
        self.guide_print_button.clicked.connect(self.print_guide_notice)
        self.cannot_do_button = QPushButton(_("办不成事"))
        self.cannot_do_button.clicked.connect(self.register_cannot_do)
        for b in (self.start_button, self.guide_print_button, self.cannot_do_button):
            pick_buttons.addWidget(b)
        pcol.addWidget(self.search)
        pcol.addWidget(self.choices, 1)
        pcol.addLayout(pick_buttons)
        col.addWidget(picker, 1)
        return left

    def _build_right(self) -> QWidget:
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(3)
        head = QHBoxLayout()
        self.title = QLabel(_("尚未选择事项"))
        self.title.setStyleSheet("font-size:15px;font-weight:bold")
        self.title.setWordWrap(True)
        self.guide_button = QPushButton(_("办事指南"))
        self.guide_button.setCheckable(True)
        self.guide_button.toggled.connect(self._toggle_guide)
        head.addWidget(self.title, 1)
        head.addWidget(self.guide_button)
        col.addLayout(head)
        self.case_numbers = QLabel()
        self.case_numbers.setObjectName("case_numbers")
        self.case_numbers.setWordWrap(True)
        col.addWidget(self.case_numbers)

        self.pages = QStackedWidget()
        self.guide = GuideView(self.desk.settings.centre_phone, self.desk.settings.centre_address)
        work = QSplitter(Qt.Vertical)
        form_box = QGroupBox(_("申请表"))
        self.form = FormView()
        self.form_scroll = QScrollArea()
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setWidget(self.form)
        box = QVBoxLayout(form_box)
        box.setContentsMargins(4, 2, 4, 2)
        box.addWidget(self.form_scroll)
        mat_box = QGroupBox(_("材料清单（选中一行：空格 收取 · F3 拍摄 · F4 容缺 · F6 电子证照 · F7 不合格）"))
        self.materials = MaterialsView()
        self.materials.action.connect(self._material_action)
        box = QVBoxLayout(mat_box)
        box.setContentsMargins(4, 2, 4, 2)
        box.addWidget(self.materials)
        work.addWidget(form_box)
        work.addWidget(mat_box)
        work.setSizes([200, 230])
        self.pages.addWidget(self.guide)
        self.pages.addWidget(work)
        col.addWidget(self.pages, 1)

        delivery = QHBoxLayout()
        delivery.addWidget(QLabel(_("领取方式")))
        self.delivery = QuietComboBox()
        self.delivery.setObjectName("delivery_method")
        for m in DeliveryMethod:
            self.delivery.addItem(m.label, m.value)
        self.delivery_detail = QLineEdit()
        self.delivery_detail.setPlaceholderText(_("邮寄：收件地址；E邮柜：柜点"))
        self.delivery_save = QPushButton(_("保存领取方式"))
        self.delivery_save.clicked.connect(self.save_delivery)
        delivery.addWidget(self.delivery)
        delivery.addWidget(self.delivery_detail, 1)
        delivery.addWidget(self.delivery_save)
        col.addLayout(delivery)

        decisions = QGridLayout()
        decisions.setSpacing(3)
        self.accept_button = QPushButton(_("受理 (F9)"))
        self.defer_accept_button = QPushButton(_("容缺受理 (F10)"))
        self.correction_button = QPushButton(_("一次性告知 (F11)"))
        self.refuse_button = QPushButton(_("不予受理 (F12)"))
        self.approve_button = QPushButton(_("负责人审批"))
        self.resume_button = QPushButton(_("补正后继续办理"))
        self.withdraw_button = QPushButton(_("逾期未补正撤回"))
        self.supply_button = QPushButton(_("打印补交回执"))
        self.reprint_button = QPushButton(_("补打回执 (Ctrl+P)"))
        self.new_button = QPushButton(_("新申请 (Ctrl+N)"))
        first = (self.accept_button, self.defer_accept_button, self.correction_button, self.refuse_button,
                 self.approve_button)
        second = (self.resume_button, self.withdraw_button, self.supply_button, self.reprint_button, self.new_button)
        for column, b in enumerate(first):
            decisions.addWidget(b, 0, column)
        for column, b in enumerate(second):
            decisions.addWidget(b, 1, column)
        self.accept_button.setStyleSheet("font-weight:bold")
        self.accept_button.clicked.connect(lambda: self.accept(deferred=False))
        self.defer_accept_button.clicked.connect(lambda: self.accept(deferred=True))
        self.correction_button.clicked.connect(self.issue_correction_notice)
        self.refuse_button.clicked.connect(self.request_refusal)
        self.approve_button.clicked.connect(self.ask_supervisor)
        self.resume_button.clicked.connect(self.resume)
        self.withdraw_button.clicked.connect(self.withdraw_unanswered)
        self.supply_button.clicked.connect(self.print_supply_receipt)
        self.reprint_button.clicked.connect(self.print_receipt)
        self.new_button.clicked.connect(self.new_application)
        col.addLayout(decisions)
        return right

    def shortcuts(self) -> list[tuple[str, object]]:
        """The keys of the workspace (the main window binds them, so they work wherever the focus is)."""
        return [("F2", self.read_card), ("F3", lambda: self.capture()), ("F9", lambda: self.accept(deferred=False)),
                ("F10", lambda: self.accept(deferred=True)), ("F11", self.issue_correction_notice),
                ("F12", self.request_refusal), ("Ctrl+P", self.print_receipt), ("Ctrl+F", self.focus_find),
                ("Ctrl+N", self.new_application)]

    # --- state shown ----------------------------------------------------------------------------

    def _filter(self, text: str) -> None:
        self.choices.clear()
        for c in self.desk.catalog.search(text):
            label = _("【一件事】{name} — {detail}").format(
                    name=c.name, detail=c.detail) if c.kind == "bundle" else _("{name}（{agency}，{detail}）").format(name=c.name, agency=c.agency, detail=c.detail)
            item = QListWidgetItem(label)
            item.setData(Qt.UserRole, (c.kind, c.code))
            self.choices.addItem(item)
        if self.choices.count():
            self.choices.setCurrentRow(0)

    def _chosen(self) -> tuple[str, str] | None:
        item = self.choices.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def _show_guide_of_choice(self) -> None:
        """With no application open, the guide of the highlighted item is on screen."""
        chosen = self._chosen()
        if chosen is not None and self.app is None:
            self.guide.show_items(self.desk.catalog.items_of(*chosen))

    def _toggle_guide(self, on: bool) -> None:
        if self.app is None:
            self.guide_button.setChecked(False)
            return
        if on:
            self.guide.show_items(self.app.items)
        self.pages.setCurrentIndex(0 if on else 1)

    def _show_identity(self) -> None:
        i = self.identity
        labels = self.applicant_labels
        if i is None:
            for v in labels.values():
                v.setText("—")
            self.card_warnings.setText("")
            return
        labels["name"].setText(_("{name}（{english_name}）").format(
                name=i.name, english_name=i.english_name) if i.english_name and i.english_name != i.name else i.name)
        labels["id"].setText(i.masked_id)
        origin = i.nation or (nationality_label(i.nationality) if i.nationality else "")
        labels["sex"].setText(f"{i.sex.label if i.sex else '—'} / {origin or '—'}")
        labels["birth"].setText(i.birth_date.isoformat() if i.birth_date else "—")
        labels["address"].setText(i.address or "—")
        labels["valid"].setText(_("{valid_from} 至 {valid_to}").format(
                valid_from=i.valid_from or '—', valid_to=_('长期') if i.long_term else (i.valid_to or '—')))
        labels["card"].setText(i.card_type.label)
        agent = self.app.primary.agent if self.app else None
        labels["agent"].setText(_("{name}（{relation}）").format(
                name=agent.identity.name, relation=agent.relation) if agent else "—")

    def _refresh(self) -> None:
        app = self.app
        self._show_identity()
        allows = app.allows if app is not None else (lambda _type: False)
        deferred = app is not None and any(app.status_of(m.code) is MaterialStatus.DEFERRED for m in app.materials)
        self.title.setText(app.title if app else _("尚未选择事项"))
        if app is not None:
            case = app.primary
            extra = []
            if case.channel.value == "home_visit":
                extra.append(_("上门办"))
            if app.outstanding_deferred:
                extra.append(_("容缺待补{n_outstanding_deferred}项，期限 {deferred_deadline}").format(
                        n_outstanding_deferred=len(app.outstanding_deferred), deferred_deadline=self.desk.intake.deferred_deadline(app)))
            self.case_numbers.setText(_("办件编号：{case_numbers}　状态：{label}").format(
                    case_numbers=app.case_numbers, label=app.state.label)
                                      + (_("　") + _("；").join(extra) if extra else ""))
        else:
            self.case_numbers.setText("")
        if app is None:
            self.pages.setCurrentIndex(0)
            self.guide_button.setChecked(False)
        elif not self.guide_button.isChecked():
            self.pages.setCurrentIndex(1)
        self.form.set_read_only(not allows("fields_filled"))
        self.accept_button.setEnabled(allows("accepted") and not deferred)
        self.defer_accept_button.setEnabled(allows("accepted_with_deferred") and deferred)
        self.correction_button.setEnabled(allows("correction_notice_issued"))
        self.refuse_button.setEnabled(allows("refusal_requested"))
        self.approve_button.setEnabled(allows("refusal_approved"))
        self.resume_button.setEnabled(allows("correction_resumed"))
        self.withdraw_button.setEnabled(allows("correction_resumed"))
        self.supply_button.setEnabled(app is not None and any(c.deferred and c.allows("material_supplied")
                                                              for c in app.cases))
        self.reprint_button.setEnabled(app is not None and app.primary.accepted_at is not None)
        self.start_button.setEnabled(app is None or not allows("fields_filled"))
        for w in (self.delivery, self.delivery_detail, self.delivery_save):
            w.setEnabled(allows("delivery_set"))
        if app is not None:
            d = app.primary.delivery or {}
            self.delivery.setCurrentIndex(max(0, self.delivery.findData(d.get("method", "window"))))
            self.delivery_detail.setText(d.get("address") or d.get("locker") or "")

    def _show_application(self, app: Application) -> None:
        self.app = app
        if app.primary.applicant is not None:
            self.identity = app.primary.applicant
        self.form.build(app.fields, self.desk.intake.form_values(app))
        deferrable = {m.code for m in app.materials if self.desk.intake.deferrable(app, m.code)}
        self.materials.show_application(app, deferrable)
        self._refresh()

    def show_application(self, app: Application) -> None:
        """Show an application already loaded (e.g. by the demo) without touching devices."""
        self._show_application(app)

    def _open(self, dialog, submitted=None) -> None:
        """Open a dialog without blocking (tests drive `self.dialog` like a clerk)."""
        if submitted is not None:
            dialog.submitted.connect(submitted)
        self.dialog = dialog
        dialog.open()

    def say(self, text: str) -> None:
        self.message.setText(text)

    def focus_find(self) -> None:
        self.find_box.setFocus()
        self.find_box.selectAll()

    def _clear_workspace(self) -> None:
        self.app = None
        self.form.build([], {})
        self.materials.setRowCount(0)
        self._show_guide_of_choice()
        self._refresh()

    # --- ticket and card ------------------------------------------------------------------------

    def next_citizen(self) -> None:
        """Another citizen steps up: nothing of the previous one stays on screen."""
        self.identity = None
        self.card_warnings.clear()
        self._clear_photo()
        self._clear_workspace()

    def on_ticket_called(self, ticket: str | None) -> None:
        self.ticket = ticket
        self.next_citizen()
        self.say(_("请 {ticket} 号到{window_name}办理。请读取申请人身份证。").format(
                ticket=ticket, window_name=self.desk.settings.window_name) if ticket else _("当前没有等候的号。"))

    def read_card(self) -> None:
        self.ops.run(self.desk.devices.read_arrival, "idcard", on_success=self._card_arrival,
                     on_failure=self._card_failed, disable=[self.read_card_button])

    def read_social_security_card(self) -> None:
        self.ops.run(self.desk.devices.read_arrival, "sscard", on_success=self._card_arrival,
                     on_failure=self._card_failed, disable=[self.ss_card_button])

    def _card_arrival(self, arrival) -> None:
        if arrival.card is None:
            self._card_failed(arrival.problem)
        else:
            self._card_read(arrival.card, arrival.photo)

    def _card_failed(self, problem: str) -> None:
        """A failed read never leaves the previous citizen on screen as if just read."""
        if self.app is None or not self.app.allows("applicant_set"):
            self.identity = None
            self._clear_photo()
            if self.app is not None and not self.app.allows("applicant_set"):
                self._clear_workspace()
            self._show_identity()
        self.say("⚠ " + problem)

    def _show_photo(self, card, photo: bytes | None) -> None:
        pixmap = QPixmap()
        if photo and pixmap.loadFromData(photo):
            self.photo.setPixmap(pixmap.scaled(self.photo.size(), Qt.KeepAspectRatio, Qt.SmoothTransformation))
        else:
            self.photo.setPixmap(QPixmap())
            self.photo.setText(_("社保卡\n无照片") if card.identity.card_type is CardType.SOCIAL_SECURITY
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
        self.photo.setText(_("照片"))

    def _ask_applicant_or_agent(self, identity: Identity, show_photo) -> None:
        box = QMessageBox(QMessageBox.Question, _("证件与申请人不一致"),
                          _("读到的证件属于 {name}（{masked_id}），与当前申请人不同。\n请选择：").format(
                                  name=identity.name, masked_id=identity.masked_id), parent=self)
        as_applicant = box.addButton(_("作为申请人"), QMessageBox.AcceptRole)
        as_agent = box.addButton(_("作为代办人"), QMessageBox.ActionRole)
        box.addButton(_("取消"), QMessageBox.RejectRole)

        def chosen(_unused):
            if box.clickedButton() is as_applicant:
                show_photo()
                self._use_as_applicant(identity, from_card=True)
            elif box.clickedButton() is as_agent:
                self._ask_relation(identity)

        box.finished.connect(chosen)
        self._open(box)

    def _ask_relation(self, identity: Identity) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(_("代办人"))
        dialog.setLabelText(_("{name} 与申请人的关系：").format(name=identity.name))
        dialog.setTextValue(_("亲属"))
        dialog.accepted.connect(lambda: self._set_agent(identity, dialog.textValue().strip()))
        self._open(dialog)

    def _set_agent(self, identity: Identity, relation: str) -> None:
        if self.app is None:
            self.say(_("请先选择事项，再登记代办人。"))
            return
        self.ops.run(self.desk.intake.set_agent, self.app, Agent(identity, relation), self.clerk,
                     on_success=lambda _unused: self._after_change(_("已登记代办人 {name}；请收取授权委托书。").format(
                             name=identity.name)))

    def _use_as_applicant(self, identity: Identity, from_card: bool, warnings: list[str] | None = None) -> None:
        self.identity = identity
        if warnings is None:
            warnings = self.desk.intake.check_card(None, identity).warnings
        self.card_warnings.setText("\n".join("⚠ " + w for w in warnings))
        if self.app is not None and self.app.allows("applicant_set"):
            self._show_identity()
            self.ops.run(self.desk.intake.set_applicant, self.app, identity, self.clerk, from_card=from_card,
                         on_success=lambda _unused: self._after_change(_("已读取 {name} 的证件").format(name=identity.name)))
            return
        if self.app is not None:
            self._clear_workspace()
        self._show_identity()
        self.say(_("已读取 {name} 的证件，请选择事项。").format(name=identity.name))
        self.ops.run(self.desk.returns.returnable_for, self.clerk, identity, on_success=self._offer_returnable)

    def _offer_returnable(self, found) -> None:
        if not found or self.app is not None:
            return
        self.find_box.setText(self.identity.id_number if self.identity else "")
        listed = _("、").join(_("{case_number}（{item_name}，{state_text}）").format(
                case_number=s.case_number, item_name=s.item_name, state_text=s.state_text) for s in found[:3])
        self.say(_("该申请人有 {n_found} 件可继续办理的办件：{listed}。按“找件”继续办理，或选择新的事项。").format(n_found=len(found), listed=listed))

    def _manual_entry(self) -> None:
        dialog = ManualEntryDialog(self)
        dialog.accepted.connect(lambda: self._use_manual_entry(dialog.identity))
        self._open(dialog)

    def _use_manual_entry(self, identity: Identity) -> None:
        self._clear_photo()
        self._use_as_applicant(identity, from_card=False)

    def _manual_agent(self) -> None:
        if self.app is None:
            self.say(_("请先选择事项，再登记代办人。"))
            return
        dialog = ManualEntryDialog(self, _("手工录入代办人"))
        dialog.accepted.connect(lambda: self._ask_relation(dialog.identity))
        self._open(dialog)

    # --- finding a case the citizen comes back for ----------------------------------------------

    def find_case(self, text: str | None = None) -> None:
        query = self.find_box.text() if text is None else text
        self.ops.run(self.desk.returns.find, self.clerk, query, on_success=self._found, disable=[self.find_button])

    def scan_notice(self) -> None:
        """The QR code of a notice or receipt shown to the document camera."""
        def scanned(texts: list[str]) -> None:
            if not texts:
                self.say(_("⚠ 没有识别到二维码，请将告知书上的二维码平放在高拍仪下再试。"))
                return
            self.find_box.setText(texts[0])
            self.find_case(texts[0])

        self.ops.run(self.desk.devices.read_codes, on_success=scanned, disable=[self.scan_button])

    def _found(self, summaries) -> None:
        if len(summaries) == 1:
            self.open_case(summaries[0].id)
            return
        dialog = CaseChoiceDialog([(s.id, _("{case_number}　{item_name}　{state_text}　{created_at:%Y-%m-%d}").format(
                case_number=s.case_number, item_name=s.item_name, state_text=s.state_text, created_at=s.created_at))
                                   for s in summaries], self)
        dialog.accepted.connect(lambda: self.open_case(dialog.chosen()) if dialog.chosen() else None)
        self._open(dialog)

    def open_case(self, case_id: str) -> None:
        self.ops.run(self.desk.returns.open, case_id, self.clerk, on_success=self._opened)

    def _opened(self, app: Application) -> None:
        self.guide_button.setChecked(False)
        self._show_application(app)
        if app.primary.applicant is not None:
            self._clear_photo()
        state = app.state
        if app.allows("correction_resumed"):
            missing = _("、").join(m.get("name", "") for m in app.primary.correction)
            self.say(_("已找到 {case_numbers}（已一次性告知：{missing}）。核对材料后点“补正后继续办理”。").format(
                    case_numbers=app.case_numbers, missing=missing))
        elif app.allows_supply:
            self.say(_("已找到 {case_numbers}，待补交：{names}。收取或拍摄后点“打印补交回执”。").format(
                    case_numbers=app.case_numbers, names=_('、').join(app.material(c).name for c in app.outstanding_deferred)))
        elif app.primary.allows("handed_out"):
            self.say(_("{case_numbers} 已办结，正在打开出件…").format(case_numbers=app.case_numbers))
            self.handout_requested.emit(app.primary.id)
        else:
            self.say(_("已找到 {case_numbers}，状态：{label}。").format(case_numbers=app.case_numbers, label=state.label))

    # --- application ----------------------------------------------------------------------------

    def start_application(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.say(_("请先在列表中选择事项或一件事。"))
            return
        if self.app is not None and self.app.allows("fields_filled"):
            self.say(_("当前申请尚未办完：请先受理、告知或不予受理，或点“新申请”。"))
            return
        kind, code = chosen
        identity = self.identity
        self.ops.run(self.desk.intake.start, kind, code, self.clerk, self.ticket, applicant=identity,
                     from_card=identity is not None and identity.card_type is not CardType.MANUAL,
                     on_success=self._started, disable=[self.start_button])

    def _started(self, app: Application) -> None:
        self.guide_button.setChecked(False)
        self._show_application(app)
        self.changed.emit()
        self.say(_("已开始办理“{title}”，办件编号 {case_number}。请填写申请表并收取材料。").format(
                title=app.title, case_number=app.primary.case_number))
        first = next(iter(self.form.widgets.values()), None)
        if first is not None:
            first.setFocus()

    def new_application(self) -> None:
        self.guide_button.setChecked(False)
        self._clear_workspace()
        self.search.setFocus()
        self.say(_("请选择下一个事项（同一申请人可继续办理）。"))

    def _after_change(self, text: str) -> None:
        if self.app is not None:
            values = self.form.values()
            self._show_application(self.app)
            if self.app.allows("fields_filled"):
                for key, value in values.items():
                    if value and key in self.form.widgets:
                        self.form.set_value(key, value)
        self.changed.emit()
        self.say(text)

    def _material_action(self, code: str, action: str) -> None:
        app = self.app
        if app is None:
            return
        if action == "capture":
            self.capture(code)
            return
        name = app.material(code).name
        if action == "e_certificate":
            self._record_e_certificate(code, name)
            return
        if action == "defective":
            self._reject_material(code, name)
            return
        status = MaterialStatus.RECEIVED if action == "received" else MaterialStatus.DEFERRED
        supplying = app.supplying(code)
        self.ops.run(self.desk.intake.mark_material, app, code, status, self.clerk,
                     on_success=lambda _unused: self._after_change(f"“{name}”{_('已补交') if supplying else status.label}"))

    def _reject_material(self, code: str, name: str) -> None:
        """不合格: ask what is wrong with the paper; it goes back to the citizen and onto the correction notice."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle(_("材料不合格"))
        dialog.setLabelText(_("“{name}”哪里不合格（将列入一次性补正告知书）：").format(name=name))
        by_text = {_(text): key for key, text in DEFECTS.items()}
        dialog.setComboBoxItems(list(by_text))
        dialog.setComboBoxEditable(True)

        def chosen() -> None:
            text = dialog.textValue().strip()
            self.ops.run(self.desk.intake.reject_material, self.app, code, by_text.get(text, text), self.clerk,
                         on_success=lambda _unused: self._after_change(_("“{name}”不合格（{text}），已退回群众").format(
                                 name=name, text=text)))

        dialog.accepted.connect(chosen)
        self._open(dialog)

    def _record_e_certificate(self, code: str, name: str) -> None:
        dialog = ECertificateDialog(name, self)

        def submit() -> None:
            self.ops.run(self.desk.intake.record_e_certificate, self.app, code, dialog.number.text(),
                         dialog.agency.text(), self.clerk,
                         on_success=lambda _unused: (dialog.accept(), self._after_change(_("“{name}”以电子证照提供（A 级）").format(
                                 name=name))),
                         on_failure=dialog.refuse)

        self._open(dialog, submitted=submit)

    def save_delivery(self) -> None:
        app = self.app
        if app is None:
            return
        method = DeliveryMethod(self.delivery.currentData())
        detail = self.delivery_detail.text()
        self.ops.run(self.desk.intake.set_delivery, app, method, self.clerk,
                     address=detail if method is DeliveryMethod.POST else "",
                     locker=detail if method is DeliveryMethod.LOCKER else "",
                     on_success=lambda _unused: self._after_change(_("领取方式：{label}").format(label=method.label)))

    def capture(self, code: str | None = None) -> None:
        """Open the capture view for the material (the selected row with F3); F3 again takes a still."""
        app = self.app
        if self.capture_view is not None and self.capture_view.isVisible() and code is None:
            self.capture_view.capture_now()
            return
        code = code or self.materials.selected_code()
        if app is None or code is None:
            self.say(_("请先在材料清单中选中要拍摄的材料。"))
            return
        if not (app.allows("material_marked") or app.supplying(code)):
            self.say(_("办件当前为“{label}”，不能再拍摄材料。").format(label=app.state.label))
            return
        if self.capture_view is None:
            self.capture_view = CaptureDialog(self.desk, self.clerk, self.ops, self)
            self.capture_view.pages_changed.connect(
                lambda: self._after_change(_("“{material_name}”已更新，共{n_pages}页").format(
                        material_name=self.capture_view.material_name(), n_pages=len(self.capture_view.pages))))
            self.capture_view.show_material(app, code)
            self.capture_view.start()
        else:
            self.capture_view.show_material(app, code)
            if not self.capture_view.isVisible():
                self.capture_view.start()
        self.capture_view.raise_()
        self.capture_view.activateWindow()

    def close_capture(self) -> None:
        if self.capture_view is not None:
            self.capture_view.close()

    # --- decisions ------------------------------------------------------------------------------

    def _decided(self, outcome: Outcome) -> None:
        """Show what a decision led to and print what it prints."""
        self.form.show_errors(outcome.problems)
        if not outcome.ok:
            self._refresh()
            self.say(outcome.message)
            return
        self._after_change(outcome.message)
        if outcome.documents:
            self.printing.print_documents(outcome.documents, outcome.app.cases)

    def accept(self, deferred: bool = False) -> None:
        app = self.app
        if app is None or not app.allows("accepted_with_deferred" if deferred else "accepted"):
            return
        operation = self.desk.intake.accept_with_deferred if deferred else self.desk.intake.accept
        self.ops.run(operation, app, self.clerk, self.form.values(), on_success=self._accepted,
                     disable=[self.accept_button, self.defer_accept_button])

    def _accepted(self, outcome: Outcome) -> None:
        self._decided(outcome)
        if outcome.ok:
            self.accepted.emit(list(outcome.app.cases))

    def print_receipt(self) -> None:
        """Print the receipt again (Ctrl+P): a 补打 copy when it was printed before."""
        app = self.app
        if app is None or app.primary.accepted_at is None:
            return
        self.printing.print_document(DocumentKind.ACCEPTANCE_RECEIPT, app.cases)

    def print_supply_receipt(self) -> None:
        app = self.app
        if app is None:
            return
        try:
            outcome = self.desk.returns.supply_receipt(app)
        except DomainError as e:
            self.say("⚠ " + str(e))
            return
        self._decided(outcome)

    def issue_correction_notice(self) -> None:
        app = self.app
        if app is None or not app.allows("correction_notice_issued"):
            return
        proposed = {m["code"]: m["requirement"] for m in self.desk.intake.correction_candidates(app)}
        rows = [(m.code, m.name, m.code in proposed, proposed.get(m.code, "未提供")) for m in app.materials]  # i18n: data (printed)
        dialog = CorrectionDialog(rows, self)
        dialog.accepted.connect(lambda: self.ops.run(self.desk.intake.issue_correction_notice, app, self.clerk,
                                                     dialog.missing(), self.form.values(), on_success=self._decided))
        self._open(dialog)

    def request_refusal(self) -> None:
        app = self.app
        if app is None or not app.allows("refusal_requested"):
            return
        dialog = RefusalDialog(self)

        def submit() -> None:
            reason, basis, guidance = dialog.values()
            self.ops.run(self.desk.intake.request_refusal, app, reason, basis, guidance, self.clerk,
                         self.form.values(),
                         on_success=lambda outcome: (dialog.accept(), self._decided(outcome), self.ask_supervisor()),
                         on_failure=dialog.refuse)

        self._open(dialog, submitted=submit)

    def ask_supervisor(self) -> None:
        app = self.app
        if app is None or not app.allows("refusal_approved"):
            return
        refusal = app.primary.refusal or {}
        dialog = SupervisorDialog(_("事项：{title}\n理由：{reason}\n指引：{guidance}\n须由提出申请以外的值班负责人审批。").format(
                title=app.title, reason=refusal.get('reason', ''), guidance=refusal.get('guidance', '')), self)

        def submit() -> None:
            approve, note = dialog.approve, dialog.note.text()

            def decide(supervisor: Clerk) -> None:
                self.ops.run(self.desk.intake.decide_refusal, app, supervisor, approve, note,
                             on_success=lambda outcome: (dialog.accept(), self._decided(outcome)),
                             on_failure=dialog.refuse)

            self.ops.run(self.desk.accounts.login_supervisor, dialog.username.text(), dialog.password.text(),
                         on_success=decide, on_failure=dialog.refuse)

        self._open(dialog, submitted=submit)

    def resume(self) -> None:
        app = self.app
        if app is not None and app.allows("correction_resumed"):
            self.ops.run(self.desk.returns.resume, app, self.clerk, on_success=self._decided)

    def withdraw_unanswered(self) -> None:
        app = self.app
        if app is None or not app.allows("correction_resumed"):
            return
        box = QMessageBox(QMessageBox.Question, _("逾期未补正撤回"),
                          _("将 {case_numbers} 按“一次性告知后逾期未补正”撤回？撤回后不能恢复。").format(case_numbers=app.case_numbers),
                          QMessageBox.Yes | QMessageBox.No, self)
        box.accepted.connect(lambda: self.ops.run(self.desk.returns.withdraw_unanswered, app, self.clerk,
                                                  on_success=self._decided))
        self._open(box)

    # --- asking only, and what the window cannot do ------------------------------------------------

    def print_guide_notice(self) -> None:
        """一次性告知单 of the open application's items, or of the highlighted item for a citizen who only asks."""
        chosen = self._chosen()
        if self.app is not None:
            items = self.app.items
        elif chosen is not None:
            items = self.desk.catalog.items_of(*chosen)
        else:
            self.say(_("请先在列表中选择事项。"))
            return
        for code in (it.code for it in items):
            self.ops.run(self.desk.printing.print_guide_notice, code, self.clerk,
                         on_success=lambda result: self.say(_("一次性告知单已打印（{printer}）。").format(printer=result.printer)))

    def register_cannot_do(self) -> None:
        identity = self.identity
        dialog = CannotDoDialog(_("{name}（{masked_id}）").format(
                name=identity.name, masked_id=identity.masked_id) if identity else "", self)
        if self.app is not None:
            dialog.what.setPlainText(self.app.title)

        def submit() -> None:
            to = dialog.escalate.currentData()
            item = self.app.primary.item_code if self.app else ""
            self.ops.run(self.desk.cannot_do.register, dialog.what.toPlainText(), dialog.why.toPlainText(),
                         CannotDoReason(dialog.reason.currentData()), self.clerk, applicant=identity,
                         phone=dialog.phone.text(), item_code=item,
                         escalate_to=EscalationTarget(to) if to else None,
                         on_success=lambda r: (dialog.accept(), self.changed.emit(), self.say(r.message)),
                         on_failure=dialog.refuse)

        self._open(dialog, submitted=submit)

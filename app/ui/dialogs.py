"""Small dialogs of the desk. A dialog that asks for something the services check (a refusal's reason, a
supervisor's password, a certificate number) stays open with everything typed when it is refused: its
owner runs the operation on `submitted` and calls `refuse(message)` or `accept()`."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.cannot_do import CannotDoOutcome, CannotDoReason, EscalationTarget
from app.domain.errors import ValidationError
from app.domain.identity import CardType, Identity
from app.i18n import N_, _
from app.ui.widgets import QuietComboBox, error_label


class FormDialog(QDialog):
    """A dialog whose OK asks the services first (see the module's docstring)."""

    submitted = Signal()

    def __init__(self, title: str, ok_text: str = N_("确定"), parent=None):
        super().__init__(parent)
        self.setWindowTitle(_(title))
        self.body = QVBoxLayout(self)
        self.form = QFormLayout()
        self.body.addLayout(self.form)
        self.error = error_label()
        self.body.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(_(ok_text))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.body.addWidget(self.buttons)

    def _submit(self) -> None:
        self.error.setText("")
        problem = self.check()
        if problem:
            self.refuse(problem)
            return
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(False)
        self.submitted.emit()

    def check(self) -> str:
        """A problem the dialog can see by itself (empty: ask the services)."""
        return ""

    def refuse(self, message: str) -> None:
        """The services said no: say why and keep everything typed."""
        self.error.setText(message)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(True)

    def press_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).click()


def _text(height: int = 60) -> QPlainTextEdit:
    w = QPlainTextEdit()
    w.setFixedHeight(height)
    w.setTabChangesFocus(True)
    return w


class ManualEntryDialog(FormDialog):
    """Typing an identity in when there is no card (same validation as a card read)."""

    def __init__(self, parent=None, title: str = N_("手工录入申请人")):
        super().__init__(title, parent=parent)
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(18)
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.form.addRow(_("姓名"), self.name)
        self.form.addRow(_("公民身份号码"), self.id_number)
        self.form.addRow(_("联系电话"), self.phone)
        self.form.addRow(_("地址"), self.address)
        self.identity: Identity | None = None
        self.submitted.connect(self.accept)

    def check(self) -> str:
        identity = Identity(name=self.name.text().strip(), id_number=self.id_number.text().strip().upper(),
                            phone=self.phone.text().strip(), address=self.address.text().strip(),
                            card_type=CardType.MANUAL)
        try:
            identity.validate()
        except ValidationError as e:
            return str(e)
        self.identity = identity
        return ""


class RefusalDialog(FormDialog):
    """否定报备: reason, legal basis and guidance for the citizen."""

    def __init__(self, parent=None):
        super().__init__(_("申请不予受理（否定报备）"), _("提交审批"), parent)
        self.reason = _text(70)
        self.legal_basis = QLineEdit()
        self.guidance = _text(70)
        self.form.addRow(_("不予受理理由"), self.reason)
        self.form.addRow(_("依据"), self.legal_basis)
        self.form.addRow(_("办理指引"), self.guidance)

    def values(self) -> tuple[str, str, str]:
        return self.reason.toPlainText(), self.legal_basis.text(), self.guidance.toPlainText()


class SupervisorDialog(FormDialog):
    """A supervisor logs in at this desk: to decide a refusal (with `decision`), or to approve something."""

    def __init__(self, summary: str, parent=None, *, title: str = N_("值班负责人审批"), decision: bool = True):
        super().__init__(title, _("确认"), parent)
        text = QLabel(summary)
        text.setWordWrap(True)
        self.body.insertWidget(0, text)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.decision = QuietComboBox()
        self.decision.addItems([_("批准不予受理"), _("驳回（退回继续办理）")])
        self.note = QLineEdit()
        self.form.addRow(_("负责人账号"), self.username)
        self.form.addRow(_("密码"), self.password)
        if decision:
            self.form.addRow(_("审批意见"), self.decision)
            self.form.addRow(_("备注"), self.note)

    @property
    def approve(self) -> bool:
        return self.decision.currentIndex() == 0


class CorrectionDialog(QDialog):
    """一次性补正告知: tick every material that is missing or defective and say what is needed."""

    def __init__(self, materials: list[tuple[str, str, bool, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("一次性补正告知"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("请勾选需要补正的全部材料（一次告知，不得再次要求）：")))
        self.rows: list[tuple[str, str, QCheckBox, QLineEdit]] = []
        form = QFormLayout()
        for code, name, missing, requirement in materials:
            box = QCheckBox(name)
            box.setChecked(missing)
            note = QLineEdit(requirement if missing else "")
            form.addRow(box, note)
            self.rows.append((code, name, box, note))
        holder = QWidget()
        holder.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setMaximumHeight(420)
        layout.addWidget(scroll)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(_("出具告知书"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def missing(self) -> list[dict[str, str]]:
        return [{"code": code, "name": name, "requirement": note.text().strip() or _("未提供")}
                for code, name, box, note in self.rows if box.isChecked()]


class ECertificateDialog(FormDialog):
    """电子证照: the certificate's number and issuing agency instead of paper."""

    def __init__(self, material_name: str, parent=None):
        super().__init__(_("电子证照 — {material_name}").format(material_name=material_name), _("登记"), parent)
        self.number = QLineEdit()
        self.number.setPlaceholderText(_("电子证照编号（照面信息上的证照号）"))
        self.agency = QLineEdit()
        self.agency.setPlaceholderText(_("例如：杭州市公安局西湖分局"))
        self.form.addRow(_("证照编号"), self.number)
        self.form.addRow(_("发证机关"), self.agency)


class HomeVisitDialog(FormDialog):
    """上门办: where the clerk works today (the cases opened meanwhile carry the channel)."""

    def __init__(self, parent=None):
        super().__init__(_("开始上门办"), _("开始"), parent)
        self.address = QLineEdit()
        self.address.setPlaceholderText(_("群众家中地址"))
        self.form.addRow(_("上门地址"), self.address)
        self.form.addRow(QLabel(_("上门办期间无需联网，回到中心后自动上报。")))


class CannotDoDialog(FormDialog):
    """办不成事: what the citizen wanted, why it failed, and who decides."""

    def __init__(self, applicant: str, parent=None):
        super().__init__(_("“办不成事”登记"), _("登记"), parent)
        self.what = _text(50)
        self.why = _text(50)
        self.reason = QuietComboBox()
        for r in CannotDoReason:
            self.reason.addItem(r.label, r.value)
        self.escalate = QuietComboBox()
        self.escalate.addItem(_("暂不上报"), None)
        for t in EscalationTarget:
            self.escalate.addItem(_("上报{label}").format(label=t.label), t.value)
        self.escalate.setCurrentIndex(1)
        self.phone = QLineEdit()
        self.form.addRow(_("反映人"), QLabel(applicant or _("（未读卡，可不填）")))
        self.form.addRow(_("要办的事"), self.what)
        self.form.addRow(_("办不成的原因"), self.why)
        self.form.addRow(_("类别"), self.reason)
        self.form.addRow(_("联系电话"), self.phone)
        self.form.addRow(_("上报"), self.escalate)


class LeaderDialog(FormDialog):
    """The duty leader closes a 办不成事: outcome, explanation, helper or where to go; their own login."""

    def __init__(self, summary: str, items: list[tuple[str, str]], parent=None):
        super().__init__(_("值班领导处理“办不成事”"), _("办结"), parent)
        text = QLabel(summary)
        text.setWordWrap(True)
        self.body.insertWidget(0, text)
        self.outcome = QuietComboBox()
        for o in CannotDoOutcome:
            self.outcome.addItem(o.label, o.value)
        self.item = QuietComboBox()
        self.item.addItem(_("（协调办理时选择事项）"), "")
        for code, name in items:
            self.item.addItem(_("{name}（{code}）").format(name=name, code=code), code)
        self.note = _text(50)
        self.assignee = QLineEdit()
        self.guidance = _text(50)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.form.addRow(_("处理结果"), self.outcome)
        self.form.addRow(_("协调办理的事项"), self.item)
        self.form.addRow(_("说明"), self.note)
        self.form.addRow(_("帮办人员"), self.assignee)
        self.form.addRow(_("办理指引"), self.guidance)
        self.form.addRow(_("值班领导账号"), self.username)
        self.form.addRow(_("密码"), self.password)


class CaseChoiceDialog(QDialog):
    """Several cases found for one citizen: choose the one the visit continues."""

    def __init__(self, rows: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("选择要继续办理的办件"))
        col = QVBoxLayout(self)
        col.addWidget(QLabel(_("找到以下办件，请选择（回车确认）：")))
        self.list = QListWidget()
        for case_id, text in rows:
            item = QListWidgetItem(text)
            item.setData(256, case_id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _unused: self.accept())
        col.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(256) if item else None

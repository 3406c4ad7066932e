"""Small dialogs of the intake flow: manual entry, refusal request, supervisor approval, correction notice."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.domain.errors import ValidationError
from app.domain.identity import CardType, Identity


class ManualEntryDialog(QDialog):
    """Typing an identity in when there is no card (same validation as a card read)."""

    def __init__(self, parent=None, title: str = "手工录入申请人"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(18)
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.error = QLabel()
        self.error.setStyleSheet("color:#c0392b")
        form = QFormLayout(self)
        form.addRow("姓名", self.name)
        form.addRow("公民身份号码", self.id_number)
        form.addRow("联系电话", self.phone)
        form.addRow("地址", self.address)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.identity: Identity | None = None

    def _check(self) -> None:
        identity = Identity(name=self.name.text().strip(), id_number=self.id_number.text().strip().upper(),
                            phone=self.phone.text().strip(), address=self.address.text().strip(),
                            card_type=CardType.MANUAL)
        try:
            identity.validate()
        except ValidationError as e:
            self.error.setText(str(e))
            return
        self.identity = identity
        self.accept()


class RefusalDialog(QDialog):
    """否定报备: reason, legal basis and guidance for the citizen."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("申请不予受理（否定报备）")
        self.reason = QPlainTextEdit()
        self.legal_basis = QLineEdit()
        self.guidance = QPlainTextEdit()
        for w in (self.reason, self.guidance):
            w.setFixedHeight(70)
        form = QFormLayout(self)
        form.addRow("不予受理理由", self.reason)
        form.addRow("依据", self.legal_basis)
        form.addRow("办理指引", self.guidance)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("提交审批")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, str, str]:
        return self.reason.toPlainText(), self.legal_basis.text(), self.guidance.toPlainText()


class SupervisorDialog(QDialog):
    """The supervisor logs in at this desk and approves or rejects the refusal."""

    def __init__(self, summary: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("值班负责人审批")
        layout = QVBoxLayout(self)
        text = QLabel(summary)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.decision = QComboBox()
        self.decision.addItems(["批准不予受理", "驳回（退回继续办理）"])
        self.note = QLineEdit()
        self.error = QLabel()
        self.error.setStyleSheet("color:#c0392b")
        form.addRow("负责人账号", self.username)
        form.addRow("密码", self.password)
        form.addRow("审批意见", self.decision)
        form.addRow("备注", self.note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("确认")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    @property
    def approve(self) -> bool:
        return self.decision.currentIndex() == 0


class CorrectionDialog(QDialog):
    """一次性补正告知: tick every material that is missing or defective and say what is needed."""

    def __init__(self, materials: list[tuple[str, str, bool]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("一次性补正告知")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("请勾选需要补正的全部材料（一次告知，不得再次要求）："))
        self.rows: list[tuple[str, str, QCheckBox, QLineEdit]] = []
        form = QFormLayout()
        for code, name, missing in materials:
            box = QCheckBox(name)
            box.setChecked(missing)
            note = QLineEdit("未提供" if missing else "")
            form.addRow(box, note)
            self.rows.append((code, name, box, note))
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def missing(self) -> list[dict[str, str]]:
        return [{"code": code, "name": name, "requirement": note.text().strip() or "未提供"}
                for code, name, box, note in self.rows if box.isChecked()]

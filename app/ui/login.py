"""Login at the desk (and the first password change of an account made with a one-time password)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from app.domain.accounts import Clerk
from app.i18n import _
from app.services.desk import Desk
from app.ui.operations import Operations


class LoginDialog(QDialog):
    def __init__(self, desk: Desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.clerk: Clerk | None = None
        self.setWindowTitle(_("综窗 — 登录") + (_("【培训模式】") if desk.training else ""))
        form = QFormLayout(self)
        if desk.training:
            banner = QLabel(_("培训模式：模拟设备，数据与正式环境隔离"))
            banner.setStyleSheet("background:#c0392b;color:white;padding:4px")
            form.addRow(banner)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.Password)
        self.new_password_label = QLabel(_("新密码（首次登录须修改）"))
        self.error = QLabel()
        self.error.setStyleSheet("color:#c0392b")
        form.addRow(_("账号"), self.username)
        form.addRow(_("密码"), self.password)
        form.addRow(self.new_password_label, self.new_password)
        form.addRow(self.error)
        self.new_password_label.hide()
        self.new_password.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(_("登录"))
        self.buttons.accepted.connect(self._login)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.ops = Operations(self.error.setText, self)

    def _login(self) -> None:
        username, password, new = self.username.text(), self.password.text(), self.new_password.text()

        def done(clerk: Clerk) -> None:
            if clerk.must_change_password:
                self.new_password_label.show()
                self.new_password.show()
                self.error.setText(_("这是一次性密码，请设置新密码（至少8位）后再次点击登录。"))
                return
            self.clerk = clerk
            self.accept()

        self.ops.run(self.desk.accounts.sign_in, username, password, new, on_success=done, disable=[self.buttons])

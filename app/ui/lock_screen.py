"""The idle lock: after `idle_lock_minutes` without a key or a click the desk is covered by a screen that
shows no citizen's data, until the clerk whose session it is types their password."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.accounts import Clerk
from app.i18n import _
from app.ui.widgets import error_label

_INPUT = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel, QEvent.TouchBegin}


class IdleWatcher(QObject):
    """Emits `idle` once after `timeout_ms` with no keyboard, mouse or touch input anywhere in the program."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self.timeout_ms = timeout_ms
        self.last_input = time.monotonic()
        self.paused = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._check)
        if timeout_ms > 0:
            QApplication.instance().installEventFilter(self)
            self.timer.start(max(50, min(timeout_ms // 4, 5000)))

    def eventFilter(self, obj, event) -> bool:   # noqa: N802 (Qt's name)
        if event.type() in _INPUT:
            self.last_input = time.monotonic()
        return False

    def _check(self) -> None:
        if not self.paused and (time.monotonic() - self.last_input) * 1000 >= self.timeout_ms:
            self.paused = True
            self.idle.emit()

    def resume(self) -> None:
        self.last_input, self.paused = time.monotonic(), False

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockScreen(QDialog):
    """Covers the whole screen above every other window of the program; `submitted` carries the password."""

    submitted = Signal(str)

    def __init__(self, clerk: Clerk, parent: QWidget | None = None):
        super().__init__(parent, Qt.Window | Qt.FramelessWindowHint | Qt.WindowStaysOnTopHint)
        self.setWindowTitle(_("综窗 — 已锁屏"))
        self.setModal(True)
        self.setWindowModality(Qt.ApplicationModal)
        self.setStyleSheet("QDialog{background:#1b2631} QLabel{color:white}")
        col = QVBoxLayout(self)
        col.addStretch(1)
        panel = QWidget()
        panel.setFixedWidth(400)
        inner = QVBoxLayout(panel)
        title = QLabel(_("已锁屏"))
        title.setStyleSheet("font-size:28px;font-weight:bold")
        inner.addWidget(title, 0, Qt.AlignHCenter)
        self.who = QLabel(_("{display_name}（{username}）的工作已暂停，群众信息已隐藏。").format(
                display_name=clerk.display_name, username=clerk.username))
        self.who.setWordWrap(True)
        inner.addWidget(self.who)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText(_("请输入本人密码解锁（Enter）"))
        self.password.returnPressed.connect(self._submit)
        inner.addWidget(self.password)
        self.error = error_label()
        self.error.setStyleSheet("color:#f5b7b1")
        inner.addWidget(self.error)
        self.unlock_button = QPushButton(_("解锁"))
        self.unlock_button.clicked.connect(self._submit)
        inner.addWidget(self.unlock_button)
        col.addWidget(panel, 0, Qt.AlignHCenter)
        col.addStretch(2)

    def _submit(self) -> None:
        if not self.password.text():
            self.refuse(_("请输入密码"))
            return
        self.error.setText("")
        self.unlock_button.setEnabled(False)
        self.submitted.emit(self.password.text())

    def refuse(self, message: str) -> None:
        self.error.setText(message)
        self.password.clear()
        self.unlock_button.setEnabled(True)
        self.password.setFocus()

    def cover(self) -> None:
        screen = (self.parent().screen() if self.parent() else None) or QApplication.primaryScreen()
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self.password.setFocus()

    def keyPressEvent(self, event) -> None:   # noqa: N802 — Esc must not close the lock
        if event.key() != Qt.Key_Escape:
            super().keyPressEvent(event)

    def reject(self) -> None:                 # neither Esc nor the window manager closes it
        pass

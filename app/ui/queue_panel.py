"""The queue at this window, as one bar above the workspace: the ticket being served, call the next (F5), 重呼,
过号 (and a 过号 ticket back in line), 暂停 / 恢复, 转移, take a ticket for a citizen without one, how many wait (the
list in the tooltip), and whether the centre's hall service answers or this window calls from its own queue."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
)

from app.i18n import _
from app.services.desk import Desk
from app.ui.operations import Operations
from app.ui.widgets import QuietComboBox


class TransferDialog(QDialog):
    """转移: to another category of business, or to one window."""

    def __init__(self, categories: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("转移号码"))
        self.category = QuietComboBox()
        self.category.addItem(_("（不改业务类别）"), None)
        for code, label in categories:
            self.category.addItem(label, code)
        self.window = QLineEdit()
        self.window.setPlaceholderText(_("如 3号窗口（转给某个窗口时填写）"))
        form = QFormLayout(self)
        form.addRow(_("转到业务类别"), self.category)
        form.addRow(_("或转到窗口"), self.window)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def target(self) -> tuple[str | None, str | None]:
        window = self.window.text().strip() or None
        return (None if window else self.category.currentData()), window


class QueuePanel(QFrame):
    called = Signal(object)     # ticket number or None

    def __init__(self, desk: Desk, ops: Operations, parent=None):
        super().__init__(parent)
        self.desk, self.ops = desk, ops
        self.dialog: QDialog | None = None
        self.setFrameShape(QFrame.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        title = QLabel(_("叫号"))
        title.setStyleSheet("font-weight:bold")
        self.current = QLabel(_("当前：—"))
        self.current.setObjectName("current_ticket")
        self.current.setStyleSheet("font-size:18px;font-weight:bold")
        self.call_button = QPushButton(_("叫下一位 (F5)"))
        self.recall_button = QPushButton(_("重呼"))
        self.recall_button.setToolTip(_("再叫一次当前号码（Shift+F5）"))
        self.no_show_button = QPushButton(_("过号"))
        self.restore_button = QPushButton(_("过号回队…"))
        self.restore_button.setToolTip(_("过号的群众回来了：按号码让他重新排队"))
        self.pause_button = QPushButton(_("暂停"))
        self.pause_button.setCheckable(True)
        self.transfer_button = QPushButton(_("转移…"))
        self.priority = QCheckBox(_("绿色通道"))
        self.priority.setToolTip(_("老年人、残疾人、孕妇优先"))
        self.take_button = QPushButton(_("取号"))
        self.waiting_label = QLabel(_("等候：0 人"))
        self.hall_label = QLabel()
        self.hall_label.setObjectName("hall_status")
        for w in (title, self.current, self.call_button, self.recall_button, self.no_show_button, self.restore_button,
                  self.pause_button, self.transfer_button, self.priority, self.take_button, self.waiting_label,
                  self.hall_label):
            row.addWidget(w)
        row.addStretch(1)
        self.take_button.clicked.connect(self.take_ticket)
        self.call_button.clicked.connect(self.call_next)
        self.recall_button.clicked.connect(self.recall)
        self.no_show_button.clicked.connect(self.no_show)
        self.restore_button.clicked.connect(self.restore)
        self.pause_button.toggled.connect(self.pause)
        self.transfer_button.clicked.connect(self.transfer)
        if desk.queue.current is not None:
            self.current.setText(_("当前：{number}").format(number=desk.queue.current.number))
        self.refresh()

    def _show_current(self) -> None:
        ticket = self.desk.queue.current
        self.current.setText(_("当前：{number}").format(number=ticket.number) if ticket else _("当前：—"))
        for b in (self.recall_button, self.no_show_button, self.transfer_button):
            b.setEnabled(ticket is not None)

    def take_ticket(self) -> None:
        self.ops.run(self.desk.queue.take_ticket, self.priority.isChecked(), on_success=lambda t: self.refresh(),
                     disable=[self.take_button])

    def call_next(self) -> None:
        def called(ticket) -> None:
            self.called.emit(ticket.number if ticket else None)
            self.refresh()

        self.ops.run(self.desk.queue.call_next, on_success=called, disable=[self.call_button])

    def recall(self) -> None:
        self.ops.run(self.desk.queue.recall, on_success=lambda t: self.refresh(), disable=[self.recall_button])

    def no_show(self) -> None:
        def gone(_ticket) -> None:
            self.called.emit(None)
            self.refresh()

        self.ops.run(self.desk.queue.mark_no_show, on_success=gone, disable=[self.no_show_button])

    def restore(self) -> None:
        number, ok = QInputDialog.getText(self, _("过号回队"), _("过号的号码（如 A007）："))
        if ok and number.strip():
            self.ops.run(self.desk.queue.restore, number, on_success=lambda t: self.refresh())

    def pause(self, paused: bool) -> None:
        self.pause_button.setText(_("恢复叫号") if paused else _("暂停"))
        self.ops.run(self.desk.queue.pause, paused, on_success=lambda _p: self.refresh(),
                     on_failure=lambda _m: self.pause_button.setChecked(self.desk.queue.paused))

    def transfer(self) -> None:
        def chosen(categories) -> None:
            dialog = TransferDialog(categories, self)
            self.dialog = dialog

            def done() -> None:
                category, window = dialog.target()
                self.ops.run(self.desk.queue.transfer, category, window,
                             on_success=lambda t: (self.called.emit(None), self.refresh()))

            dialog.accepted.connect(done)
            dialog.open()

        self.ops.run(self.desk.queue.categories, on_success=chosen)

    def refresh(self) -> None:
        def show(tickets) -> None:
            self.waiting_label.setText(_("等候：{n_tickets} 人").format(n_tickets=len(tickets)))
            self.waiting_label.setToolTip("\n".join(
                f"{t.number}{_('（绿色通道）') if t.priority else ''}  {t.taken_at:%H:%M}" for t in tickets) or _("无人等候"))
            online = self.desk.queue.online
            self.hall_label.setText("" if online is None else (_("叫号服务 ✓") if online else _("⚠ 本地排队")))
            self.hall_label.setToolTip(self.desk.queue.status)
            self.hall_label.setStyleSheet("" if online is not False else "color:#7e5109;background:#fdebd0")
            blocked = self.pause_button.blockSignals(True)
            self.pause_button.setChecked(self.desk.queue.paused)
            self.pause_button.setText(_("恢复叫号") if self.desk.queue.paused else _("暂停"))
            self.pause_button.blockSignals(blocked)
            self._show_current()

        self.ops.run(self.desk.queue.waiting, on_success=show)

"""The status bar: profile, clerk, devices, and cases waiting to reach the district."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar

from app.domain.accounts import Clerk
from app.i18n import _
from app.services.desk import Desk
from app.ui.operations import Operations
from app.ui.sync_panel import SyncControl, SyncDialog, describe

_STATE_STYLE = {"ok": "color:#1e8449", "busy": "color:#2471a3", "absent": "color:#7f8c8d", "error": "color:#c0392b"}


class DeskStatusBar(QStatusBar):
    device_changed = Signal(object)     # a DeviceStatus, emitted from whichever thread saw the change
    held_changed = Signal(int)          # number of print jobs held after a printer failure
    about_requested = Signal()

    def __init__(self, desk: Desk, clerk: Clerk, ops: Operations, parent=None):
        super().__init__(parent)
        self.desk, self.ops = desk, ops
        profile = QLabel(desk.profile.label)
        profile.setStyleSheet("color:white;background:#c0392b;padding:0 6px" if desk.training else "")
        self.addPermanentWidget(profile)
        self.addPermanentWidget(QLabel(_("{display_name}（{label}）").format(
                display_name=clerk.display_name, label=clerk.role.label)))
        self.home_visit = QLabel()
        self.home_visit.setObjectName("home_visit")
        self.home_visit.setStyleSheet("color:white;background:#1f618d;padding:0 6px")
        self.home_visit.hide()
        self.addPermanentWidget(self.home_visit)
        self.device_labels = {}
        for status in desk.devices.statuses():
            label = QLabel()
            self.device_labels[status.kind] = label
            self.addPermanentWidget(label)
        self.retry_prints = QPushButton()
        self.retry_prints.setObjectName("retry_prints")
        self.retry_prints.setStyleSheet("color:#c0392b")
        self.retry_prints.setToolTip(_("打印失败的单据已保留，处理打印机后点此重新打印"))
        self.retry_prints.hide()
        self.retry_prints.clicked.connect(self.retry_held_prints)
        self.addPermanentWidget(self.retry_prints)
        self.held_changed.connect(self.show_held)
        desk.printing.on_held_changed(self.held_changed.emit)
        self.sync = SyncControl(desk, self)
        self.sync_label = QPushButton(_("待上报：—"))
        self.sync_label.setObjectName("sync_pending")
        self.sync_label.setFlat(True)
        self.sync_label.setToolTip(_("点击查看同步情况、立即同步、重试被拒的办件"))
        self.sync_label.clicked.connect(self.open_sync_panel)
        self.addPermanentWidget(self.sync_label)
        about = QPushButton(_("关于 (F1)"))
        about.setObjectName("about")
        about.setFlat(True)
        about.setFocusPolicy(Qt.NoFocus)
        about.clicked.connect(self.about_requested.emit)
        self.addPermanentWidget(about)
        self.sync.finished.connect(self._sync_finished)
        self.sync_panel: SyncDialog | None = None
        self._unsent = 0
        self.device_changed.connect(self.show_device)
        desk.devices.on_status(self.device_changed.emit)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(3000)
        self.refresh()

    def show_home_visit(self, address: str) -> None:
        self.home_visit.setText(_("上门办"))
        self.home_visit.setToolTip(address)
        self.home_visit.setVisible(bool(address))

    def show_device(self, status) -> None:
        label = self.device_labels.get(status.kind)
        if label is not None:
            label.setText(_("{label}：{state_text}").format(label=status.label, state_text=status.state_text))
            label.setToolTip(status.message)
            label.setStyleSheet(_STATE_STYLE[status.state])

    def show_held(self, count: int) -> None:
        self.retry_prints.setText(_("重试打印（{count}）").format(count=count))
        self.retry_prints.setVisible(count > 0)

    def retry_held_prints(self) -> None:
        def done(outcome) -> None:
            printed, errors = outcome
            text = _("已重新打印 {printed} 份单据。").format(printed=printed) if printed else ""
            if errors:
                text += _("仍有 {n_errors} 份未能打印：{errors}").format(n_errors=len(errors), errors=errors[0])
            self.showMessage(text, 10000)

        self.ops.run(self.desk.printing.retry_all, on_success=done,
                     disable=[self.retry_prints])

    def refresh(self) -> None:
        for status in self.desk.devices.statuses():
            self.show_device(status)
        self.ops.run(self.desk.sync.status, on_success=self.show_sync)

    def show_sync(self, status) -> None:
        self.sync_label.setText(describe(status))
        self.sync_label.setStyleSheet("color:#c0392b" if status.counts["quarantined"] or status.last_error else "")
        tip = _("区级平台：{server}").format(server=status.server or _('未注册'))
        if status.last_error:
            tip += _("\n上次同步问题：{last_error}").format(last_error=status.last_error)
        self.sync_label.setToolTip(tip + _("\n点击查看同步情况、立即同步、重试被拒的办件"))
        if status.unsent > self._unsent and status.enrolled:
            self.desk.sync.trigger()           # new work: send it soon rather than at the next timer
        self._unsent = status.unsent

    def open_sync_panel(self) -> None:
        self.sync_panel = SyncDialog(self.desk, self.ops, self.sync, self)
        self.sync_panel.open()

    def _sync_finished(self, report) -> None:
        if report.error is not None and not report.error.retryable:
            self.showMessage(_("同步未完成：{message}").format(message=report.error.message), 10000)
        self.refresh()

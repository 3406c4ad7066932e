"""The status bar: profile, clerk, devices, and cases waiting to reach the district."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from app.domain.accounts import Clerk
from app.services.desk import Desk
from app.ui.operations import Operations

_STATE_STYLE = {"ok": "color:#1e8449", "busy": "color:#2471a3", "absent": "color:#7f8c8d", "error": "color:#c0392b"}


class DeskStatusBar(QStatusBar):
    device_changed = Signal(object)     # a DeviceStatus, emitted from whichever thread saw the change

    def __init__(self, desk: Desk, clerk: Clerk, ops: Operations, parent=None):
        super().__init__(parent)
        self.desk, self.ops = desk, ops
        profile = QLabel(desk.profile.label)
        profile.setStyleSheet("color:white;background:#c0392b;padding:0 6px" if desk.training else "")
        self.addPermanentWidget(profile)
        self.addPermanentWidget(QLabel(f"{clerk.display_name}（{clerk.role.label}）"))
        self.device_labels = {}
        for status in desk.devices.statuses():
            label = QLabel()
            self.device_labels[status.kind] = label
            self.addPermanentWidget(label)
        self.sync_label = QLabel("待上报：—")
        self.sync_label.setObjectName("sync_pending")
        self.addPermanentWidget(self.sync_label)
        self.device_changed.connect(self.show_device)
        desk.devices.on_status(self.device_changed.emit)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(3000)
        self.refresh()

    def show_device(self, status) -> None:
        label = self.device_labels.get(status.kind)
        if label is not None:
            label.setText(f"{status.label}：{status.state_text}")
            label.setToolTip(status.message)
            label.setStyleSheet(_STATE_STYLE[status.state])

    def refresh(self) -> None:
        for status in self.desk.devices.statuses():
            self.show_device(status)
        self.ops.run(self.desk.workers.db, self.desk.cases.unsynced_count,
                     on_success=lambda n: self.sync_label.setText(f"待上报：{n} 件"))

"""The main window 综合窗口: queue, intake workspace, case list, status bar, keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from app.domain.accounts import Clerk
from app.services.desk import Desk
from app.ui.case_list import CaseListPanel
from app.ui.intake_panel import IntakePanel
from app.ui.operations import Operations
from app.ui.queue_panel import QueuePanel
from app.ui.status_bar import DeskStatusBar


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk, clerk: Clerk):
        super().__init__()
        self.desk, self.clerk = desk, clerk
        self.setWindowTitle(f"综窗 — {desk.settings.window_name}" + ("【培训模式】" if desk.training else ""))
        self.ops = Operations(self._show_error, self)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 6)
        if desk.training:
            banner = QLabel("培训模式 · 模拟设备 · 数据与正式环境隔离")
            banner.setStyleSheet("background:#c0392b;color:white;font-weight:bold;padding:4px")
            outer.addWidget(banner)
        for warning in desk.startup_warnings:
            w = QLabel("⚠ " + warning)
            w.setStyleSheet("background:#fdebd0;color:#7e5109;padding:4px")
            w.setWordWrap(True)
            outer.addWidget(w)
        row = QHBoxLayout()
        self.queue = QueuePanel(desk, self.ops)
        self.queue.setFixedWidth(230)
        row.addWidget(self.queue)
        self.tabs = QTabWidget()
        self.intake = IntakePanel(desk, clerk, self.ops)
        self.case_list = CaseListPanel(desk, self.ops, clerk)
        self.tabs.addTab(self.intake, "受理")
        self.tabs.addTab(self.case_list, "办件查询")
        row.addWidget(self.tabs, 1)
        outer.addLayout(row, 1)
        self.setCentralWidget(central)
        self.status = DeskStatusBar(desk, clerk, self.ops)
        self.setStatusBar(self.status)

        self.queue.called.connect(self.intake.on_ticket_called)
        self.intake.changed.connect(self.status.refresh)
        self.intake.changed.connect(self.case_list.refresh)
        self.tabs.currentChanged.connect(lambda i: self.case_list.refresh() if i == 1 else None)
        for keys, action in (("F2", self.intake.read_card), ("F3", lambda: self.intake.capture()),
                             ("F9", lambda: self.intake.accept(deferred=False)), ("Ctrl+P", self.intake.print_receipt),
                             ("F5", self.queue.call_next)):
            QShortcut(QKeySequence(keys), self, activated=action)
        self.resize(1366, 860)
        if desk.settings.idcard_poll:
            QTimer.singleShot(0, desk.devices.start_watching)   # readers are probed once the window is up
        QTimer.singleShot(0, self._watch_network)

    def _watch_network(self) -> None:
        """Sync as soon as the operating system reports the network back (where it can tell)."""
        from PySide6.QtNetwork import QNetworkInformation

        if QNetworkInformation.loadDefaultBackend() and QNetworkInformation.instance() is not None:
            info = QNetworkInformation.instance()
            info.reachabilityChanged.connect(
                lambda r: self.desk.sync.trigger() if r == QNetworkInformation.Reachability.Online else None)

    def _show_error(self, message: str) -> None:
        self.intake.say("⚠ " + message)
        self.status.showMessage(message, 8000)

    def closeEvent(self, event) -> None:
        self.status.timer.stop()
        self.desk.devices.stop_watching()
        self.intake.close_capture()
        super().closeEvent(event)

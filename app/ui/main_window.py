"""The main window 综合窗口: queue bar, intake workspace, case list, what waits for citizens to come back,
办不成事, status bar, keyboard shortcuts. Laid out for a 1366×768 hall PC."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.domain.accounts import Clerk, Role
from app.domain.errors import DomainError
from app.domain.rating import RatingStage
from app.i18n import _
from app.services.desk import Desk
from app.ui.cannot_do_panel import CannotDoPanel
from app.ui.case_list import CaseListPanel
from app.ui.citizen_panel import CitizenPanel
from app.ui.deferrals_panel import DeferralsPanel
from app.ui.dialogs import HomeVisitDialog
from app.ui.intake_panel import IntakePanel
from app.ui.lock_screen import IdleWatcher, LockScreen
from app.ui.operations import Operations
from app.ui.queue_panel import QueuePanel
from app.ui.rating_view import RatingScreen
from app.ui.score_sheet import ScoreSheetDialog
from app.ui.settings_panel import SettingsPanel
from app.ui.statistics_panel import StatisticsPanel
from app.ui.status_bar import DeskStatusBar
from app.ui.training_panel import TrainingPanel
from app.ui.widgets import fit_to_screen

DESK_SIZE = (1366, 728)       # a 1366×768 screen less the taskbar


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk, clerk: Clerk):
        super().__init__()
        self.desk, self.clerk = desk, clerk
        self.setWindowTitle(_("综窗 — {window_name}").format(
                window_name=desk.settings.window_name) + (_("【培训模式】") if desk.training else ""))
        self.ops = Operations(self._show_error, self)
        self.dialog = None

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(4, 2, 4, 2)
        outer.setSpacing(2)
        if desk.training:
            banner = QLabel(_("培训模式 · 模拟设备 · 数据与正式环境隔离"))
            banner.setStyleSheet("background:#c0392b;color:white;font-weight:bold;padding:2px 4px")
            outer.addWidget(banner)
        for warning in desk.startup_warnings:
            w = QLabel("⚠ " + warning)
            w.setStyleSheet("background:#fdebd0;color:#7e5109;padding:2px 4px")
            w.setWordWrap(True)
            outer.addWidget(w)
        top = QHBoxLayout()
        self.queue = QueuePanel(desk, self.ops)
        top.addWidget(self.queue, 1)
        self.home_visit_button = QPushButton(_("上门办…"))
        self.home_visit_button.setToolTip(_("在群众家中办理：本次开的办件记为上门办"))
        self.home_visit_button.clicked.connect(self.toggle_home_visit)
        top.addWidget(self.home_visit_button)
        outer.addLayout(top)
        self.tabs = QTabWidget()
        self.intake = IntakePanel(desk, clerk, self.ops)
        self.case_list = CaseListPanel(desk, self.ops, clerk)
        self.deferrals = DeferralsPanel(desk, self.ops, clerk)
        self.cannot_do = CannotDoPanel(desk, self.ops, clerk)
        self.tabs.addTab(self.intake, _("受理"))
        self.tabs.addTab(self.case_list, _("办件查询"))
        self.tabs.addTab(self.deferrals, _("待补交 / 待补正"))
        self.tabs.addTab(self.cannot_do, _("办不成事"))
        self.citizen: CitizenPanel | None = None
        self.training: TrainingPanel | None = None
        if desk.training_service is not None:
            self.citizen = CitizenPanel(desk, self.ops)
            outer.addWidget(self.citizen)
            self.training = TrainingPanel(desk, self.ops, clerk)
            self.tabs.addTab(self.training, _("培训"))
            self.training.start_requested.connect(self.start_scenario)
            self.citizen.said.connect(self.intake.say)
            self.citizen.finished.connect(self.show_score)
        self.statistics: StatisticsPanel | None = None
        if clerk.can_approve_refusal:          # supervisors and administrators
            self.statistics = StatisticsPanel(desk, self.ops, clerk)
            self.tabs.addTab(self.statistics, _("统计"))
        self.settings_panel: SettingsPanel | None = None
        if clerk.role is Role.ADMIN:
            self.settings_panel = SettingsPanel(desk, self.ops, clerk)
            self.tabs.addTab(self.settings_panel, _("设置"))
        outer.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.status = DeskStatusBar(desk, clerk, self.ops)
        self.setStatusBar(self.status)

        self.rating = RatingScreen(desk, self.ops, clerk, self)
        self.rating.said.connect(lambda text: self.status.showMessage(text, 15000))
        self.intake.accepted.connect(lambda cases: self.rating.ask(cases, RatingStage.ACCEPT))
        self.case_list.handed_out.connect(lambda case: self.rating.ask([case], RatingStage.HANDOUT))
        QTimer.singleShot(0, self.rating.place)       # the clerk's card on the evaluator screen, when there is one

        self.queue.called.connect(self.intake.on_ticket_called)
        self.intake.changed.connect(self.status.refresh)
        self.intake.changed.connect(self.case_list.refresh)
        self.intake.handout_requested.connect(self.case_list.open_case_id)
        self.deferrals.open_requested.connect(self.continue_case)
        self.cannot_do.case_opened.connect(self.continue_case)
        self.tabs.currentChanged.connect(self._tab_shown)
        for keys, action in (*self.intake.shortcuts(), ("F5", self.queue.call_next), ("Shift+F5", self.queue.recall)):
            QShortcut(QKeySequence(keys), self, activated=action)
        for n in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Alt+{n + 1}"), self, activated=lambda n=n: self.tabs.setCurrentIndex(n))
        self.lock_screen: LockScreen | None = None
        self.idle = IdleWatcher(desk.settings.idle_lock_minutes * 60_000, self)
        self.idle.idle.connect(self.lock)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lock)
        QShortcut(QKeySequence("F1"), self, activated=self.show_about)
        self.status.about_requested.connect(self.show_about)
        fit_to_screen(self, *DESK_SIZE)
        if desk.settings.idcard_poll:
            QTimer.singleShot(0, desk.devices.start_watching)   # readers are probed once the window is up
        QTimer.singleShot(0, self._watch_network)
        # Personal data past its retention period goes a minute after start, then every six hours.
        self.retention_timer = QTimer(self)
        self.retention_timer.timeout.connect(self.purge_expired)
        self.retention_timer.start(6 * 3600 * 1000)
        QTimer.singleShot(60_000, self.purge_expired)

    def start_scenario(self, scenario_id: str) -> None:
        """A trainee starts a scenario: the citizen steps up to the window (the citizen panel)."""
        service = self.desk.training_service

        def started(run) -> None:
            self.intake.next_citizen()
            self.tabs.setCurrentWidget(self.intake)
            self.citizen.show_run(run)
            self.intake.say(_("情景开始：{title}。群众已把证件放在读卡器上，请按 F2 读卡。").format(title=run.scenario.title))

        self.ops.run(service.start, service.scenario(scenario_id), self.clerk, on_success=started)

    def show_score(self, sheet) -> None:
        self.dialog = ScoreSheetDialog(self.desk, self.ops, self.clerk, sheet, self)
        self.dialog.open()
        self.training.refresh()

    def show_about(self) -> None:
        from app.ui.about import AboutDialog

        self.dialog = AboutDialog(self.desk, self)
        self.dialog.open()

    def lock(self) -> None:
        """Hide everything behind the lock screen (idle, or Ctrl+L when the clerk steps away)."""
        if self.lock_screen is not None:
            return
        self.idle.paused = True
        self.lock_screen = LockScreen(self.clerk, self)
        self.lock_screen.submitted.connect(self._unlock)
        self.ops.run(self.desk.accounts.lock_session, self.clerk)
        self.lock_screen.cover()

    def _unlock(self, password: str) -> None:
        def unlocked(_clerk) -> None:
            screen, self.lock_screen = self.lock_screen, None
            screen.hide()
            screen.deleteLater()
            self.idle.resume()

        self.ops.run(self.desk.accounts.unlock_session, self.clerk, password, on_success=unlocked,
                     on_failure=self.lock_screen.refuse)

    def purge_expired(self) -> None:
        def done(report) -> None:
            if report.cases:
                self.status.showMessage(report.message, 15000)

        self.ops.run(self.desk.retention.purge_expired, on_success=done)

    def _tab_shown(self, index: int) -> None:
        panel = self.tabs.widget(index)
        if panel is not self.intake:
            panel.refresh()

    def continue_case(self, case_id: str) -> None:
        """Continue a case in the intake workspace (from a list)."""
        self.tabs.setCurrentWidget(self.intake)
        self.intake.open_case(case_id)

    def toggle_home_visit(self) -> None:
        if self.desk.intake.home_visit is not None:
            self.desk.intake.end_home_visit()
            self._show_home_visit()
            self.intake.say(_("上门办已结束，此后的办件为窗口受理。"))
            return
        dialog = HomeVisitDialog(self)

        def start() -> None:
            try:
                self.desk.intake.begin_home_visit(dialog.address.text(), self.clerk)
            except DomainError as e:
                dialog.refuse(str(e))
                return
            dialog.accept()
            self._show_home_visit()
            self.intake.say(_("上门办开始：{text}。此后开的办件记为上门办。").format(text=dialog.address.text().strip()))

        dialog.submitted.connect(start)
        self.dialog = dialog
        dialog.open()

    def _show_home_visit(self) -> None:
        visit = self.desk.intake.home_visit
        self.home_visit_button.setText(_("结束上门办") if visit else _("上门办…"))
        self.home_visit_button.setStyleSheet("color:white;background:#1f618d" if visit else "")
        self.status.show_home_visit(visit.address if visit else "")

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
        self.idle.stop()
        self.retention_timer.stop()
        self.status.timer.stop()
        self.desk.devices.stop_watching()
        self.intake.close_capture()
        self.rating.close()
        super().closeEvent(event)

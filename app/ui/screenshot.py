"""A PNG of the main window in a given state (the demo's evidence, and for trainers' handouts)."""

from __future__ import annotations

from pathlib import Path

from app.domain.accounts import Clerk
from app.i18n import _
from app.services.desk import Desk
from app.services.intake import Application
from app.ui.application import ensure_qapplication


def save_main_window_screenshot(desk: Desk, clerk: Clerk, app: Application, path: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QThread

    from app.ui.main_window import DESK_SIZE, MainWindow

    qt_app = ensure_qapplication()
    window = MainWindow(desk, clerk)
    window.intake.show_application(app)
    window.intake.say(_("已受理：") + _("、").join(c.case_number for c in app.cases) + _("，回执已打印。"))
    window.resize(*DESK_SIZE)           # as on a 1366×768 hall PC, whatever screen renders it
    window.show()
    deadline = QDeadlineTimer(5000)
    while not window.ops.idle and not deadline.hasExpired():
        QCoreApplication.processEvents()
        QThread.msleep(10)
    qt_app.processEvents()
    window.grab().save(str(path))
    window.close()

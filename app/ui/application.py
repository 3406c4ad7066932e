"""Running the GUI: QApplication, the qasync event loop, login, then the main window."""

from __future__ import annotations

import asyncio
import gc
import sys

from PySide6.QtWidgets import QApplication

from app.services.desk import Desk


def ensure_qapplication() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Zongchuang")
    app.setApplicationDisplayName("综窗")
    return app


def run_gui(desk: Desk, one_time_password: str | None = None) -> int:
    import qasync

    from app.ui.login import LoginDialog
    from app.ui.main_window import MainWindow

    qt_app = ensure_qapplication()
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    if one_time_password:
        print(f"首次运行：已创建管理员账号 admin，一次性密码 {one_time_password}（首次登录须修改）")
    login = LoginDialog(desk)
    if one_time_password:
        login.username.setText("admin")
    if login.exec() != LoginDialog.Accepted or login.clerk is None:
        return 0
    window = MainWindow(desk, login.clerk)
    window.show()
    loop.call_soon(desk.sync.start_background, desk.settings.sync_interval_s)   # drains the outbox from now on
    gc.freeze()                      # the window lives as long as the process (see app.cli)
    closed = asyncio.Event()
    qt_app.aboutToQuit.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    return 0

"""Running the GUI: QApplication, the qasync event loop, login, then the main window."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication

from app import i18n
from app.i18n import _
from app.services.desk import Desk

log = logging.getLogger(__name__)
# Qt's own words (OK/Cancel, the text-field menu, the file dialog) come from its catalogues; the
# interface's own text is English in Qt, so only other languages need one.
QT_CATALOGUES = ("qtbase", "qtmultimedia")
_qt_translators: list[QTranslator] = []


def show_fatal(message: str) -> None:
    """A start-up that cannot go on says why in a dialog (a windowed build has no console)."""
    from PySide6.QtWidgets import QMessageBox

    ensure_qapplication()
    box = QMessageBox(QMessageBox.Critical, _("综窗无法启动"), message)
    box.exec()


def show_output(text: str, ok: bool = True) -> None:
    """What a command printed, for the windowed build (which has no console to print on)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    ensure_qapplication()
    box = QMessageBox(QMessageBox.Information if ok else QMessageBox.Warning, _("综窗"), text)
    box.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
    box.exec()


def show_first_password(password: str) -> None:
    """The first administrator's one-time password, in a dialog that can be copied from: it is needed to log
    in at all, and a windowed build has nowhere else to show it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Information, _("综窗 — 首次运行"),
                      _("已创建管理员账号 admin，一次性密码：\n\n{password}\n\n请记下后登录，首次登录须修改密码。").format(password=password))
    box.setObjectName("first_password")
    box.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
    box.exec()


def install_excepthook() -> None:
    """An error nobody caught in a slot is logged (masked) and told in a sentence; the window stays up."""
    import logging

    def hook(kind, error, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return
        logging.getLogger("app.ui").error("unexpected error in the window", exc_info=(kind, error, tb))
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, _("综窗"), _("发生意外错误，刚才的操作未完成；数据已保存的部分不受影响。"
                                              "详情已写入日志，请联系技术支持。"))

    sys.excepthook = hook


def ensure_qapplication() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Zongchuang")
    app.setApplicationDisplayName(_("综窗"))
    speak_qt_in(app, i18n.language())
    return app


def qt_translations_dir() -> Path:
    """Where Qt keeps its catalogues: its own answer, else beside the PySide6 package (a frozen bundle)."""
    where = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if where.is_dir():
        return where
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "translations"


def speak_qt_in(app: QApplication, language: str) -> list[str]:
    """Let Qt's own buttons and menus speak the interface's language; the catalogues loaded."""
    for translator in _qt_translators:
        app.removeTranslator(translator)
    _qt_translators.clear()
    if language == "en":
        return []
    folder, loaded = qt_translations_dir(), []
    for name in QT_CATALOGUES:
        translator = QTranslator(app)
        if translator.load(f"{name}_{language}", str(folder)):
            app.installTranslator(translator)
            _qt_translators.append(translator)
            loaded.append(name)
        else:
            log.warning("no Qt catalogue %s_%s in %s", name, language, folder)
    return loaded


def run_gui(desk: Desk, one_time_password: str | None = None) -> int:
    import qasync

    from app.ui.login import LoginDialog
    from app.ui.main_window import MainWindow

    qt_app = ensure_qapplication()
    install_excepthook()
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    if one_time_password:
        show_first_password(one_time_password)
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

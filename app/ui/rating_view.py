"""The citizen-facing 好差评 view (评价器): on a second screen when the PC has one — full screen, the clerk's
picture, name and staff number while a case is worked, then "请您对本次服务进行评价" — otherwise a dialog the clerk
turns to the citizen. A USB evaluator keypad types keys; its key map (settings `rating_keys`) turns them into
levels wherever the focus is while a rating is asked."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import Clerk
from app.domain.case import Case
from app.domain.rating import RatingLevel, RatingStage
from app.i18n import _
from app.services.desk import Desk
from app.services.rating import PROMPT
from app.ui.operations import Operations
from app.ui.widgets import fit_to_screen

log = logging.getLogger(__name__)

_COLOURS = {5: "#1e8449", 4: "#27ae60", 3: "#b7950b", 2: "#ca6f1e", 1: "#c0392b"}
THANKS_MS = 3000


class RatingPanel(QWidget):
    """What the citizen sees and touches: the clerk's card; when asked, five levels, the indicators of a 差评 and
    a comment. Emits `submitted(level, tags, comment)` or `declined()`."""

    submitted = Signal(int, list, str)
    declined = Signal()

    def __init__(self, desk: Desk, large: bool, parent=None):
        super().__init__(parent)
        self.desk = desk
        scale = 1.6 if large else 1.0
        self.level: RatingLevel | None = None
        self.centre = QLabel(f"{desk.settings.centre_name} · {desk.settings.window_name}")
        self.centre.setAlignment(Qt.AlignCenter)
        self.avatar = QLabel()
        side = int(88 * scale)
        self.avatar.setFixedSize(side, side)
        self.avatar.setAlignment(Qt.AlignCenter)
        self.avatar.setStyleSheet(f"background:#1f618d;color:white;border-radius:{side // 2}px;"
                                  f"font-size:{int(40 * scale)}px;font-weight:bold")
        self.name = QLabel()
        self.name.setStyleSheet(f"font-size:{int(24 * scale)}px;font-weight:bold")
        self.staff = QLabel()
        self.staff.setStyleSheet(f"font-size:{int(16 * scale)}px")
        card = QHBoxLayout()
        card.addStretch(1)
        card.addWidget(self.avatar)
        who = QVBoxLayout()
        who.addWidget(self.name)
        who.addWidget(self.staff)
        card.addLayout(who)
        card.addStretch(1)
        self.prompt = QLabel(_(PROMPT))
        self.prompt.setAlignment(Qt.AlignCenter)
        self.prompt.setStyleSheet(f"font-size:{int(26 * scale)}px;font-weight:bold;color:#1f618d")
        self.buttons: dict[RatingLevel, QPushButton] = {}
        levels = QHBoxLayout()
        keys = {level: k for k, level in desk.rating.keys.keys.items()}
        for level, label in desk.rating.LEVELS:
            key = keys.get(level)
            button = QPushButton(label + (_("\n（{key}）").format(key=key) if key else ""))
            button.setMinimumHeight(int(76 * scale))
            button.setStyleSheet(f"QPushButton{{background:{_COLOURS[level]};color:white;font-size:{int(18 * scale)}px;"
                                 "font-weight:bold;border-radius:6px;padding:6px}"
                                 "QPushButton:checked{border:4px solid #17202a}")
            button.setCheckable(True)
            button.clicked.connect(lambda _unused=False, lv=level: self.choose(lv))
            levels.addWidget(button)
            self.buttons[level] = button
        self.tag_label = QLabel(_("请选择不满意的方面（可多选），也可以写下意见："))
        self.tags: dict[str, QPushButton] = {}
        tag_row = QHBoxLayout()
        for tag in desk.rating.TAGS:
            b = QPushButton(tag)
            b.setCheckable(True)
            b.setMinimumHeight(int(40 * scale))
            b.setStyleSheet(f"QPushButton{{font-size:{int(15 * scale)}px}}"
                            "QPushButton:checked{background:#ca6f1e;color:white}")
            tag_row.addWidget(b)
            self.tags[tag] = b
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(_("意见或建议（可不填，200字以内）"))
        self.comment.setMaxLength(200)
        self.comment.returnPressed.connect(self.submit)
        self.submit_button = QPushButton(_("提交评价"))
        self.submit_button.setMinimumHeight(int(40 * scale))
        self.submit_button.clicked.connect(self.submit)
        self.decline_button = QPushButton(_("不评价"))
        self.decline_button.clicked.connect(self.declined)
        actions = QHBoxLayout()
        actions.addWidget(self.comment, 1)
        actions.addWidget(self.submit_button)
        actions.addWidget(self.decline_button)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"font-size:{int(18 * scale)}px")
        text = f"font-size:{int(14 * scale)}px"
        self.centre.setStyleSheet(text)
        self.tag_label.setStyleSheet(text)
        self.comment.setStyleSheet(text)
        self.comment.setMinimumHeight(int(40 * scale))
        self.submit_button.setStyleSheet(f"{text};font-weight:bold;padding:4px 16px")
        self.decline_button.setStyleSheet(f"{text};padding:4px 12px")
        self.decline_button.setMinimumHeight(int(40 * scale))
        col = QVBoxLayout(self)
        col.addWidget(self.centre)
        col.addStretch(1)
        col.addLayout(card)
        col.addSpacing(int(12 * scale))
        col.addWidget(self.prompt)
        col.addLayout(levels)
        col.addWidget(self.tag_label)
        col.addLayout(tag_row)
        col.addLayout(actions)
        col.addWidget(self.message)
        col.addStretch(1)
        self.asking = False
        self.show_serving(None)

    def _show_bad_part(self, on: bool) -> None:
        for w in (self.tag_label, *self.tags.values()):
            w.setVisible(on)

    def show_clerk(self, clerk: Clerk | None) -> None:
        card = self.desk.rating.card(clerk) if clerk else None
        self.avatar.setText(card.initial if card else "")
        self.name.setText(card.name if card else "")
        self.staff.setText(_("工号：{staff_number}　{window}　为您服务").format(
                staff_number=card.staff_number, window=card.window) if card else "")

    def show_serving(self, clerk: Clerk | None) -> None:
        """Between ratings: the clerk's card only."""
        if clerk is not None:
            self.show_clerk(clerk)
        self.asking, self.level = False, None
        for w in (self.prompt, *self.buttons.values(), self.comment, self.submit_button, self.decline_button):
            w.setVisible(False)
        self._show_bad_part(False)
        self.message.setText(_("欢迎办理") if clerk is not None or self.name.text() else "")

    def ask(self, clerk: Clerk) -> None:
        self.show_clerk(clerk)
        self.asking, self.level = True, None
        for w in (self.prompt, *self.buttons.values(), self.comment, self.submit_button, self.decline_button):
            w.setVisible(True)
        for b in (*self.buttons.values(), *self.tags.values()):
            b.setChecked(False)
        self.comment.clear()
        self._show_bad_part(False)
        self.message.setText(_("请点击或按评价器上的按键"))
        self.buttons[RatingLevel.VERY_SATISFIED].setFocus()

    def choose(self, level: RatingLevel) -> None:
        """A level touched or keyed: a good one is the whole answer; a 差评 asks what went wrong first."""
        if not self.asking:
            return
        self.level = level
        for lv, b in self.buttons.items():
            b.setChecked(lv is level)
        self._show_bad_part(level.bad)
        if level.bad:
            self.message.setText(_("您选择了“{label}”。请选择不满意的方面或写下意见，再点“提交评价”。").format(label=level.label))
            next(iter(self.tags.values())).setFocus()
        else:
            for b in self.tags.values():
                b.setChecked(False)
            self.submit()

    def chosen_tags(self) -> list[str]:
        return [t for t, b in self.tags.items() if b.isChecked()]

    def submit(self) -> None:
        if not self.asking:
            return
        if self.level is None:
            self.message.setText(_("请先选择满意程度"))
            return
        self.submitted.emit(int(self.level), self.chosen_tags(), self.comment.text())

    def refuse(self, text: str) -> None:
        self.message.setText("⚠ " + text)

    def thank(self) -> None:
        self.asking = False
        for w in (self.prompt, *self.buttons.values(), self.comment, self.submit_button, self.decline_button):
            w.setVisible(False)
        self._show_bad_part(False)
        self.message.setText(_("感谢您的评价！"))


class _EvaluatorWindow(QWidget):
    """The second screen's full-screen window (it never takes the clerk's focus)."""

    def __init__(self, panel: RatingPanel):
        super().__init__(None, Qt.Window | Qt.FramelessWindowHint | Qt.WindowDoesNotAcceptFocus)
        self.setWindowTitle(_("好差评"))
        self.setAttribute(Qt.WA_ShowWithoutActivating)
        self.setStyleSheet("background:#fdfefe")
        lay = QVBoxLayout(self)
        lay.addWidget(panel)


class RatingDialog(QDialog):
    """The fallback on a PC with one screen: the clerk turns the screen (or the laptop) to the citizen."""

    def __init__(self, panel: RatingPanel, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("好差评 — 请将屏幕转向群众"))
        lay = QVBoxLayout(self)
        lay.addWidget(panel)
        fit_to_screen(self, 960, 560)


class _Keypad(QObject):
    """While a rating is asked, the evaluator keypad's keys are levels wherever the focus is (a keypad is a
    keyboard to the PC) — except for text typed into a text box: the citizen's comment, or whatever the clerk is
    typing meanwhile (a phone number has digits)."""

    def __init__(self, screen: RatingScreen):
        super().__init__(screen)
        self.screen = screen

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.KeyPress or not self.screen.asking or self.screen.panel is None:
            return False
        panel = self.screen.panel
        target = watched if isinstance(watched, QWidget) else QApplication.focusWidget()
        if target is panel.comment:
            return False
        if event.text().strip() and isinstance(target, _TEXT_INPUTS) and target.window() is not panel.window():
            return False
        level = self.screen.level_of(event)
        if level is None:
            return False
        panel.choose(level)
        return True


_TEXT_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox)


class RatingScreen(QObject):
    """Where the rating is asked: owns the evaluator window (second screen) or opens the dialog, records the
    rating through the rating service and tells the clerk how it went."""

    said = Signal(str)           # a line for the clerk's status area
    finished = Signal()          # the citizen rated or declined

    def __init__(self, desk: Desk, ops: Operations, clerk: Clerk, main: QWidget):
        super().__init__(main)
        self.desk, self.ops, self.clerk, self.main = desk, ops, clerk, main
        self.window: _EvaluatorWindow | None = None
        self.dialog: RatingDialog | None = None
        self.panel: RatingPanel | None = None
        self.cases: list[Case] = []
        self.stage = RatingStage.ACCEPT
        self.asking = False
        self.keypad = _Keypad(self)
        QApplication.instance().installEventFilter(self.keypad)
        app = QGuiApplication.instance()
        app.screenAdded.connect(lambda _s: self.place())
        app.screenRemoved.connect(lambda _s: QTimer.singleShot(0, self.place))

    def level_of(self, event) -> RatingLevel | None:
        names = {event.text(), QKeySequence(event.key()).toString()}
        for name in names:
            if name:
                level = self.desk.rating.keys.level_of(name)
                if level is not None:
                    return level
        return None

    def other_screen(self):
        """The screen facing the citizen: one the clerk's window is not on (None on a one-screen PC)."""
        if self.desk.rating.screen == "dialog":
            return None
        mine = self.main.screen()
        others = [s for s in QGuiApplication.screens() if s is not mine]
        return others[0] if others else None

    def place(self) -> None:
        """Show the evaluator on the second screen (with the clerk's card), or drop it when that screen is gone."""
        screen = self.other_screen()
        if screen is None:
            if self.window is not None:
                self.window.hide()
                self.window.deleteLater()
                self.window, self.panel = None, None
            return
        if self.window is None:
            self.panel = self._panel(large=True)
            self.window = _EvaluatorWindow(self.panel)
            self.panel.show_serving(self.clerk)
        self.window.setScreen(screen)
        self.window.setGeometry(screen.geometry())
        self.window.showFullScreen()
        log.info("evaluator shown on screen %s", screen.name())

    def _panel(self, large: bool) -> RatingPanel:
        panel = RatingPanel(self.desk, large)
        panel.submitted.connect(self._submitted)
        panel.declined.connect(self._declined)
        return panel

    def ask(self, cases: list[Case], stage: RatingStage) -> bool:
        """Invite the citizen to rate this visit when the settings ask for it now; returns whether they were asked."""
        if self.asking or not self.desk.rating.invited(stage, cases):
            return False
        self.cases, self.stage, self.asking = [c for c in cases if c.rating is None], stage, True
        self.place()
        if self.window is not None:
            self.panel.ask(self.clerk)
            self.said.emit(_("已请群众在评价器上评价本次服务。"))
        else:
            self.panel = self._panel(large=False)
            self.dialog = RatingDialog(self.panel, QApplication.activeModalWidget() or self.main)
            self.dialog.rejected.connect(self._dialog_closed)
            self.panel.ask(self.clerk)
            self.dialog.open()
            self.said.emit(_("请将屏幕转向群众，请其评价本次服务。"))
        return True

    def _submitted(self, level: int, tags: list, comment: str) -> None:
        panel = self.panel

        def done(_cases) -> None:
            self.asking = False
            panel.thank()
            self.said.emit(_("群众评价：{label}").format(
                    label=RatingLevel(level).label) + (_("（{tags}）").format(tags=_('、').join(tags)) if tags else "") + _("。"))
            QTimer.singleShot(THANKS_MS, self._after_thanks)
            self.finished.emit()

        self.ops.run(self.desk.rating.rate, [c.id for c in self.cases], level, self.clerk, tags=tags,
                     comment=comment, stage=self.stage, on_success=done, on_failure=panel.refuse)

    def _after_thanks(self) -> None:
        if self.dialog is not None and not self.asking:
            self._close_dialog()
        elif self.window is not None and not self.asking:
            self.panel.show_serving(self.clerk)

    def _declined(self) -> None:
        self.asking = False
        self.said.emit(_("群众未评价。"))
        if self.dialog is not None:
            self._close_dialog()
        elif self.panel is not None:
            self.panel.show_serving(self.clerk)
        self.finished.emit()

    def _dialog_closed(self) -> None:
        if self.asking:                  # Esc or the window's close button: nobody rated
            self._declined()

    def _close_dialog(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.rejected.disconnect(self._dialog_closed)
            dialog.accept()
            dialog.deleteLater()
            self.panel = None

    def close(self) -> None:
        QApplication.instance().removeEventFilter(self.keypad)
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None


"""The desk on a 1366×768 hall PC: the main window, the capture window, the preview and every dialog fit,
and no button is cut off or squeezed, in Chinese and in English (where every button speaks English).
Set ZONGCHUANG_SCREENSHOTS=DIR to keep a PNG of each."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from gui_support import choose, click, settle
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app import i18n
from app.domain.documents import DocumentKind
from app.ui.case_view import HandoutDialog
from app.ui.dialogs import (
    CannotDoDialog,
    CaseChoiceDialog,
    CorrectionDialog,
    ECertificateDialog,
    HomeVisitDialog,
    LeaderDialog,
    ManualEntryDialog,
    RefusalDialog,
    SupervisorDialog,
)
from app.ui.login import LoginDialog
from app.ui.sync_panel import SyncDialog

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[1]

SCREEN = QRect(0, 0, 1366, 768)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
IN_BOTH_LANGUAGES = pytest.mark.parametrize("language", ["zh_CN", "en"])


def _in_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def layout_problems(top: QWidget) -> list[str]:
    """Controls of `top` cut off by its edge, squeezed below their natural size, or with text that does not fit."""
    QApplication.processEvents()
    problems = []
    if not SCREEN.contains(QRect(QPoint(0, 0), top.size())):
        problems.append(f"{type(top).__name__} is {top.width()}×{top.height()}, larger than the screen")
    area = top.rect()
    for w in top.findChildren(QWidget):
        if not isinstance(w, QAbstractButton | QComboBox | QLineEdit) or not w.isVisibleTo(top):
            continue
        name = f"{type(w).__name__}({getattr(w, 'text', lambda: '')() or w.objectName()})"
        if w.width() < min(w.minimumSizeHint().width(), w.sizeHint().width()) - 1:
            problems.append(f"{name} squeezed to {w.width()} px")
        if isinstance(w, QAbstractButton) and w.text():
            needed = w.fontMetrics().horizontalAdvance(w.text().replace("&", "")) + 6
            if w.width() < needed:
                problems.append(f"{name} too narrow for its text ({w.width()} < {needed})")
        if not _in_scroll_area(w, top):
            placed = QRect(w.mapTo(top, QPoint(0, 0)), w.size())
            if not area.contains(placed):
                problems.append(f"{name} at {placed.getRect()} falls outside {area.getRect()}")
    if i18n.language() == "en":
        problems += [f"button {b.text()!r} is not in English" for b in top.findChildren(QPushButton)   # a
                     if b.isVisibleTo(top) and CJK.search(b.text())]       # check box may name a material
    return problems


def look(widget: QWidget, name: str) -> None:
    """Fails on any problem; keeps a screenshot when asked to."""
    folder = os.environ.get("ZONGCHUANG_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}-{i18n.language()}.png"))
    assert layout_problems(widget) == [], name


def opened(qtbot, window, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(qtbot, window)
    return dialog


def test_the_check_finds_a_cut_off_or_squeezed_button(qtbot):
    top = QWidget()
    qtbot.addWidget(top)
    top.resize(200, 100)
    squeezed = QPushButton("负责人审批（值班负责人）", top)
    squeezed.setGeometry(0, 0, 30, 30)
    outside = QPushButton("新申请", top)
    outside.setGeometry(180, 80, 100, 30)
    top.show()
    problems = layout_problems(top)
    assert any("squeezed" in p for p in problems) and any("falls outside" in p for p in problems)
    i18n.install("en", ROOT / "resources")
    assert any("not in English" in p for p in layout_problems(top))


@IN_BOTH_LANGUAGES
def test_the_main_window_fits_a_hall_pc_in_every_tab(language, qtbot, window, desk, clerk):
    from test_gui_printing import accepted_bundle

    from app.domain.cannot_do import CannotDoReason, EscalationTarget

    accepted_bundle(desk, clerk)                       # something in every list
    desk.cannot_do.register("为卧床老人代领药品", "目录中没有此事项", CannotDoReason.NO_ITEM, clerk,
                            escalate_to=EscalationTarget.SUPERVISOR)
    assert window.width() <= 1366 and window.height() <= 728
    assert window.minimumSizeHint().width() <= 1366 and window.minimumSizeHint().height() <= 728
    look(window, "main-empty")
    panel = window.intake
    desk.devices.present_simulated_card(1)
    click(qtbot, window, panel.read_card_button)
    choose(qtbot, window, "出生", "出生一件事")          # the bundle with the longest checklist
    look(window, "main-bundle")
    # the checklist's buttons are whole on the first application after start
    for buttons in panel.materials.buttons.values():
        for b in buttons.values():
            assert b.width() >= b.sizeHint().width() - 1, b.text()
    for index, name in ((1, "main-cases"), (2, "main-deferrals"), (3, "main-cannot-do")):
        window.tabs.setCurrentIndex(index)
        settle(qtbot, window)
        look(window, name)


@IN_BOTH_LANGUAGES
def test_the_capture_window_and_the_preview_fit(language, qtbot, window, desk):
    panel = window.intake
    choose(qtbot, window, "shbzk", "社会保障卡申领")
    click(qtbot, window, panel.materials.buttons["photo"]["capture"])
    view = panel.capture_view
    qtbot.waitExposed(view)
    look(view, "capture")
    panel.close_capture()
    desk.devices.present_simulated_card(0)
    click(qtbot, window, panel.read_card_button)
    panel.printing.print_document(DocumentKind.ID_COPY, panel.app.cases, preview=True)
    qtbot.waitUntil(lambda: panel.printing.preview is not None and panel.printing.preview.isVisible(), timeout=10000)
    qtbot.wait(500)                                   # the page is painted once QtPdf has rendered it
    look(panel.printing.preview, "preview")
    panel.printing.preview.reject()


@IN_BOTH_LANGUAGES
def test_every_dialog_fits(language, qtbot, window, desk, clerk):
    panel = window.intake
    desk.devices.present_simulated_card(1)
    click(qtbot, window, panel.read_card_button)
    choose(qtbot, window, "出生", "出生一件事")
    app = panel.app
    rows = [(m.code, m.name, True, "未提供（原件1份）") for m in app.materials]
    items = [(it.code, it.name) for it in desk.catalog.catalog.items.values()]
    dialogs = {
        "refusal": RefusalDialog(window), "supervisor": SupervisorDialog("事项：出生一件事\n理由：……", window),
        "correction": CorrectionDialog(rows, window), "e-certificate": ECertificateDialog("户口簿", window),
        "home-visit": HomeVisitDialog(window), "cannot-do": CannotDoDialog("李秀英（330105********0428）", window),
        "leader": LeaderDialog("BCZC01-20261124-001：为卧床老人代领药品\n原因：目录中没有此事项", items, window),
        "manual-entry": ManualEntryDialog(window),
        "case-choice": CaseChoiceDialog([(c.id, f"{c.case_number}　{c.item_name}") for c in app.cases], window),
        "login": LoginDialog(desk, window), "sync": SyncDialog(desk, window.ops, window.status.sync, window),
    }
    for name, dialog in dialogs.items():
        look(opened(qtbot, window, dialog), f"dialog-{name}")
        dialog.close()


@IN_BOTH_LANGUAGES
def test_the_case_view_and_the_handout_dialog_fit(language, qtbot, window, desk, clerk):
    from test_gui_printing import accepted_bundle, decide

    app = accepted_bundle(desk, clerk)
    decide(desk, app.cases[0].id)
    window.case_list.open_case_id(app.cases[0].id)
    view = window.case_list.case_view
    qtbot.waitUntil(lambda: view.case is not None, timeout=10000)
    settle(qtbot, window)
    look(view, "case-view")
    click(qtbot, window, view.handout_button)
    assert isinstance(view.dialog, HandoutDialog)
    desk.devices.present_simulated_card(6)
    click(qtbot, window, view.dialog.read_button)
    look(view.dialog, "dialog-handout")

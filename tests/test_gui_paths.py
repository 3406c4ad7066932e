"""The real window driven through every path a case can take: return after a correction notice, 补交 after
the case went to the district, an overdue deferral terminated by the back office, a refusal its requester
may not approve, 办不成事 from registration to outcome — and the keys a clerk works with."""

from __future__ import annotations

import pytest
from gui_support import choose, click, settle
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.domain.cannot_do import CannotDoState
from app.domain.case import CaseState, MaterialStatus
from app.domain.documents import DocumentKind
from app.ui.dialogs import CannotDoDialog, CorrectionDialog, LeaderDialog, RefusalDialog, SupervisorDialog
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def read(qtbot, window, roster: int):
    window.intake.sim_cards.setCurrentIndex(roster)
    click(qtbot, window, window.intake.sim_place)
    click(qtbot, window, window.intake.read_card_button)


def fill(qtbot, window, **values):
    form = window.intake.form
    for key, value in values.items():
        form.set_value(key, value)


def print_previewed(qtbot, window, printing):
    qtbot.waitUntil(lambda: printing.preview is not None and printing.preview.isVisible(), timeout=10000)
    click(qtbot, window, printing.preview.print_button)


def key(qtbot, window, k):
    """A key pressed while the main window is the active one (a closed dialog hands it back)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget() or window, k)
    settle(qtbot, window)


def start_old_age_allowance(qtbot, window):
    """王建国 applies for 高龄津贴 (MZ004): the form filled, the bank card captured."""
    read(qtbot, window, 2)
    choose(qtbot, window, "高龄", "高龄津贴申领")
    fill(qtbot, window, phone="13812345678", bank_account="6222021202012345678", bank_name="示范银行")
    return window.intake


def test_the_citizen_comes_back_after_a_correction_notice_and_is_accepted(qtbot, window, desk, clerk):
    panel = start_old_age_allowance(qtbot, window)
    click(qtbot, window, panel.materials.buttons["bank_card"]["received"])
    key(qtbot, window, Qt.Key_F11)                                         # 一次性告知 from the keyboard
    dialog = panel.dialog
    assert isinstance(dialog, CorrectionDialog)
    assert [name for _, name, box, _ in dialog.rows if box.isChecked()] == ["户口簿"]     # what is missing
    dialog.accept()
    settle(qtbot, window)
    print_previewed(qtbot, window, panel.printing)
    case_id = panel.app.primary.id
    assert desk.store.cases.get(case_id).state is CaseState.CORRECTION_NOTIFIED
    assert not panel.accept_button.isEnabled() and panel.resume_button.isEnabled()

    desk.clock.advance(3, desk.intake.calendar)                           # three working days later
    window.queue.take_ticket()
    click(qtbot, window, window.queue.call_button)
    assert panel.app is None and panel.applicant_labels["name"].text() == "—"
    read(qtbot, window, 2)                                                # the card of the returning citizen
    qtbot.waitUntil(lambda: "可继续办理" in panel.message.text(), timeout=5000)
    assert panel.find_box.text() == "330102195211010178"
    click(qtbot, window, panel.find_button)
    assert panel.app is not None and panel.app.primary.id == case_id and "补正后继续办理" in panel.message.text()
    click(qtbot, window, panel.resume_button)
    assert panel.app.state is CaseState.DRAFT
    assert panel.app.status_of("bank_card") is MaterialStatus.RECEIVED    # what was taken before stays
    click(qtbot, window, panel.materials.buttons["hukou"]["received"])
    key(qtbot, window, Qt.Key_F9)
    case = desk.store.cases.get(case_id)
    assert case.state is CaseState.ACCEPTED and case.accepted_at.date() > case.created_at.date()
    types = [e.type for e in desk.store.cases.events(case_id)]
    assert types.index("correction_notice_issued") < types.index("correction_resumed") < types.index("accepted")
    window.tabs.setCurrentIndex(1)
    settle(qtbot, window)
    row = [r.id for r in window.case_list.rows].index(case_id)
    assert window.case_list.table.item(row, 5).text() == f"{case.accepted_at:%Y-%m-%d %H:%M}"   # 受理时间


def test_a_notice_shown_to_the_camera_finds_its_case(qtbot, window, desk):
    panel = start_old_age_allowance(qtbot, window)
    key(qtbot, window, Qt.Key_F11)
    panel.dialog.accept()
    settle(qtbot, window)
    print_previewed(qtbot, window, panel.printing)
    number = panel.app.primary.case_number
    click(qtbot, window, panel.new_button)
    desk.devices.place_simulated_notice("一次性补正告知书", number)
    click(qtbot, window, panel.scan_button)
    settle(qtbot, window)
    assert panel.find_box.text() == number and panel.app is not None and panel.app.primary.case_number == number


def accept_deferred(qtbot, window):
    panel = start_old_age_allowance(qtbot, window)
    click(qtbot, window, panel.materials.buttons["hukou"]["received"])
    click(qtbot, window, panel.materials.buttons["bank_card"]["deferred"])
    key(qtbot, window, Qt.Key_F10)                                         # 容缺受理 from the keyboard
    for _ in range(2):                                                     # the commitment letter and the notice
        print_previewed(qtbot, window, panel.printing)
    settle(qtbot, window)
    assert panel.app.state is CaseState.ACCEPTED_DEFERRED
    printed = [e.document for e in window.desk.printing.print_log(panel.app.primary.id)]
    assert printed == ["受理回执", "容缺受理承诺书", "容缺受理通知书"]              # every print logged once
    return panel, panel.app.primary


def test_a_deferred_material_is_supplied_after_the_case_went_to_the_district(qtbot, window, desk):
    panel, case = accept_deferred(qtbot, window)
    assert desk.sync.sync_blocking().ok
    assert desk.store.cases.get(case.id).state is CaseState.SUBMITTED
    click(qtbot, window, panel.new_button)
    qtbot.keyClicks(panel.find_box, case.case_number)
    qtbot.keyClick(panel.find_box, Qt.Key_Return)
    settle(qtbot, window)
    assert "待补交" in panel.message.text() and "容缺待补1项" in panel.case_numbers.text()
    assert panel.materials.buttons["bank_card"]["received"].isEnabled()
    assert not panel.materials.buttons["hukou"]["received"].isEnabled()
    click(qtbot, window, panel.materials.buttons["bank_card"]["received"])
    click(qtbot, window, panel.supply_button)
    print_previewed(qtbot, window, panel.printing)
    stored = desk.store.cases.get(case.id)
    assert stored.state is CaseState.SUBMITTED and stored.outstanding_deferred == [] and stored.deferred == ["bank_card"]
    assert desk.printing.was_printed(DocumentKind.SUPPLEMENT_RECEIPT, case.id)
    assert desk.sync.sync_blocking().ok
    district = desk.sync.training_back_office().district.service
    held = next(c for c in district.cases() if c.case_number == case.case_number)
    assert "material_supplied" in [e.type for e in district.case_events(held.id)] and held.deferred_open == []


def test_an_overdue_deferral_shows_red_and_the_back_office_terminates_it(qtbot, window, desk):
    panel, case = accept_deferred(qtbot, window)
    assert desk.sync.sync_blocking().ok
    desk.clock.advance(6, desk.intake.calendar)                            # past the 5 working days
    window.tabs.setCurrentIndex(2)
    settle(qtbot, window)
    deferrals = window.deferrals.deferrals
    assert deferrals.rowCount() == 1 and "已逾期" in deferrals.item(0, 4).text()
    assert deferrals.item(0, 0).foreground().color().name() == "#c0392b"
    desk.sync.training_back_office().back_office("terminate", case.case_number)
    assert desk.sync.sync_blocking().ok
    assert desk.store.cases.get(case.id).state is CaseState.TERMINATED
    click(qtbot, window, window.deferrals.refresh_button)
    assert deferrals.rowCount() == 0


@pytest.fixture
def supervisors(desk):
    from app.domain.accounts import Role

    return (desk.accounts.create("zhao", "赵主任", Role.SUPERVISOR, "super-pass-1"),
            desk.accounts.create("qian", "钱主任", Role.SUPERVISOR, "super-pass-2"))


def test_a_refusal_is_never_approved_by_the_one_who_asked_and_the_dialogs_keep_what_was_typed(qtbot, desk,
                                                                                               supervisors):
    zhao, _ = supervisors
    window = MainWindow(desk, zhao)                    # a supervisor at the window asks to refuse
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        panel = window.intake
        read(qtbot, window, 5)
        choose(qtbot, window, "db", "最低生活保障申请")
        key(qtbot, window, Qt.Key_F12)                                     # 不予受理 from the keyboard
        dialog = panel.dialog
        assert isinstance(dialog, RefusalDialog)
        dialog.reason.setPlainText("申请人户籍不在本区，且在本区居住不满一年")
        dialog.press_ok()                                                  # no guidance: refused, text kept
        settle(qtbot, window)
        assert "办理指引" in dialog.error.text() and dialog.isVisible()
        assert dialog.reason.toPlainText() == "申请人户籍不在本区，且在本区居住不满一年"
        dialog.guidance.setPlainText("请到户籍所在地街道社区事务受理服务中心申请")
        dialog.press_ok()
        settle(qtbot, window)
        assert not dialog.isVisible() and panel.app.state is CaseState.REFUSAL_REQUESTED

        approval = panel.dialog
        assert isinstance(approval, SupervisorDialog)
        approval.username.setText("zhao")                                  # the one who asked
        approval.password.setText("super-pass-1")
        approval.note.setText("情况属实")
        approval.press_ok()
        settle(qtbot, window)
        assert "本人不能审批" in approval.error.text() and approval.isVisible()
        approval.username.setText("qian")
        approval.password.setText("wrong-password")
        approval.press_ok()
        settle(qtbot, window)
        assert "用户名或密码错误" in approval.error.text() and approval.note.text() == "情况属实"
        approval.password.setText("super-pass-2")
        approval.press_ok()
        settle(qtbot, window)
        assert not approval.isVisible()
        case = desk.store.cases.get(panel.app.primary.id)
        assert case.state is CaseState.REFUSED and case.refusal["approved_by"] == "qian"
    finally:
        window.close()
        qtbot.waitUntil(lambda: window.ops.idle, timeout=15000)


def test_a_request_the_window_cannot_do_is_registered_escalated_and_resolved(qtbot, window, desk, supervisors):
    panel = window.intake
    read(qtbot, window, 6)
    click(qtbot, window, panel.cannot_do_button)
    dialog = panel.dialog
    assert isinstance(dialog, CannotDoDialog)
    dialog.what.setPlainText("为长期卧床的母亲代领慢性病药品")
    dialog.why.setPlainText("事项目录中没有代领药品的事项")
    dialog.escalate.setCurrentIndex(dialog.escalate.findData("supervisor"))
    dialog.press_ok()
    settle(qtbot, window)
    assert not dialog.isVisible() and "已报中心值班领导" in panel.message.text()

    window.tabs.setCurrentIndex(3)
    settle(qtbot, window)
    board = window.cannot_do
    assert board.table.rowCount() == 1 and board.table.item(0, 4).text() == "已报值班领导（中心值班领导）"
    desk.clock.advance(3, desk.intake.calendar)
    window.tabs.setCurrentIndex(0)
    window.tabs.setCurrentIndex(3)                                        # shown again: listed anew
    settle(qtbot, window)
    assert board.table.item(0, 6).text().endswith("天") and board.table.item(0, 6).text() != "0 天"
    board.table.setCurrentCell(0, 0)
    click(qtbot, window, board.leader_button)
    leader = board.dialog
    assert isinstance(leader, LeaderDialog)
    leader.outcome.setCurrentIndex(leader.outcome.findData("impossible"))
    leader.note.setPlainText("代领药品不属于本中心的服务事项")
    leader.username.setText("zhao")
    leader.password.setText("super-pass-1")
    leader.press_ok()                                                     # no guidance: refused, text kept
    settle(qtbot, window)
    assert "可以到哪里办理" in leader.error.text() and leader.note.toPlainText().startswith("代领药品")
    leader.guidance.setPlainText("请到区医保经办大厅（人民路18号）咨询")
    leader.press_ok()
    settle(qtbot, window)
    print_previewed(qtbot, window, board.printing)
    (request,) = desk.cannot_do.requests(window.clerk, open_only=False)
    assert request.state is CannotDoState.RESOLVED and request.resolved_by == "zhao"
    assert [e.type for e in desk.store.cases.events(request.id)][-1] == "document_printed"


def test_the_keys_and_the_wheel_a_clerk_meets(qtbot, window, desk):
    panel = window.intake
    panel.search.setText("shbzk")
    qtbot.keyClick(panel.search, Qt.Key_Return)                           # Enter starts the highlighted item
    settle(qtbot, window)
    assert panel.app is not None and panel.app.primary.item_code == "SB003"
    click(qtbot, window, panel.new_button)
    choose(qtbot, window, "出生", "出生登记（户口申报）")
    combo = panel.form.widgets["child_sex"]
    combo.setCurrentText("男")
    wheel = QWheelEvent(QPoint(5, 5), combo.mapToGlobal(QPoint(5, 5)), QPoint(0, 0), QPoint(0, -120),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(combo, wheel)
    assert combo.currentText() == "男"                                    # scrolling the form changes nothing

    code = next(m.code for m in panel.app.materials if not m.from_id_card)
    click(qtbot, window, panel.materials.buttons[code]["capture"])
    view = panel.capture_view
    qtbot.waitUntil(lambda: view.preview.preview is not None, timeout=5000)
    view.auto_box.setChecked(False)
    desk.devices.place_simulated_document(view.material_name(), settled=True)
    view.activateWindow()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_F3)                                       # F3 in the capture window takes a page
    qtbot.waitUntil(lambda: len(view.pages) == 1, timeout=10000)
    settle(qtbot, window)
    panel.close_capture()


def test_a_failed_card_read_leaves_no_previous_citizen_on_screen(qtbot, window, desk):
    panel = window.intake
    read(qtbot, window, 0)
    assert panel.applicant_labels["name"].text() == "张伟明"
    panel.sim_cards.setCurrentIndex(10)                                    # a damaged chip
    click(qtbot, window, panel.sim_place)
    click(qtbot, window, panel.read_card_button)
    assert panel.applicant_labels["name"].text() == "—" and panel.identity is None
    assert panel.message.text().startswith("⚠")

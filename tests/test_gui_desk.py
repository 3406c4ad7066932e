"""The real main window, driven like a clerk: ticket → card → item → materials → accept; and a refusal."""

from __future__ import annotations

import pytest
from gui_support import choose, click, settle
from PySide6.QtWidgets import QDialogButtonBox

from app.domain.case import CaseState
from app.ui.dialogs import RefusalDialog, SupervisorDialog
from app.ui.login import LoginDialog

pytestmark = pytest.mark.gui


def test_full_intake_from_ticket_to_printed_receipt(qtbot, window, desk, tmp_path):
    panel = window.intake
    click(qtbot, window, window.queue.take_button)
    assert window.queue.waiting_label.text() == "等候：1 人"
    click(qtbot, window, window.queue.call_button)
    assert window.queue.current.text() == "当前：A001"

    panel.sim_cards.setCurrentIndex(0)
    click(qtbot, window, panel.sim_place)
    click(qtbot, window, panel.read_card_button)
    assert panel.applicant_labels["name"].text() == "张伟明"
    assert panel.applicant_labels["id"].text() == "330106********031X"

    choose(qtbot, window, "shbzk", "社会保障卡申领")     # pinyin initials
    app = panel.app
    assert app.primary.applicant.name == "张伟明" and app.primary.ticket == "A001"
    assert panel.form.widgets["id_number"].text() == "33010619650312031X"      # pre-filled from the card

    click(qtbot, window, panel.accept_button)            # phone and photo still missing
    assert app.state is CaseState.DRAFT
    assert panel.form.errors["phone"].isVisibleTo(panel)

    qtbot.keyClicks(panel.form.widgets["phone"], "13812345678")
    click(qtbot, window, panel.materials.buttons["photo"]["capture"])      # the capture view opens
    click(qtbot, window, panel.capture_view.sim_place)                      # a photo laid under the camera
    qtbot.waitUntil(lambda: "已拍摄" in panel.materials.item(panel.materials.codes.index("photo"), 2).text(),
                    timeout=10000)
    panel.close_capture()

    click(qtbot, window, panel.accept_button)
    case = desk.store.cases.get(app.primary.id)
    assert case.state is CaseState.ACCEPTED and case.promised_date is not None
    assert case.materials["photo"].attachments and desk.store.attachments.exists(case.materials["photo"].attachments[0])
    types = [e.type for e in desk.store.cases.events(case.id)]
    assert types[:2] == ["case_opened", "applicant_set"]
    assert "accepted" in types and types[-1] == "document_printed"
    printed = list((tmp_path / "printed").glob("*.pdf"))
    assert len(printed) == 1 and case.case_number in printed[0].name
    assert "回执已打印" in panel.message.text()
    window.status.refresh()
    settle(qtbot, window)
    assert window.status.sync_label.text().startswith("待上报 1 件 · 上次同步 尚未成功")

    window.tabs.setCurrentIndex(1)
    settle(qtbot, window)
    assert window.case_list.table.item(0, 0).text() == case.case_number
    assert window.case_list.table.item(0, 3).text() == "330106********031X"


def test_reading_someone_elses_card_asks_applicant_or_agent(qtbot, window, desk):
    panel = window.intake
    panel.sim_cards.setCurrentIndex(2)
    click(qtbot, window, panel.sim_place)
    click(qtbot, window, panel.read_card_button)
    choose(qtbot, window, "高龄", "高龄津贴申领")
    panel.sim_cards.setCurrentIndex(6)
    click(qtbot, window, panel.sim_place)
    click(qtbot, window, panel.read_card_button)
    box = panel.dialog
    assert "赵小红" in box.text()
    assert panel.app.primary.applicant.name == "王建国"


def test_refusal_needs_the_supervisors_own_login(qtbot, window, desk, supervisor):
    panel = window.intake
    panel.sim_cards.setCurrentIndex(5)
    click(qtbot, window, panel.sim_place)
    click(qtbot, window, panel.read_card_button)
    choose(qtbot, window, "db", "最低生活保障申请")
    app = panel.app

    panel.refuse_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, RefusalDialog)
    dialog.reason.setPlainText("申请人户籍不在本区，且在本区居住不满一年")
    dialog.legal_basis.setText("《社会救助暂行办法》第十一条")
    dialog.guidance.setPlainText("请到户籍所在地街道社区事务受理服务中心申请")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()
    settle(qtbot, window)
    assert app.state is CaseState.REFUSAL_REQUESTED

    approval = panel.dialog
    assert isinstance(approval, SupervisorDialog)
    approval.username.setText("wang")                 # the clerk cannot approve their own refusal
    approval.password.setText("clerk-pass-1")
    approval.buttons.button(QDialogButtonBox.Ok).click()
    settle(qtbot, window)
    assert "无权审批" in panel.message.text()
    assert desk.store.cases.get(app.primary.id).state is CaseState.REFUSAL_REQUESTED

    click(qtbot, window, panel.approve_button)
    approval = panel.dialog
    approval.username.setText("zhao")
    approval.password.setText("super-pass-1")
    approval.buttons.button(QDialogButtonBox.Ok).click()
    settle(qtbot, window)
    case = desk.store.cases.get(app.primary.id)
    assert case.state is CaseState.REFUSED
    events = desk.store.cases.events(case.id)
    approved = next(e for e in events if e.type == "refusal_approved")
    assert approved.clerk == "zhao" and approved.payload == {"supervisor": "zhao"}
    requested = next(e for e in events if e.type == "refusal_requested")
    assert requested.clerk == "wang" and "户籍" in requested.payload["reason"]
    assert not panel.accept_button.isEnabled()


def test_login_with_a_one_time_password_forces_a_new_one(qtbot, desk):
    otp = desk.accounts.ensure_first_admin()
    dialog = LoginDialog(desk)
    qtbot.addWidget(dialog)
    dialog.username.setText("admin")
    dialog.password.setText("wrong")
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    qtbot.waitUntil(lambda: dialog.ops.idle)
    assert "用户名或密码错误" in dialog.error.text()
    dialog.password.setText(otp)
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    qtbot.waitUntil(lambda: dialog.ops.idle)
    assert dialog.new_password.isVisibleTo(dialog) and dialog.clerk is None
    dialog.new_password.setText("window-desk-7")
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    qtbot.waitUntil(lambda: dialog.ops.idle)
    assert dialog.clerk is not None and not dialog.clerk.must_change_password
    assert desk.accounts.login("admin", "window-desk-7").username == "admin"

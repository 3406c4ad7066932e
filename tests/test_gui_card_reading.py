"""Cards laid on the (simulated) readers while the window polls them, as a clerk meets it."""

from __future__ import annotations

import pytest
from gui_support import choose, click, settle
from PySide6.QtWidgets import QInputDialog

from app.devices.errors import DeviceUnavailable
from app.devices.idcard.serial_sam import SerialSamReader
from app.domain.case import MaterialStatus
from app.domain.identity import CardType
from app.services.devices import DeviceService
from app.services.workers import Workers

pytestmark = pytest.mark.gui


@pytest.fixture
def window(window, desk):
    """The main window with the readers polled (every 0.1 s), as in daily use."""
    for watch in desk.devices.watches.values():
        watch.interval = 0.1
    desk.devices.start_watching()
    return window


def lay(qtbot, window, index: int) -> None:
    window.intake.sim_cards.setCurrentIndex(index)
    click(qtbot, window, window.intake.sim_place)


def test_a_card_laid_during_intake_fills_the_form(qtbot, window, desk):
    panel = window.intake
    choose(qtbot, window, "shbzk", "社会保障卡申领")
    assert panel.form.widgets["id_number"].text() == ""
    lay(qtbot, window, 1)
    qtbot.waitUntil(lambda: panel.form.widgets["id_number"].text() == "330105198807240428", timeout=5000)
    settle(qtbot, window)
    assert panel.applicant_labels["name"].text() == "李秀英"
    assert panel.app.primary.applicant.card_type is CardType.RESIDENT
    assert panel.app.primary.materials["id_card"].status is MaterialStatus.RECEIVED
    assert panel.photo.text() == "照片不可用"                 # no licensed WLT decoder configured
    assert window.status.device_labels["idcard"].text() == "身份证阅读器：已连接"
    qtbot.wait(500)                                           # several more polls while the card lies there
    settle(qtbot, window)
    events = [e.type for e in desk.store.cases.events(panel.app.primary.id)]
    assert events.count("applicant_set") == 1                 # the card lying there is reported once


def test_a_second_persons_card_asks_applicant_or_agent(qtbot, window, desk):
    panel = window.intake
    lay(qtbot, window, 2)
    qtbot.waitUntil(lambda: panel.applicant_labels["name"].text() == "王建国", timeout=5000)
    choose(qtbot, window, "高龄", "高龄津贴申领")
    lay(qtbot, window, 6)
    qtbot.waitUntil(lambda: panel.dialog is not None and "赵小红" in getattr(panel.dialog, "text", lambda: "")(),
                    timeout=5000)
    box = panel.dialog
    as_agent = next(b for b in box.buttons() if b.text() == "作为代办人")
    as_agent.click()
    relation = panel.dialog
    assert isinstance(relation, QInputDialog)
    relation.setTextValue("女儿")
    relation.accept()
    settle(qtbot, window)
    agent = panel.app.primary.agent
    assert agent.identity.name == "赵小红" and agent.relation == "女儿"
    assert panel.app.primary.applicant.name == "王建国"
    assert panel.applicant_labels["agent"].text() == "赵小红（女儿）"


def test_expired_card_and_unknown_region_are_warned(qtbot, window):
    panel = window.intake
    lay(qtbot, window, 3)
    qtbot.waitUntil(lambda: "过期" in panel.card_warnings.text(), timeout=5000)
    lay(qtbot, window, 12)
    qtbot.waitUntil(lambda: "地区代码" in panel.card_warnings.text(), timeout=5000)
    assert "过期" not in panel.card_warnings.text()


def test_a_damaged_card_shows_an_error_and_the_reader_state(qtbot, window):
    panel = window.intake
    lay(qtbot, window, 10)
    qtbot.waitUntil(lambda: "读卡失败" in panel.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: window.status.device_labels["idcard"].text() == "身份证阅读器：读卡失败", timeout=5000)
    assert panel.identity is None
    click(qtbot, window, panel.sim_lift)
    qtbot.waitUntil(lambda: window.status.device_labels["idcard"].text() == "身份证阅读器：已连接", timeout=5000)


def test_foreigner_card_shows_english_name_and_nationality(qtbot, window):
    panel = window.intake
    lay(qtbot, window, 9)
    qtbot.waitUntil(lambda: "GARCIA" in panel.applicant_labels["name"].text(), timeout=5000)
    assert panel.applicant_labels["sex"].text() == "女 / 西班牙"
    assert panel.applicant_labels["card"].text() == "外国人永久居留身份证"


def test_social_security_card_is_read_but_not_taken_for_the_id_card(qtbot, window, desk):
    panel = window.intake
    choose(qtbot, window, "shbzk", "社会保障卡申领")
    panel.sim_cards.setCurrentIndex(4)
    click(qtbot, window, panel.sim_ss)
    qtbot.waitUntil(lambda: panel.applicant_labels["name"].text() == "陈志强", timeout=5000)
    settle(qtbot, window)
    assert panel.applicant_labels["card"].text() == "社会保障卡"
    assert panel.photo.text() == "社保卡\n无照片"
    assert panel.app.primary.materials["id_card"].status is MaterialStatus.MISSING


def test_reader_states_reach_the_status_bar_without_a_window():
    seen = []
    workers = Workers()
    devices = DeviceService(workers, SerialSamReader("/dev/nonexistent-port"), None, None)
    devices.on_status(seen.append)
    try:
        with pytest.raises(DeviceUnavailable):
            devices.read_card()
    finally:
        workers.shutdown()
    status = next(s for s in devices.statuses() if s.kind == "idcard")
    assert (status.state, status.state_text) == ("absent", "未连接") and "无法打开串口" in status.message
    assert seen and seen[-1] == status

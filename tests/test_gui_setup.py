"""The first run of a production PC as district IT meets it: the wizard takes the centre and the window,
enrols at a real district server on 127.0.0.1 (which assigns the prefix), tries a SAM reader on a real
pseudo-terminal and a thermal printer on a TCP port, creates the administrator — and the next start logs in
with those settings, numbering cases with the district's prefix."""

from __future__ import annotations

import json
import os

import pytest

from app.config.paths import Profile, resources_dir
from app.devices.idcard.simulator import SimulatedSamModule, load_roster
from tests.conftest import FAST_HASHER
from tests.escpos_reader import NetworkPrinterPort, raster_and_cuts
from tests.sync_support import RunningDistrict

pytestmark = [pytest.mark.gui, pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")]


@pytest.fixture
def district(tmp_path):
    d = RunningDistrict(tmp_path / "district", allow_training=False).start()
    yield d
    d.close()


def production_desk(home):
    from app.main import build_desk

    return build_desk(Profile.PRODUCTION, home, idcard=None, camera=None, printer=None, receipt_printer=None,
                      sscard=None, password_hasher=FAST_HASHER)


def test_the_wizard_sets_up_a_production_pc_from_nothing(qtbot, tmp_path, district):
    from app.devices.idcard.pty_simulator import PtySamSimulator
    from app.ui.setup_wizard import SetupWizard

    home = {"ZONGCHUANG_HOME": str(tmp_path / "home")}
    desk = production_desk(home)
    try:
        assert desk.setup.needed()
        wizard = SetupWizard(desk)
        qtbot.addWidget(wizard)
        wizard.show()
        next_button = wizard.button(wizard.WizardButton.NextButton)

        page = wizard.centre                                         # a centre must be named properly
        assert not next_button.isEnabled()
        page.name.setText("南湖")
        page.save.click()
        qtbot.waitUntil(lambda: "全称" in page.result.text())
        assert not next_button.isEnabled()
        page.name.setText("南湖街道社区事务受理服务中心")
        page.address.setText("示范市南湖区湖滨路8号")
        page.phone.setText("0571-87654321")
        page.window.setText("3号综合窗口")
        page.save.click()
        qtbot.waitUntil(lambda: next_button.isEnabled())
        next_button.click()

        page = wizard.district                                       # another PC already has ZC01
        district.service.enrol(district.service.create_enrolment_code(), "1号窗口", "ZC01", False)
        page.server.setText(district.url)
        page.code.setText("WRONG-CODE")
        page.enrol.click()
        qtbot.waitUntil(lambda: "注册码无效" in page.result.text(), timeout=15000)
        page.code.setText(district.service.create_enrolment_code())
        page.enrol.click()
        qtbot.waitUntil(lambda: next_button.isEnabled(), timeout=15000)
        assert "已注册到 测试区级平台" in page.result.text() and "前缀为 ZC02" in page.result.text()
        next_button.click()

        page = wizard.devices
        qtbot.waitUntil(lambda: page.ops.idle)
        module = SimulatedSamModule(load_roster(resources_dir()))
        with PtySamSimulator(module, 115200) as line:
            page.port.setText(line.port)
            page.try_reader.click()                                  # no card on it yet
            qtbot.waitUntil(lambda: "没有读到证件" in page.reader_result.text(), timeout=20000)
            module.present(0)
            page.try_reader.click()
            qtbot.waitUntil(lambda: "读卡成功" in page.reader_result.text(), timeout=20000)
        assert "*" in page.reader_result.text()                      # the holder is masked
        thermal = NetworkPrinterPort()
        try:
            page.receipt.setCurrentText(thermal.target)
            page.try_receipt.click()
            qtbot.waitUntil(lambda: "测试页已发送" in page.receipt_result.text(), timeout=30000)
            picture, cuts = raster_and_cuts(thermal.job())
        finally:
            thermal.close()
        assert cuts == 1 and picture.shape[1] == 576
        assert page.camera.count() == 0 and "未找到高拍仪" in page.camera_result.text()
        next_button.click()

        page = wizard.admin
        finish = wizard.button(wizard.WizardButton.FinishButton)
        page.password.setText("wangzhan-2026")
        page.again.setText("wangzhan-2027")
        page.create.click()
        qtbot.waitUntil(lambda: "不一致" in page.result.text())
        page.again.setText("wangzhan-2026")
        page.create.click()
        qtbot.waitUntil(lambda: finish.isEnabled(), timeout=15000)
        assert not desk.setup.needed()
        finish.click()
    finally:
        desk.close()

    saved = json.loads((tmp_path / "home" / "production" / "settings.json").read_text(encoding="utf-8"))
    assert saved["centre_name"] == "南湖街道社区事务受理服务中心" and saved["window_name"] == "3号综合窗口"
    assert saved["idcard_driver"] == "sam" and saved["receipt_printer"].startswith("tcp://127.0.0.1:")
    assert saved["receipt_paper"] == "80mm"

    again = production_desk(home)                                    # the next start: no wizard, the prefix kept
    try:
        assert not again.setup.needed()
        assert again.accounts.login("admin", "wangzhan-2026").username == "admin"
        assert again.intake.prefix == "ZC02" and again.settings.centre_name == "南湖街道社区事务受理服务中心"
    finally:
        again.close()


def test_a_pc_with_accounts_but_no_centre_is_asked_only_for_what_is_missing(qtbot, tmp_path):
    from app.domain.accounts import Role
    from app.ui.setup_wizard import SetupWizard

    desk = production_desk({"ZONGCHUANG_HOME": str(tmp_path / "home")})
    try:
        desk.accounts.create("sun", "孙管理", Role.ADMIN, "admin-pass-1")
        assert desk.setup.needed()                                   # no centre to print yet
        wizard = SetupWizard(desk)
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.admin.initializePage()
        qtbot.waitUntil(lambda: wizard.admin.isComplete())
        assert "已有账号" in wizard.admin.result.text()
    finally:
        desk.close()


def test_the_wizard_speaks_english_and_fits_a_hall_pc(qtbot, tmp_path):
    from PySide6.QtWidgets import QLabel
    from test_gui_layout import layout_problems

    from app.ui.setup_wizard import SetupWizard

    production = tmp_path / "home" / "production"
    production.mkdir(parents=True)
    (production / "settings.json").write_text('{"settings_version": 2, "language": "en"}', encoding="utf-8")
    desk = production_desk({"ZONGCHUANG_HOME": str(tmp_path / "home")})
    try:
        wizard = SetupWizard(desk)
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitExposed(wizard)
        assert wizard.windowTitle() == "Zongchuang — setup wizard"
        assert wizard.button(wizard.WizardButton.NextButton).text().replace("&", "") == "Next >"
        assert "Service centre name" in [label.text() for label in wizard.findChildren(QLabel)]
        assert layout_problems(wizard) == []
        wizard.grab().save(str(tmp_path / "wizard-en.png"))
    finally:
        desk.close()

"""设置 as an administrator uses it: each setting on its group's page with the widget its type calls for; a
refused value is named beside its field and nothing is saved; a good set of changes is saved alone."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QLineEdit, QSpinBox

from app.domain.accounts import Role
from app.domain.errors import DomainError
from tests.conftest import main_window

pytestmark = pytest.mark.gui


@pytest.fixture
def admin(desk):
    return desk.accounts.create("sun", "孙管理", Role.ADMIN, "admin-pass-1")


def test_an_administrator_changes_settings_and_a_refused_value_is_named_beside_its_field(qtbot, desk, admin):
    with main_window(qtbot, desk, admin) as w:
        panel = w.settings_panel
        w.tabs.setCurrentWidget(panel)
        qtbot.waitUntil(lambda: "jpeg_quality" in panel.editors)
        assert [panel.pages.tabText(i) for i in range(panel.pages.count())][:3] == ["服务中心", "设备", "打印"]
        quality = panel.findChild(QSpinBox, "jpeg_quality")
        keys = panel.findChild(QLineEdit, "rating_keys")
        quality.setValue(70)
        keys.setText("F1=9")
        panel.save_button.click()
        qtbot.waitUntil(lambda: "设置未保存" in panel.message.text())
        problem = panel.editors["rating_keys"][2]
        assert not problem.isHidden() and "评价器按键设置有误：F1=9" in problem.text()
        assert not desk.paths.settings.exists()                     # nothing saved

        keys.setText("F1=5,F2=4,F3=3,F4=2,F5=1")
        panel.save_button.click()
        qtbot.waitUntil(lambda: "已保存 2 项设置" in panel.message.text())
        assert "重新启动综窗后生效" in panel.message.text()
        saved = json.loads(desk.paths.settings.read_text(encoding="utf-8"))
        assert saved == {"jpeg_quality": 70, "rating_keys": "F1=5,F2=4,F3=3,F4=2,F5=1", "settings_version": 2}
        qtbot.waitUntil(lambda: panel.editors["jpeg_quality"][0].value == 70)      # read back from the file
        assert panel.editors["jpeg_quality"][1].value() == 70
        panel.save_button.click()
        qtbot.waitUntil(lambda: panel.message.text() == "设置没有改动。")


def test_only_an_administrator_sees_or_saves_settings(qtbot, desk, clerk, supervisor):
    with main_window(qtbot, desk, supervisor) as w:
        assert w.settings_panel is None and "设置" not in [w.tabs.tabText(i) for i in range(w.tabs.count())]
    with pytest.raises(DomainError, match="只有管理员可以修改设置"):
        desk.configuration.save(clerk, {"jpeg_quality": 70})


@pytest.mark.parametrize("language", ["en"])
def test_the_settings_screen_in_english(language, qtbot, desk, admin, tmp_path):
    from PySide6.QtWidgets import QLabel

    with main_window(qtbot, desk, admin) as w:
        panel = w.settings_panel
        w.tabs.setCurrentWidget(panel)
        qtbot.waitUntil(lambda: "jpeg_quality" in panel.editors)
        assert "Settings" in [w.tabs.tabText(i) for i in range(w.tabs.count())]
        assert [panel.pages.tabText(i) for i in range(panel.pages.count())][:3] == ["Service centre", "Devices",
                                                                                   "Printing"]
        texts = [label.text() for label in panel.findChildren(QLabel)]
        assert "JPEG quality of material pictures (1–100)" in texts
        panel.findChild(QLineEdit, "rating_keys").setText("F1=9")
        panel.save_button.click()
        qtbot.waitUntil(lambda: "Settings not saved" in panel.message.text())
        assert "The rating keypad setting is wrong: F1=9" in panel.editors["rating_keys"][2].text()
        w.grab().save(str(tmp_path / "settings-en.png"))

"""Settings as district IT edits them by hand in Notepad: a value that is not allowed is named with its key,
value and why, the file is left alone, numbers are numbers whichever way they are written, saving keeps
only what was changed, an old file is upgraded, and a production PC never starts on a file it cannot read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config.paths import Profile
from app.config.settings import _V1_DEFAULTS, SETTINGS_VERSION, Settings, SettingsError, save_changes

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_number_written_without_a_decimal_point_is_the_number_meant(tmp_path):
    s = Settings.load(write(tmp_path / "settings.json", '{"sync_timeout": 60, "jpeg_quality": 90.0}'))
    assert s.sync_timeout == 60.0 and isinstance(s.sync_timeout, float)
    assert s.jpeg_quality == 90 and isinstance(s.jpeg_quality, int)
    assert s.problems == []


@pytest.mark.parametrize("text, key, says", [
    ('{"idcard_driver": "sam2"}', "idcard_driver", "“sam2”不是可选的值（可选：（空） / sam / sdtapi"),
    ('{"jpeg_quality": 150}', "jpeg_quality", "应在 1 到 100 之间"),
    ('{"defer_days": "5"}', "defer_days", "应为数字"),
    ('{"idcard_poll": "yes"}', "idcard_poll", "应为 true 或 false"),
    ('{"sync_interval_s": 12.5}', "sync_interval_s", "应为整数"),
    ('{"rating_at": "accept,leave"}', "rating_at", "“leave”不是可选的值"),
    ('{"workstation_prefix": "zc 01"}', "workstation_prefix", "格式不对"),
    ('{"hall_url": "192.168.1.10:8700"}', "hall_url", "格式不对"),
    ('{"centre_name": 12}', "centre_name", "应为文字"),
])
def test_a_refused_value_is_named_with_its_key_value_and_why_and_only_it_falls_back(tmp_path, text, key, says):
    path = write(tmp_path / "settings.json", text[:-1] + ', "window_name": "3号综合窗口"}')
    before = path.read_bytes()
    s = Settings.load(path)
    assert len(s.problems) == 1, s.problems
    problem = s.problems[0]
    assert f"设置“{key}”的值" in problem and says in problem and "本次使用默认值" in problem, problem
    assert getattr(s, key) == getattr(Settings(), key)
    assert s.window_name == "3号综合窗口"                          # the rest of the file is used
    assert path.read_bytes() == before


def test_a_misspelt_key_is_reported_not_silently_ignored(tmp_path):
    s = Settings.load(write(tmp_path / "settings.json", '{"centre_nmae": "南湖街道"}'))
    assert s.problems == ["设置文件中的“centre_nmae”不是综窗的设置项（拼写有误，或属于更新的版本），已忽略。"]


def test_a_secret_is_not_repeated_in_the_sentence(tmp_path):
    s = Settings.load(write(tmp_path / "settings.json", '{"hall_key": 987654321}'))
    assert "987654321" not in s.problems[0] and "“******”" in s.problems[0]


def test_a_trailing_comma_is_named_with_its_line_and_column(tmp_path):
    path = write(tmp_path / "settings.json", '{\n  "centre_name": "南湖街道社区事务受理服务中心",\n}\n')
    s = Settings.load(path)
    assert "第 3 行第 1 列有误" in s.unreadable and "最后一项后面多了逗号" in s.unreadable
    path.write_text('{"font_path": "C:\\Fonts\\msyh.ttc"}', encoding="utf-8")      # one backslash, as typed
    assert "反斜杠 \\ 须写成两个" in Settings.load(path).unreadable
    assert s.centre_name == ""


def test_notepads_utf8_with_a_bom_is_read(tmp_path):
    path = tmp_path / "settings.json"
    path.write_bytes('{"centre_name": "南湖街道"}'.encode("utf-8-sig"))
    assert Settings.load(path).centre_name == "南湖街道"
    path.write_bytes('{"centre_name": "南湖街道"}'.encode("gbk"))
    assert "不是 UTF-8 编码" in Settings.load(path).unreadable


def _desk(profile: Profile, home: Path):
    from app.main import build_desk

    return build_desk(profile, {"ZONGCHUANG_HOME": str(home)}, idcard=None, camera=None, printer=None,
                      receipt_printer=None, sscard=None)


def test_production_does_not_start_on_an_unreadable_file_and_training_starts_with_a_warning(tmp_path):
    broken = '{\n  "centre_name": "南湖街道社区事务受理服务中心",\n  "window_name": "2号窗口",\n}'
    production = write(tmp_path / "production" / "settings.json", broken)
    with pytest.raises(SettingsError, match="第 4 行第 1 列有误.*请改正后重新启动综窗（文件未改动）"):
        _desk(Profile.PRODUCTION, tmp_path)
    assert production.read_text(encoding="utf-8") == broken

    training = write(tmp_path / "training" / "settings.json", broken)
    desk = _desk(Profile.TRAINING, tmp_path)
    try:
        assert any("第 4 行第 1 列有误" in w and "本次使用默认设置" in w for w in desk.startup_warnings)
        assert desk.settings.centre_name == "示范街道社区事务受理服务中心"       # training's sample centre
    finally:
        desk.close()
    assert training.read_text(encoding="utf-8") == broken


def test_a_command_on_production_says_why_it_cannot_start_on_a_broken_file(tmp_path):
    write(tmp_path / "production" / "settings.json", '{"centre_name": "南湖街道",}')
    env = {**os.environ, "ZONGCHUANG_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "app", "db", "purge"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1 and "第 1 行第 24 列有误：这里应是用英文双引号括起来的设置项名" in run.stderr and "Traceback" not in run.stderr


def test_saving_keeps_only_what_was_changed_and_keys_this_version_does_not_know(tmp_path):
    path = write(tmp_path / "settings.json", json.dumps({"settings_version": SETTINGS_VERSION,
                                                          "centre_name": "南湖街道", "future_setting": [1, 2]}))
    save_changes(path, {"a4_printer": "HP LaserJet 1020", "jpeg_quality": 85, "centre_name": "南湖街道社区事务受理服务中心"})
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved == {"settings_version": SETTINGS_VERSION, "centre_name": "南湖街道社区事务受理服务中心",
                     "future_setting": [1, 2], "a4_printer": "HP LaserJet 1020"}
    save_changes(path, {"a4_printer": ""})                          # back to the default: out of the file
    assert "a4_printer" not in json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="jpeg_quality: 应在 1 到 100 之间"):
        save_changes(path, {"jpeg_quality": 0})


def test_a_choice_made_at_the_desk_never_overwrites_a_file_that_cannot_be_read(tmp_path):
    path = write(tmp_path / "settings.json", '{"centre_name": "南湖街道",}')
    with pytest.raises(ValueError, match="有误"):
        save_changes(path, {"camera_name": "S1000"})
    assert path.read_text(encoding="utf-8") == '{"centre_name": "南湖街道",}'


def test_a_version_1_file_keeps_what_was_changed_and_gets_todays_defaults(tmp_path):
    """Version 1 wrote every default into the file, the training profile's sample centre and simulated
    devices among them: upgraded, a production PC gets real drivers and is asked for its centre."""
    v1 = {**_V1_DEFAULTS, "settings_version": 1, "window_name": "3号综合窗口", "jpeg_quality": 70}
    path = write(tmp_path / "settings.json", json.dumps(v1, ensure_ascii=False))
    s = Settings.load(path)
    assert s.problems == []
    assert (s.window_name, s.jpeg_quality) == ("3号综合窗口", 70)
    assert (s.idcard_driver, s.camera_driver, s.centre_name) == ("", "", "")
    assert s.centre_missing
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "window_name": "3号综合窗口", "jpeg_quality": 70, "settings_version": SETTINGS_VERSION}
    assert json.loads((tmp_path / "settings.json.v1").read_text(encoding="utf-8")) == v1


def test_production_defaults_are_real_devices_and_training_defaults_simulated(tmp_path):
    from app.config.paths import resources_dir
    from app.devices import registry
    from app.devices.camera.simulator import SimulatedCamera
    from app.devices.idcard.serial_sam import AutoDetectSamReader
    from app.devices.idcard.simulator import SimulatedIdCardReader

    plain = Settings()
    assert isinstance(registry.make_idcard_reader(plain, Profile.PRODUCTION, resources_dir()), AutoDetectSamReader)
    assert isinstance(registry.make_idcard_reader(plain, Profile.TRAINING, resources_dir()), SimulatedIdCardReader)
    assert isinstance(registry.make_camera(plain, Profile.TRAINING), SimulatedCamera)
    assert registry.make_social_security_reader(plain, Profile.PRODUCTION, resources_dir()) is None


def test_every_declared_setting_has_a_group_a_description_and_an_allowed_default():
    for d in Settings.declared():
        assert d.description and d.group
        assert d.accept(d.default) == (d.default, ""), d.name

"""Damaged or foreign files never make the workstation print a traceback or change the data: settings that
are JSON but not settings, a damaged database, a database from a newer release, a full disk. Each command
ends in one Chinese sentence; the window says it in a dialog."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.config.paths import Profile
from app.store.engine import connect_raw
from app.store.keys import load_key

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = str(ROOT / "docs" / "examples" / "handout-to-a-stranger.json")
COMMANDS = [["sync", "status"], ["sync", "now", "--rounds", "1"], ["db", "purge"], ["clerk", "unlock", "wang"],
            ["desk", "script", SCRIPT, "--out", "out"], ["audit", "verify"]]


def zongchuang(home: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZONGCHUANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app", "--profile", "training", *args], cwd=home.parent, env=env,
                          capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A training profile with a few cases in it, as the demo leaves it."""
    home = tmp_path_factory.mktemp("made") / "home"
    run = zongchuang(home, "demo", "--out", str(home.parent / "demo"), "--cases", "1")
    assert run.returncode == 0, run.stderr
    return home


def copy_of(made: Path, tmp_path: Path) -> Path:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(made, home)
    return home


def every_command_says_one_sentence(home: Path, words: str) -> None:
    for args in COMMANDS:
        run = zongchuang(home, *args)
        assert "Traceback" not in run.stderr + run.stdout, (args, run.stderr)
        assert run.returncode != 0 and words in run.stderr, (args, run.stderr, run.stdout)


def test_a_damaged_database_is_reported_by_every_command_and_left_as_it_was(made, tmp_path):
    home = copy_of(made, tmp_path)
    database = home / "training" / "zongchuang.sqlite3"
    damaged = bytearray(database.read_bytes())
    damaged[5000:9000] = b"\0" * 4000
    database.write_bytes(bytes(damaged))
    for extra in database.parent.glob("zongchuang.sqlite3-*"):
        extra.unlink()
    check = zongchuang(home, "db", "check")
    assert check.returncode == 1 and "无法打开" in check.stdout and "Traceback" not in check.stderr
    every_command_says_one_sentence(home, "数据库文件无法打开")
    assert database.read_bytes() == bytes(damaged)


def test_a_database_from_a_newer_release_is_named_and_left_as_it_was(made, tmp_path):
    home = copy_of(made, tmp_path)
    database = home / "training" / "zongchuang.sqlite3"
    conn = connect_raw(database, load_key(home / "training").database)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    before = database.read_bytes()
    for args in COMMANDS[:-1]:                   # `audit verify` reads any revision without migrating
        run = zongchuang(home, *args)
        assert run.returncode == 1 and "较新版本" in run.stderr and "Traceback" not in run.stderr, args
    assert database.read_bytes() == before


def test_settings_that_are_json_but_not_settings_start_with_defaults_and_a_warning(made, tmp_path):
    from app.main import build_desk

    home = copy_of(made, tmp_path)
    settings = home / "training" / "settings.json"
    settings.write_text("[1, 2, 3]", encoding="utf-8")
    desk = build_desk(Profile.TRAINING, {"ZONGCHUANG_HOME": str(home)}, idcard=None, camera=None, printer=None)
    try:
        assert any("settings.json 应为一组“设置项: 值”" in w and "而不是一个列表" in w and "本次使用默认设置" in w
                   for w in desk.startup_warnings)
        assert desk.settings.window_name == "1号综合窗口"
    finally:
        desk.close()
    assert settings.read_text(encoding="utf-8") == "[1, 2, 3]"
    every_ok = zongchuang(home, "sync", "status")
    assert every_ok.returncode == 0 and "Traceback" not in every_ok.stderr


def test_the_window_on_a_damaged_database_says_so_in_a_dialog_with_no_console(made, tmp_path):
    """Started as the windowed build starts: no stdout, no stderr. The dialog is up once the log says why."""
    home = copy_of(made, tmp_path)
    database = home / "training" / "zongchuang.sqlite3"
    database.write_bytes(b"\0" * 8192)
    env = {**os.environ, "ZONGCHUANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "app", "--profile", "training"], cwd=tmp_path, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = home / "training" / "logs" / "zongchuang.log"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if log.exists() and "command failed: 数据库文件无法打开" in log.read_text(encoding="utf-8"):
                break
            time.sleep(0.2)
        assert proc.poll() is None, "the process ended instead of showing its dialog"
        assert "command failed: 数据库文件无法打开" in log.read_text(encoding="utf-8")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    assert database.read_bytes() == b"\0" * 8192


def test_a_full_disk_during_a_command_is_one_sentence(made, tmp_path):
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(tiny)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        run = zongchuang(tiny / "home", "demo", "--out", str(tmp_path / "out"), "--cases", "3")
        assert run.returncode == 1 and "磁盘空间已满" in run.stderr and "Traceback" not in run.stderr, run.stderr
    finally:
        subprocess.run(["umount", str(tiny)], check=False)

"""The frozen build as an installer meets it: `scripts/build.py` makes the PyInstaller folder and the NSIS
installer around it, then the frozen programs are run as IT runs them on a new PC — the version, the
database check, the catalogue, the training demo, a sync to the in-process district, the sample documents,
the district and hall servers answering over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.version import version
from tests import pdf_tools

ROOT = Path(__file__).resolve().parents[1]
EXE = ".exe" if sys.platform == "win32" else ""


@pytest.fixture(scope="module")
def frozen(tmp_path_factory, pytestconfig) -> Path:
    if shutil.which("makensis") is None:
        pytest.skip("makensis (NSIS) is not installed: scripts/setup.sh installs Debian's nsis as root")
    dist, work = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("work")
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "--dist", str(dist), "--work",
                            str(work), "--fast"], cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():      # the bundle's size belongs in CI's output
        print("\n" + "\n".join(line for line in built.stdout.splitlines() if line.startswith(("bundle:", "installer:"))))
    shutil.rmtree(work, ignore_errors=True)
    return dist


def run(dist: Path, program: str, *args: str, home: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZONGCHUANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(dist / "zongchuang" / f"{program}{EXE}"), *args], cwd=home, env=env,
                          capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, f"{program} {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done


def test_every_frozen_program_tells_the_version_of_pyproject(frozen, tmp_path):
    assert version() != "0+unknown"
    for program in ("zongchuang-cli", "zongchuang-district", "zongchuang-hall"):
        assert run(frozen, program, "--version", home=tmp_path).stdout.strip().endswith(version())
    names = sorted(p.name for p in (frozen / "zongchuang").iterdir() if p.is_file())
    assert names == [f"{n}{EXE}" for n in ("zongchuang", "zongchuang-cli", "zongchuang-district", "zongchuang-hall")]


def test_the_frozen_cli_speaks_the_language_of_the_settings(frozen, tmp_path):
    assert "本地数据库" in run(frozen, "zongchuang-cli", "--profile", "training", "--help", home=tmp_path).stdout
    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "settings.json").write_text('{"settings_version": 2, "language": "en"}', encoding="utf-8")
    english = run(frozen, "zongchuang-cli", "--profile", "training", "--help", home=tmp_path).stdout
    assert "Local database" in english and "本地数据库" not in english


def test_the_bundle_leaves_out_test_tools_and_unused_qt(frozen):
    inside = frozen / "zongchuang" / "_internal"
    present = {p.name.lower() for p in inside.iterdir()}
    assert not {"hypothesis", "pytest", "_pytest", "psycopg", "psycopg_binary", "selenium"} & present
    qt_libs = [p.name for p in inside.rglob("*Qt6Q*")]
    assert not [n for n in qt_libs if "Qt6Qml" in n or "Qt6Quick" in n], qt_libs
    translations = [p.name for p in inside.rglob("*.qm")]
    assert "qtbase_zh_CN.qm" in translations and all(n.endswith(("_zh_CN.qm", "_en.qm")) for n in translations)


def test_the_frozen_training_desk_works_end_to_end(frozen, tmp_path):
    home, out = tmp_path / "home", tmp_path / "out"
    home.mkdir()
    demo = run(frozen, "zongchuang-cli", "--profile", "training", "demo", "--out", str(out), home=home)
    assert "演示完成" in demo.stdout
    receipt = sorted(out.glob("*受理回执*.pdf"))[0]
    assert "受理回执" in pdf_tools.flat_text(receipt)

    check = run(frozen, "zongchuang-cli", "--profile", "training", "db", "check", home=home)
    assert "完整性：ok" in check.stdout and "加密：是" in check.stdout
    catalog = json.loads(run(frozen, "zongchuang-cli", "catalog", "list", "--json", home=home).stdout)
    assert len(catalog["items"]) >= 25
    synced = run(frozen, "zongchuang-cli", "--profile", "training", "sync", "now", home=home)
    assert "上报办件" in synced.stdout and "获取办理结果" in synced.stdout
    samples = tmp_path / "samples"
    run(frozen, "zongchuang-cli", "documents", "samples", "--out", str(samples), home=home)
    assert len(list(samples.glob("*.pdf"))) >= 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serving(dist: Path, program: str, args: list[str], url: str, home: Path) -> httpx.Response:
    env = {**os.environ, "ZONGCHUANG_HOME": str(home)}
    server = subprocess.Popen([str(dist / "zongchuang" / f"{program}{EXE}"), *args], cwd=home, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                return httpx.get(url, timeout=5)
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"{program} did not serve: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_frozen_district_and_hall_servers_answer(frozen, tmp_path):
    port = _free_port()
    info = _serving(frozen, "zongchuang-district", ["serve", "--data", str(tmp_path / "district"), "--port", str(port),
                                                     "--name", "示范区受理平台"],
                    f"http://127.0.0.1:{port}/api/v1/info", tmp_path)
    assert info.status_code == 200 and info.json()["name"] == "示范区受理平台"
    port = _free_port()
    kiosk = _serving(frozen, "zongchuang-hall", ["serve", "--data", str(tmp_path / "hall"), "--host", "127.0.0.1",
                                                 "--port", str(port), "--name", "示范街道"],
                     f"http://127.0.0.1:{port}/kiosk", tmp_path)
    assert kiosk.status_code == 200 and "取号" in kiosk.text


def test_the_installer_carries_the_programs_and_its_uninstaller(frozen):
    setup = frozen / f"zongchuang-{version()}-setup.exe"
    assert setup.read_bytes()[:2] == b"MZ"                         # a Windows program
    if shutil.which("7z") is None:
        pytest.skip("7z (p7zip-full) is not installed, so the installer's contents cannot be listed")
    listing = subprocess.run(["7z", "l", str(setup)], capture_output=True, text=True, check=True).stdout
    for name in ("zongchuang-cli", "zongchuang-district", "zongchuang-hall", "uninstall.exe",
                 "_internal/resources/catalog/catalog.json", "_internal/migrations"):
        assert name in listing.replace("\\", "/"), name

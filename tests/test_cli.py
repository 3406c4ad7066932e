"""The installer's commands and the headless demo, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def zongchuang(*args, home: Path, check=True):
    env = {**os.environ, "ZONGCHUANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=check, timeout=300)


def test_catalog_list_json_has_items_bundles_and_guides(tmp_path):
    data = json.loads(zongchuang("catalog", "list", "--json", home=tmp_path).stdout)
    assert len(data["items"]) >= 25 and len(data["bundles"]) >= 3
    guide = data["items"][0]["guide"]
    assert {"scope", "accepting_agency", "deciding_agency", "legal_basis", "legal_limit_days",
            "promised_limit_days", "fee", "visits"} <= guide.keys()


def test_demo_then_db_check(tmp_path):
    out = tmp_path / "out"
    run = zongchuang("--profile", "training", "demo", "--out", str(out), "--cases", "2", home=tmp_path)
    assert "演示完成：4 份申请" in run.stdout and "一次性密码" in run.stdout
    assert len(sorted(out.glob("*受理回执*.pdf"))) == 4
    # the two bundles each had a deferred material: commitment letter and notice for each
    assert len(sorted(out.glob("*容缺受理承诺书*.pdf"))) == 2 and len(sorted(out.glob("*容缺受理通知书*.pdf"))) == 2
    png = out / "main-window.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "training" / "zongchuang.sqlite3").exists()
    assert not (tmp_path / "production").exists()

    check = zongchuang("--profile", "training", "db", "check", home=tmp_path)
    assert "完整性：ok" in check.stdout and "cases: 8" in check.stdout
    scans = list((tmp_path / "training" / "attachments").glob("??/??/*"))
    assert scans and f"attachments: {len(scans)}" in check.stdout and "attachments_referenced: " in check.stdout
    kept = scans[0].read_bytes()
    scans[0].unlink()                                   # a scan lost from the disk is reported
    lost = zongchuang("--profile", "training", "db", "check", home=tmp_path, check=False)
    assert lost.returncode == 1 and "缺失的材料文件：1 个" in lost.stdout
    scans[0].write_bytes(kept)

    missing = zongchuang("db", "check", home=tmp_path, check=False)
    assert missing.returncode == 1 and "尚未创建" in missing.stderr

    log_text = (tmp_path / "training" / "logs" / "zongchuang.log").read_text(encoding="utf-8")
    assert "33010619650312031X" not in log_text and "330106********031X" in log_text

    # Not enrolled anywhere: the training profile syncs to its own district server, in this process.
    synced = zongchuang("--profile", "training", "sync", "now", home=tmp_path)
    assert "上报办件 8 件" in synced.stdout and "获取办理结果 8 件" in synced.stdout
    status = zongchuang("--profile", "training", "sync", "status", home=tmp_path).stdout
    assert "区级平台：本机培训平台" in status and "待上报 0 件，已上报 8 件，被拒 0 件" in status
    received = json.loads(subprocess.run(
        [sys.executable, "-m", "district", "cases", "--data", str(tmp_path / "training" / "district"), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert received["counts"]["cases"] == 8 and received["counts"]["parked"] == 0
    production = zongchuang("sync", "now", home=tmp_path, check=False)   # production is never touched
    assert production.returncode == 1 and "尚未注册" in production.stderr
    assert "--profile training sync now" in production.stderr


def _district(*args, data: Path, check=True):
    return subprocess.run([sys.executable, "-m", "district", *args, "--data", str(data)], cwd=ROOT,
                          capture_output=True, text=True, check=check, timeout=120)


def test_an_installer_enrols_a_workstation_and_checks_what_arrived(tmp_path, desk):
    """zongchuang-district serve / enrolment-code / cases, zongchuang enrol / sync now / sync status."""
    import socket
    import time

    from tests.sync_support import accept_cases

    home = Path(desk.paths.data).parent
    accept_cases(desk, 3, pages=2)
    desk.close()
    data = tmp_path / "district"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    code = _district("enrolment-code", data=data).stdout.strip()
    assert len(code) == 19 and code.count("-") == 3

    down = zongchuang("--profile", "training", "enrol", "--server", url, "--code", code, home=home, check=False)
    assert down.returncode == 1 and "无法连接" in down.stderr

    server = subprocess.Popen([sys.executable, "-m", "district", "serve", "--data", str(data), "--port", str(port),
                               "--allow-training"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        assert "培训服务器" in server.stdout.readline()
        deadline = time.monotonic() + 30
        while subprocess.run(["curl", "-sf", url + "/api/v1/info"], capture_output=True).returncode != 0:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        enrolled = zongchuang("--profile", "training", "enrol", "--server", url, "--code", code, home=home)
        assert "已注册到 区级受理平台" in enrolled.stdout
        again = zongchuang("--profile", "training", "enrol", "--server", url, "--code", code, home=home, check=False)
        assert again.returncode == 1 and "注册码无效" in again.stderr
        synced = zongchuang("--profile", "training", "sync", "now", home=home)
        assert "上报办件 3 件" in synced.stdout and "上传材料文件" in synced.stdout
        status = zongchuang("--profile", "training", "sync", "status", home=home).stdout
        assert "区级平台：区级受理平台" in status and "已上报 3 件" in status
    finally:
        server.terminate()
        server.wait(30)
    received = json.loads(_district("cases", "--json", data=data).stdout)
    assert received["counts"] == {"devices": 1, "cases": 3, "events": received["counts"]["events"], "parked": 0,
                                  "attachments": sum(len(c["attachments"]) for c in received["cases"])}
    assert all(c["official_number"] and c["event_list"][0]["type"] == "case_opened" for c in received["cases"])
    # The server is gone: the cases accepted meanwhile stay in the outbox and `sync now` says so.
    from app.main import build_desk
    from tests.conftest import FAST_HASHER
    later = build_desk(desk.profile, {"ZONGCHUANG_HOME": str(home)}, idcard=desk.devices.idcard, camera=None,
                       printer=None, receipt_printer=None, sscard=None, password_hasher=FAST_HASHER)
    try:
        accept_cases(later, 1, seed=4)
    finally:
        later.close()
    offline = zongchuang("--profile", "training", "sync", "now", "--rounds", "1", home=home, check=False)
    assert offline.returncode == 1 and "仍有 1 件待上报" in offline.stderr and "无法连接" in offline.stderr


def test_openapi_document_in_docs_is_the_one_the_server_generates():
    from district.cli import openapi_document

    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(openapi_document())), \
        "docs/openapi.json is stale: python -m district openapi > docs/openapi.json"


# --- zongchuang idcard ------------------------------------------------------------------------------


def _read_frame(index: int) -> bytes:
    from app.config.paths import resources_dir
    from app.devices.idcard import sam_frame as sf
    from app.devices.idcard.simulator import load_roster, photo_for, text_block_for

    person = load_roster(resources_dir())[index]
    return sf.encode_response(0x90, sf.encode_card_data(text_block_for(person), photo_for(person)))


def test_idcard_decode_a_saved_frame_and_a_hex_text_block(tmp_path):
    frame = tmp_path / "frame.bin"
    frame.write_bytes(_read_frame(8))
    data = json.loads(zongchuang("idcard", "decode", "--unmasked", str(frame), home=tmp_path).stdout)
    assert data["kind"] == "response_frame" and data["card_type"] == "foreigner_old"
    assert data["fields"]["english_name"] == "SMITH, JOHN WILLIAM" and data["fields"]["nationality_label"] == "美国"
    assert data["photo_bytes"] == 1024 and data["warnings"] == []

    text = tmp_path / "text.hex"
    text.write_text(" ".join(f"{b:02x}" for b in _read_frame(3)[14:270]))     # as a serial monitor shows it
    data = json.loads(zongchuang("idcard", "decode", "--unmasked", str(text), home=tmp_path).stdout)
    assert data["kind"] == "text_block" and data["fields"]["name"] == "阿依古丽·买买提"
    assert any("过期" in w for w in data["warnings"])
    from app.config.paths import resources_dir
    from app.devices.idcard.simulator import load_roster

    person = load_roster(resources_dir())[3]
    masked = zongchuang("idcard", "decode", str(text), home=tmp_path).stdout      # masked unless asked
    assert person["name"] not in masked and person["id"] not in masked and person["address"] not in masked
    fields = json.loads(masked)["fields"]
    assert fields["name"] == "阿依古丽·买买提"[:2] + "*" * 6 and fields["id_number"][6:14] == "********"


def test_idcard_decode_refuses_a_bad_frame_and_reports_error_results(tmp_path):
    broken = tmp_path / "broken.bin"
    broken.write_bytes(_read_frame(0)[:-1] + b"\x00")
    run = zongchuang("idcard", "decode", str(broken), home=tmp_path, check=False)
    assert run.returncode == 1 and "无法解码" in run.stderr and "checksum" in run.stderr
    failed = tmp_path / "failed.hex"
    failed.write_text("AAAAAA9669 0004 000041 45")
    run = zongchuang("idcard", "decode", str(failed), home=tmp_path, check=False)
    assert run.returncode == 1 and json.loads(run.stdout)["message"] == "读卡操作失败"
    missing = zongchuang("idcard", "decode", str(tmp_path / "nope.bin"), home=tmp_path, check=False)
    assert missing.returncode == 2 and "无法读取文件" in missing.stderr


def test_idcard_read_over_a_serial_port_prints_masked_fields(tmp_path):
    from app.config.paths import resources_dir
    from app.devices.idcard.pty_simulator import PtySamSimulator
    from app.devices.idcard.simulator import SimulatedSamModule, load_roster

    module = SimulatedSamModule(load_roster(resources_dir()))
    module.present(1)
    with PtySamSimulator(module, 57600) as line:
        run = zongchuang("idcard", "read", "--driver", "sam", "--port", line.port, home=tmp_path)
    assert "05.01-20240611-0014455316-2203524516" in run.stdout and "57600" in run.stdout
    data = json.loads(run.stdout[run.stdout.index("{"):])
    assert data["name"] == "李**" and data["id_number"] == "330105********0428"
    assert "330105198807240428" not in run.stdout and "李秀英" not in run.stdout
    nothing = zongchuang("idcard", "read", "--driver", "sam", "--port", "/dev/nonexistent", home=tmp_path, check=False)
    assert nothing.returncode == 2 and "未找到身份证阅读器" in nothing.stderr


def test_idcard_ports_lists_serial_ports(tmp_path):
    run = zongchuang("idcard", "ports", home=tmp_path)
    assert "串口（sam 驱动，--port）" in run.stdout and "PC/SC 读卡器" in run.stdout


def test_imaging_process_prints_corners_size_and_qr(tmp_path):
    import cv2
    import numpy as np
    from conftest import FONT

    from app.devices.camera.sample_documents import SampleDocument
    from app.devices.camera.scene import random_scene, render

    scene = random_scene(np.random.default_rng(1), SampleDocument("出生医学证明", qr="ZZ330100-2026-000001"), strong=False)
    cv2.imwrite(str(tmp_path / "in.jpg"), render(scene, (2592, 1944), FONT))
    out = zongchuang("imaging", "process", str(tmp_path / "in.jpg"), str(tmp_path / "out.jpg"), home=tmp_path, check=False)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    truth = scene.corners_px((2592, 1944))
    assert np.abs(np.array(result["corners"]) - truth).max() < 15          # input pixel coordinates
    assert result["size"][0] / result["size"][1] == pytest.approx(210 / 297, rel=0.01)
    assert result["barcodes"] == [{"format": "QR Code", "text": "ZZ330100-2026-000001"}]
    assert cv2.imread(str(tmp_path / "out.jpg")).shape[:2] == (result["size"][1], result["size"][0])


def test_imaging_process_refuses_what_is_not_a_page(tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"not an image at all")
    bad = zongchuang("imaging", "process", str(tmp_path / "bad.jpg"), str(tmp_path / "o.jpg"), home=tmp_path, check=False)
    assert bad.returncode == 1 and "不是可识别的图像文件" in bad.stderr
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert "为空" in zongchuang("imaging", "process", str(tmp_path / "empty.jpg"), str(tmp_path / "o.jpg"), home=tmp_path, check=False).stderr
    import cv2
    import numpy as np

    cv2.imwrite(str(tmp_path / "desk.jpg"), np.full((600, 800, 3), 90, np.uint8))
    none = zongchuang("imaging", "process", str(tmp_path / "desk.jpg"), str(tmp_path / "o.jpg"), home=tmp_path, check=False)
    assert none.returncode == 1 and "没有找到纸张边缘" in none.stderr
    assert not (tmp_path / "o.jpg").exists()
    missing = zongchuang("imaging", "process", str(tmp_path / "nope.jpg"), str(tmp_path / "o.jpg"), home=tmp_path, check=False)
    assert missing.returncode == 2


def test_camera_list_without_a_camera(tmp_path):
    out = zongchuang("camera", "list", home=tmp_path)
    assert out.returncode == 0 and "未找到摄像头" in out.stdout


def test_camera_sample_video_writes_a_replayable_desk(tmp_path):
    out = zongchuang("camera", "sample-video", str(tmp_path / "desk.avi"), "--documents", "结婚证",
                     "--size", "640x480", home=tmp_path)
    assert "1 份材料" in out.stdout and "camera_driver = video" in out.stdout
    import cv2

    video = cv2.VideoCapture(str(tmp_path / "desk.avi"))
    assert (video.get(cv2.CAP_PROP_FRAME_WIDTH), video.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (640, 480)
    assert video.get(cv2.CAP_PROP_FRAME_COUNT) >= 45
    bad = zongchuang("camera", "sample-video", str(tmp_path / "x.avi"), "--size", "big", home=tmp_path, check=False)
    assert bad.returncode == 2 and "宽x高" in bad.stderr


def test_documents_samples_writes_every_kind_twice(tmp_path):
    run = zongchuang("documents", "samples", "--out", str(tmp_path / "samples"), "--training", home=tmp_path)
    written = sorted((tmp_path / "samples").glob("*.pdf"))
    assert len(written) == 28 and "已生成 28 份单据样张" in run.stdout
    assert {p.name for p in written} >= {"受理回执-80mm-示例.pdf", "不予受理告知书-极端数据.pdf", "窗口日报-示例.pdf"}
    assert all(p.read_bytes().startswith(b"%PDF") for p in written)


def test_print_test_page_on_the_training_simulator_and_a_missing_printer(tmp_path):
    run = zongchuang("--profile", "training", "print", "test", home=tmp_path)
    printed = sorted((tmp_path / "training").rglob("*打印测试页*.pdf"))
    assert len(printed) == 1 and "测试页已发送到" in run.stdout
    failed = zongchuang("print", "test", "--printer", "没有这台打印机", home=tmp_path, check=False)
    assert failed.returncode == 1 and "找不到打印机“没有这台打印机”" in failed.stderr


def test_print_list_shows_the_configured_printers(tmp_path):
    run = zongchuang("print", "list", home=tmp_path)
    assert "A4打印机：系统默认打印机" in run.stdout and "回执打印机：同A4打印机（纸张 A4）" in run.stdout


def test_sync_now_fails_while_the_district_holds_cases_back(tmp_path):
    from app.store.engine import connect_raw
    from app.store.keys import load_key

    zongchuang("--profile", "training", "demo", "--out", str(tmp_path / "out"), "--cases", "1", home=tmp_path)
    assert zongchuang("--profile", "training", "sync", "now", home=tmp_path).returncode == 0
    profile = tmp_path / "training"
    conn = connect_raw(profile / "zongchuang.sqlite3", load_key(profile).database)
    conn.execute("UPDATE cases SET sync_state = 'quarantined', sync_error = '测试拒收' WHERE rowid = 1")
    conn.commit()
    conn.close()
    held = zongchuang("--profile", "training", "sync", "now", home=tmp_path, check=False)
    assert held.returncode == 1 and "被区级平台拒收" in held.stderr


# --- the windowed build: no console at all --------------------------------------------------------

def windowed(tmp_path: Path, *args: str) -> dict:
    """Runs the entry point with stdout and stderr closed, as zongchuang.exe (console=False) starts."""
    out = tmp_path / "dialogs.json"
    env = {**os.environ, "ZONGCHUANG_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}

    def close_console() -> None:
        os.close(1)
        os.close(2)

    subprocess.run([sys.executable, str(ROOT / "tests" / "windowed_child.py"), str(out), *args], cwd=ROOT, env=env,
                   stdin=subprocess.DEVNULL, preexec_fn=close_console, timeout=300, check=False)
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_windowed_build_shows_the_first_run_password_in_a_dialog_and_the_login_can_use_it(tmp_path):
    seen = windowed(tmp_path, "--profile", "training")
    assert not seen["stdout"] and not seen["stderr"] and seen["exit"] == 0
    first, login = seen["dialogs"][:2]
    assert first["name"] == "first_password" and "已创建管理员账号 admin，一次性密码" in first["text"]
    assert login["kind"] == "LoginDialog"
    password = first["text"].split("一次性密码：")[1].split()[0]

    from app.config.paths import Profile
    from app.main import build_desk

    desk = build_desk(Profile.TRAINING, {"ZONGCHUANG_HOME": str(tmp_path / "home")}, idcard=None, camera=None,
                      printer=None)
    try:
        clerk = desk.accounts.login("admin", password)
        assert clerk.username == "admin" and clerk.must_change_password
    finally:
        desk.close()


def test_a_command_given_to_the_windowed_build_shows_its_output_in_a_dialog(tmp_path):
    from app.version import version

    seen = windowed(tmp_path, "--version")
    assert seen["dialogs"][0]["text"].startswith(f"综窗 {version()}") and "zongchuang-cli.exe" in seen["dialogs"][0]["text"]
    seen = windowed(tmp_path, "db", "check")
    assert seen["exit"] == 1 and "数据库尚未创建" in seen["dialogs"][0]["text"]


def test_the_first_start_of_a_production_pc_opens_the_setup_wizard_not_a_login_nobody_can_pass(tmp_path):
    seen = windowed(tmp_path)
    assert seen["exit"] == 0 and [d["kind"] for d in seen["dialogs"]] == ["SetupWizard"]

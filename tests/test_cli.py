"""The installer's commands and the headless demo, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
    receipts = sorted(out.glob("*.pdf"))
    assert len(receipts) == 4
    png = out / "main-window.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "training" / "zongchuang.sqlite3").exists()
    assert not (tmp_path / "production").exists()

    check = zongchuang("--profile", "training", "db", "check", home=tmp_path)
    assert "完整性：ok" in check.stdout and "cases: 8" in check.stdout

    missing = zongchuang("db", "check", home=tmp_path, check=False)
    assert missing.returncode == 1 and "尚未创建" in missing.stderr

    log_text = (tmp_path / "training" / "logs" / "zongchuang.log").read_text(encoding="utf-8")
    assert "33010619650312031X" not in log_text and "330106********031X" in log_text

"""The interface in Chinese and English: every user-facing text is marked and translated, the English desk speaks
English (Qt's own buttons and menus too), the Chinese desk speaks Chinese, and printed documents stay Chinese."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pdf_tools import text as pdf_text
from test_intake_service import accepted_bundle

from app import i18n
from app.domain.documents import DocumentKind
from app.i18n import _

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"


def _scanner():
    spec = importlib.util.spec_from_file_location("i18n_scan", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module                  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_user_facing_text_is_marked_and_has_english():
    scan = _scanner()
    marked, findings = scan.survey()
    english = scan.table()
    assert [f"{f.path}:{f.line}: {f.text}" for f in findings] == [], "Chinese outside _() (or mark it '# i18n: data')"
    assert sorted(t for t in marked if not english.get(t)) == [], "run: python scripts/i18n.py todo"
    assert scan.mismatched(english) == []
    assert sorted(set(english) - marked) == [], "en.json holds text the program no longer says"
    assert len(marked) > 1000


def test_the_check_finds_unmarked_text_and_passes_data_and_marked_text(tmp_path):
    scan = _scanner()
    planted = tmp_path / "panel.py"
    planted.write_text('''
from app.i18n import N_, _
TABLE = {"a": N_("甲")}                       # marked, shown through _() where it is used
NATIONS = {"01": "汉"}  # i18n: data
def show(label, x):
    label.setText("请读卡")                   # unmarked: the finding
    label.setText(f"共 {x} 件")               # an f-string cannot be translated
    label.setText(_("已受理"))
    label.setText(TABLE.get("甲乙", "未知"))     # the key is data, the default is shown
    if x == "男" or x.startswith("附"):       # compared and matched: data
        return {"姓名": x}["姓名"]
''', encoding="utf-8")
    marked, findings = scan.scan(planted)
    assert set(marked) == {"甲", "已受理"}
    assert {(f.text, f.kind) for f in findings} == {("请读卡", "unmarked"), ("共 ", "fstring"), (" 件", "fstring"),
                                                    ("未知", "unmarked")}


def test_english_is_used_when_installed_and_falls_back_to_chinese(tmp_path):
    i18n.install("en", RESOURCES)
    assert i18n.language() == "en"
    assert _("已受理") == "Accepted"
    assert _("没有账号 {username}").format(username="li") == "No account li"
    assert _("一句没有译文的话") == "一句没有译文的话"
    with i18n.in_print_language():
        assert _("已受理") == "已受理"                  # what a printed document says
    assert _("已受理") == "Accepted"
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "en.json").write_text(json.dumps({"没有账号 {username}": "No account {name}",
                                                           "已受理": "Accepted"}), encoding="utf-8")
    i18n.install("en", tmp_path)                        # a translation with other placeholders is not used
    assert _("没有账号 {username}").format(username="li") == "没有账号 li"
    i18n.install("zh_CN", RESOURCES)
    assert i18n.language() == "zh_CN" and _("已受理") == "已受理"


def test_a_missing_or_broken_table_leaves_the_interface_chinese(tmp_path):
    i18n.install("fr", RESOURCES)
    assert i18n.language() == "zh_CN" and _("已受理") == "已受理"
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "en.json").write_text("{", encoding="utf-8")
    i18n.install("en", tmp_path)
    assert i18n.language() == "zh_CN" and _("已受理") == "已受理"


@pytest.mark.parametrize("language", ["en"])
def test_printed_documents_stay_chinese_when_the_interface_speaks_english(language, desk, clerk):
    assert i18n.language() == "en"
    app = accepted_bundle(desk, clerk)
    assert app.primary.state.label in ("Accepted", "Accepted with deferred materials")    # the screen's words
    receipt = pdf_text(desk.printing.render(DocumentKind.ACCEPTANCE_RECEIPT, app.cases, clerk))
    deferred = pdf_text(desk.printing.render(DocumentKind.DEFERRED_NOTICE, app.cases, clerk))
    guide = pdf_text(desk.documents.guide_notice(desk.catalog.catalog.item("SB003"), clerk))
    assert "受理回执" in receipt and "容缺受理通知书" in deferred.replace(" ", "")
    assert "受理机构" in guide and "承诺件" in guide
    for text in (receipt, deferred, guide):
        for english in ("Accepted", "Deferred", "Accepting agency", "Promised", "Original", "copy"):
            assert english not in text


def test_qt_speaks_the_interface_language(qapp):
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

    from app.ui.application import speak_qt_in

    def cancel_text() -> str:
        box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        return box.button(QDialogButtonBox.Cancel).text()

    def context_menu() -> list[str]:
        edit = QLineEdit()
        menu = edit.createStandardContextMenu()
        return [a.text() for a in menu.actions() if a.text()]

    try:
        assert speak_qt_in(qapp, "zh_CN") == ["qtbase", "qtmultimedia"]
        assert cancel_text() == "取消"
        assert any("撤消" in t for t in context_menu()) and any("粘贴" in t for t in context_menu())
        assert speak_qt_in(qapp, "en") == []
        assert cancel_text() == "Cancel" and any("Paste" in t for t in context_menu())
    finally:
        speak_qt_in(qapp, "zh_CN")


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZONGCHUANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app", "--profile", "training", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_command_line_speaks_the_language_of_the_profiles_settings(tmp_path):
    chinese = _cli(tmp_path, "--help")
    assert chinese.returncode == 0 and "本地数据库" in chinese.stdout
    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "settings.json").write_text('{"settings_version": 2, "language": "en"}', encoding="utf-8")
    english = _cli(tmp_path, "--help")
    assert english.returncode == 0 and "Local database" in english.stdout and "本地数据库" not in english.stdout
    status = _cli(tmp_path, "sync", "status")
    assert status.returncode == 0 and "pending" in status.stdout and "待上报" not in status.stdout

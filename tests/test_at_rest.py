"""Personal data at rest: the database and the scans are encrypted with the workstation's key, every file is
readable by its owner only, a store from before encryption is encrypted in place with a backup, and a file
that does not belong to this key is refused with a sentence, never opened or overwritten."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from app.domain.case import Case
from app.domain.identity import Identity
from app.store.attachments import AttachmentStore
from app.store.catalog_files import load_catalog
from app.store.database import check_database, open_store
from app.store.engine import connect_raw, create_sqlite_engine, is_plain_sqlite
from app.store.errors import StoreError
from app.store.files import FileCipher
from app.store.keys import KEY_FILE, KeyUnavailable, load_key, open_key

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "migrations"


def needles(values: list[str]) -> list[bytes]:
    """Each value as it would appear in clear in a file: UTF-8, and as JSON writes it with ASCII escapes."""
    out = []
    for v in values:
        out += [v.encode(), json.dumps(v).strip('"').encode()]
    return sorted(set(out))


def files_with(folder: Path, wanted: list[bytes]) -> dict[str, list[bytes]]:
    found = {}
    for p in folder.rglob("*"):
        if p.is_file():
            content = p.read_bytes()
            hits = [w for w in wanted if w in content]
            if hits:
                found[str(p.relative_to(folder))] = hits
    return found


CATALOG = load_catalog(ROOT / "resources" / "catalog")
CITIZEN = Identity(name="李秀英", id_number="330105198807240428", phone="13812345678", address="杭州市拱墅区和睦路88号")


def save_case(store, number: str = "ZC01-20261124-0001") -> None:
    at = datetime(2026, 11, 24, 10, 0).astimezone()
    case = Case.open(case_id="c-" + number, case_number=number, item=CATALOG.item("MZ001"), catalog_version="v",
                     clerk="wang", at=at)
    case.set_applicant(CITIZEN, "wang", at, from_card=True)
    store.cases.save(case)


def personal_data(database: Path, key: str | None) -> list[str]:
    """Every applicant's name, ID number and address the cases hold (read through the key)."""
    conn = connect_raw(database, key)
    try:
        values = set()
        for (snapshot,) in conn.execute("SELECT snapshot FROM cases"):
            applicant = (json.loads(snapshot) or {}).get("applicant") or {}
            values.update(v for k in ("name", "id_number", "address") if (v := applicant.get(k)))
        return sorted(values)
    finally:
        conn.close()


def private(path: Path) -> bool:
    return not path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def run_demo(home: Path, visits: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZONGCHUANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app", "--profile", "training", "demo", "--out",
                           str(home.parent / "out"), "--cases", str(visits)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=True)


def test_after_the_demo_no_name_id_number_or_address_is_in_clear_in_the_database_scans_or_logs(tmp_path):
    home = tmp_path / "home"
    run_demo(home, 6)
    profile = home / "training"
    key = load_key(profile)
    assert key is not None and key.method == "file"           # no desktop keyring here: the 0600 fallback
    values = personal_data(profile / "zongchuang.sqlite3", key.database)
    assert len(values) >= 12                                    # six citizens' names, numbers and addresses
    assert not is_plain_sqlite(profile / "zongchuang.sqlite3")
    for folder in ("attachments", "logs", "backups"):
        if (profile / folder).exists():
            assert files_with(profile / folder, needles(values)) == {}, folder
    database_files = [p for p in profile.glob("zongchuang.sqlite3*")]
    for p in database_files:
        assert files_with(p.parent, needles(values)).get(p.name) is None, p.name
    every = [p for p in profile.rglob("*") if "district" not in p.parts]
    assert every and [str(p) for p in every if not private(p)] == []     # files 0600, folders 0700

    scans = AttachmentStore(profile / "attachments", FileCipher(key.files))
    first = next(scans.files())
    assert first.read_bytes()[:4] == b"ZCE1" and scans.get(first.name)[:2] == b"\xff\xd8"   # a JPEG inside


def test_the_grep_finds_personal_data_in_a_store_that_is_not_encrypted(tmp_path):
    """The check above can fail: the same grep on a plain store finds the citizen."""
    database = tmp_path / "plain.sqlite3"
    store = open_store(database, tmp_path / "att", MIGRATIONS, tmp_path / "backups")
    save_case(store)
    store.close()
    values = personal_data(database, None)
    assert values == sorted([CITIZEN.name, CITIZEN.id_number, CITIZEN.address])
    assert files_with(tmp_path, needles(values))


def test_a_store_from_before_encryption_is_encrypted_in_place_with_a_backup(tmp_path):
    database, attachments, backups = tmp_path / "zongchuang.sqlite3", tmp_path / "att", tmp_path / "backups"
    store = open_store(database, attachments, MIGRATIONS, backups)          # as the previous release left it
    scan = store.attachments.put(b"\xff\xd8 scan of a household register")
    save_case(store)
    store.close()
    old_backup = backups / "zongchuang-20261101-before-0004.sqlite3"       # an older plain backup
    backups.mkdir(exist_ok=True)
    connect_raw(database, None).execute("VACUUM INTO ?", (str(old_backup),))
    values = personal_data(database, None)

    key = open_key(tmp_path / "profile", "file")
    store = open_store(database, attachments, MIGRATIONS, backups, key)
    try:
        assert store.encrypted.database and store.encrypted.backups == 1 and store.encrypted.attachments == 1
        assert store.attachments.get(scan) == b"\xff\xd8 scan of a household register"
        assert [r.case_number for r in store.cases.search(CITIZEN.name)] == ["ZC01-20261124-0001"]
    finally:
        store.close()
    assert files_with(tmp_path, needles(values)) == {}
    made = sorted(backups.glob("*before-encryption*"))
    assert len(made) == 1 and personal_data(made[0], key.database) == values       # the backup opens with the key
    assert personal_data(old_backup, key.database) == values
    check = check_database(database, MIGRATIONS, attachments, key)
    assert check.ok, check


def test_a_database_that_does_not_open_with_this_key_is_refused_and_left_untouched(tmp_path):
    database = tmp_path / "zongchuang.sqlite3"
    mine = open_key(tmp_path / "mine", "file")
    open_store(database, tmp_path / "att", MIGRATIONS, tmp_path / "backups", mine).close()
    before = database.read_bytes()
    other = open_key(tmp_path / "other", "file")
    with pytest.raises(StoreError, match="无法打开"):
        open_store(database, tmp_path / "att", MIGRATIONS, tmp_path / "backups", other)
    assert database.read_bytes() == before
    check = check_database(database, MIGRATIONS, tmp_path / "att", other)
    assert not check.ok and "无法打开" in check.integrity


def test_a_missing_key_beside_encrypted_data_is_an_error_not_a_new_key(tmp_path):
    profile = tmp_path / "profile"
    open_key(profile, "file")
    (profile / KEY_FILE).unlink()
    with pytest.raises(KeyUnavailable, match="数据密钥"):
        open_key(profile, "file", has_data=lambda: True)
    assert not (profile / KEY_FILE).exists()
    (profile / KEY_FILE).write_text("[1, 2]")                       # a damaged key record
    with pytest.raises(KeyUnavailable):
        open_key(profile, "file")


def test_the_key_file_is_readable_by_its_owner_only_and_the_key_is_stable(tmp_path):
    profile = tmp_path / "profile"
    first = open_key(profile, "file")
    assert private(profile / KEY_FILE) and private(profile)
    again = open_key(profile, "auto")                             # the record, not the setting, decides
    assert again.master == first.master and again.database == first.database and again.files != first.files[::-1]
    assert first.database.startswith("x'") and len(first.database) == 67


def test_a_scan_changed_or_moved_onto_another_scan_does_not_open(tmp_path):
    store = AttachmentStore(tmp_path, FileCipher(open_key(tmp_path / "k", "file").files))
    a, b = store.put(b"page one"), store.put(b"page two")
    store.path(b).write_bytes(store.path(a).read_bytes())          # a's sealed bytes under b's name
    with pytest.raises(StoreError, match="无法解密"):
        store.get(b)
    sealed = bytearray(store.path(a).read_bytes())
    sealed[-1] ^= 1
    store.path(a).write_bytes(bytes(sealed))
    with pytest.raises(StoreError, match="无法解密"):
        store.get(a)


def test_db_check_reports_a_plain_database_and_files_others_can_read(tmp_path):
    database = tmp_path / "zongchuang.sqlite3"
    open_store(database, tmp_path / "att", MIGRATIONS, tmp_path / "backups").close()
    os.chmod(database, 0o644)
    check = check_database(database, MIGRATIONS, tmp_path / "att")
    assert not check.ok and not check.encrypted and str(database) in check.exposed


def test_the_engine_on_an_encrypted_file_reads_what_it_wrote(tmp_path):
    key = open_key(tmp_path / "k", "file")
    engine = create_sqlite_engine(tmp_path / "x.sqlite3", key.database)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (name TEXT)"))
        conn.execute(text("INSERT INTO t VALUES ('李秀英')"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM t")).scalar() == "李秀英"
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()
    assert "李秀英".encode() not in (tmp_path / "x.sqlite3").read_bytes()


def test_the_training_profiles_own_printouts_are_sealed_and_open_with_print_open(tmp_path):
    from app.config.paths import Profile
    from app.domain.accounts import Role
    from app.main import build_desk
    from tests.conftest import FAST_HASHER

    home = tmp_path / "home"
    desk = build_desk(Profile.TRAINING, {"ZONGCHUANG_HOME": str(home)}, password_hasher=FAST_HASHER,
                      idcard=None, camera=None)                     # the printer the profile configures
    try:
        clerk = desk.accounts.create("wang", "王小明", Role.CLERK, "clerk-pass-1")
        result = desk.printing.print_daily_report(clerk, "1号窗口")
    finally:
        desk.close()
    sealed = Path(result.output)
    assert sealed.parent == home / "training" / "printouts" and sealed.name.endswith(".pdf.zce")
    assert sealed.read_bytes()[:4] == b"ZCE1" and private(sealed)
    env = {**os.environ, "ZONGCHUANG_HOME": str(home)}
    out = tmp_path / "copy.pdf"
    run = subprocess.run([sys.executable, "-m", "app", "--profile", "training", "print", "open", str(sealed),
                          "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and out.read_bytes()[:5] == b"%PDF-" and private(out)
    other = tmp_path / "other.pdf.zce"
    other.write_bytes(sealed.read_bytes())                         # renamed: its name is part of the seal
    refused = subprocess.run([sys.executable, "-m", "app", "--profile", "training", "print", "open", str(other),
                              "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "不是本工作站" in refused.stderr

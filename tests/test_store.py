"""The local store: migrations with backups, refusal of a newer database, the outbox, attachments."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store.attachments import AttachmentStore
from app.store.database import check_database, open_store
from app.store.engine import connect_raw, create_sqlite_engine
from app.store.errors import DatabaseTooNew, StoreError
from app.store.keys import open_key
from app.store.migrate import head_revision, upgrade_database

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def test_a_database_of_the_first_revision_with_data_upgrades_keeping_it(tmp_path):
    db = tmp_path / "old.sqlite3"
    engine = create_sqlite_engine(db)
    upgrade_database(engine, db, MIGRATIONS, tmp_path / "backups", target="0001")
    case_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO cases (id, case_number, item_code, item_name, state, applicant_name, "
                          "applicant_id_number, catalog_version, clerk, created_at, updated_at, version, snapshot) "
                          "VALUES (:id, 'ZC01-20261124-0001', 'SB003', '社会保障卡申领', 'draft', '张伟明', "
                          "'33010619650312031X', '2026.11.1', 'wang', '2026-11-24T09:00:00+08:00', "
                          "'2026-11-24T09:00:00+08:00', 1, :snap)"), {"id": case_id, "snap": json.dumps({})})
        conn.execute(text("INSERT INTO case_events VALUES (:e, :c, 1, 'case_opened', '{}', 'wang', "
                          "'2026-11-24T09:00:00+08:00', NULL)"), {"e": str(uuid.uuid4()), "c": case_id})
    engine.dispose()

    key = open_key(tmp_path / "profile", "file")
    store = open_store(db, tmp_path / "att", MIGRATIONS, tmp_path / "backups", key)
    try:
        assert store.encrypted.database                           # the plain database was encrypted first
        assert store.migration.before == "0001" and store.migration.after == head_revision(MIGRATIONS) == "0007"
        assert store.migration.backup is not None and store.migration.backup.exists()
        old = connect_raw(store.migration.backup, key.database)   # the backups are encrypted too
        try:
            assert old.execute("SELECT case_number FROM cases").fetchone() == ("ZC01-20261124-0001",)
        finally:
            old.close()
        rows = store.cases.search("张伟明")
        assert [r.case_number for r in rows] == ["ZC01-20261124-0001"]
        assert rows[0].sync_state == "pending"
        assert store.tickets.waiting(rows[0].created_at.date()) == []
        assert store.sync.pending_case_ids() == [case_id]         # an old case waits in the outbox
        assert store.sync.counts()["pending"] == 1 and store.sync.meta() == {}
    finally:
        store.close()
    check = check_database(db, MIGRATIONS, key=key)
    assert check.ok and check.encrypted and check.counts["case_events"] == 1


def test_a_database_newer_than_the_code_is_refused(tmp_path):
    db = tmp_path / "new.sqlite3"
    store = open_store(db, tmp_path / "att", MIGRATIONS, tmp_path / "backups")
    store.close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseTooNew, match="较新版本"):
        open_store(db, tmp_path / "att", MIGRATIONS, tmp_path / "backups")


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    engine = create_sqlite_engine(tmp_path / "x.sqlite3")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2   # FULL


def test_attachments_are_stored_once_by_content_and_verified(tmp_path):
    store = AttachmentStore(tmp_path)
    a = store.put(b"page one")
    assert store.put(b"page one") == a and store.get(a) == b"page one"
    store.path(a).write_bytes(b"tampered")
    with pytest.raises(StoreError, match="损坏"):
        store.get(a)


def test_an_unwritable_attachment_store_gives_a_clerk_message(tmp_path):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StoreError, match="未能保存"):
        AttachmentStore(blocker).put(b"page")

"""The audit log: every view, list and search with the clerk's name, kept as a keyed hash chain that finds
an edited, inserted or deleted row (`zongchuang audit verify`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.engine import connect_raw
from app.store.keys import load_key

ROOT = Path(__file__).resolve().parents[1]


def audit_verify(home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZONGCHUANG_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "app", "--profile", "training", "audit", "verify"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def looked_up(desk, clerk):
    """A clerk who listed, searched, looked a card up, opened the 待补交 and 办不成事 lists."""
    desk.cases.search(clerk)
    desk.cases.search(clerk, "李秀英")
    desk.returns.deferrals(clerk)
    desk.returns.correction_notices(clerk)
    desk.cannot_do.requests(clerk)
    with pytest.raises(Exception, match="没有办件"):
        desk.returns.find(clerk, "ZC01-20261124-0099")
    return desk


def test_every_list_and_search_is_audited_with_the_clerk(looked_up):
    entries = looked_up.store.audit.entries()
    assert [(e.clerk, e.action) for e in reversed(entries)] == [
        ("wang", "list_cases"), ("wang", "search_cases"), ("wang", "list_deferrals"),
        ("wang", "list_correction_notices"), ("wang", "list_cannot_do"), ("wang", "find_case")]
    assert entries[-2].target == "李秀英|" and entries[0].target == "ZC01-20261124-0099"


def tamper(desk, sql: str, *params) -> None:
    key = load_key(desk.paths.data)
    conn = connect_raw(desk.paths.database, key.database)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def test_an_intact_log_verifies_and_the_command_says_so(looked_up):
    check = looked_up.store.audit.verify()
    assert check.ok and check.rows == 6
    run = audit_verify(Path(looked_up.paths.data).parent)
    assert run.returncode == 0 and "审计日志完好：6 条记录" in run.stdout


FORGED = ("INSERT INTO audit_log (id, at, clerk, action, target, prev_hash, hash) "
          "SELECT {id}, at, 'li', 'view_case', 'ZC01-20261124-0001', {prev}, hash FROM audit_log WHERE id = 3")


@pytest.mark.parametrize("statements, broken, words", [
    (["UPDATE audit_log SET clerk = 'li' WHERE id = 3"], 3, "内容被修改"),
    (["DELETE FROM audit_log WHERE id = 2"], 2, "缺失"),
    (["DELETE FROM audit_log WHERE id = 6"], 6, "被删除"),                 # the last row: the head tells
    (["UPDATE audit_log SET id = id + 100 WHERE id >= 4",                  # a row slipped in between
      "UPDATE audit_log SET id = id - 99 WHERE id >= 100",
      FORGED.format(id=4, prev="hash")], 4, "内容被修改"),
    ([FORGED.format(id=7, prev="(SELECT hash FROM audit_log WHERE id = 6)")], 7, "内容被修改"),   # one appended
], ids=["edited", "deleted", "last-deleted", "inserted", "appended"])
def test_an_edited_inserted_or_deleted_row_is_named(looked_up, statements, broken, words):
    looked_up.close()
    for sql in statements:
        tamper(looked_up, sql)
    run = audit_verify(Path(looked_up.paths.data).parent)
    assert run.returncode == 1 and f"第 {broken} 条" in run.stderr and words in run.stderr, run.stderr


def test_rows_from_before_the_chain_are_chained_when_the_store_opens(tmp_path):
    from app.store.database import open_store
    from app.store.keys import open_key

    key = open_key(tmp_path / "profile", "file")
    args = (tmp_path / "z.sqlite3", tmp_path / "att", ROOT / "migrations", tmp_path / "backups", key)
    open_store(*args).close()
    conn = connect_raw(tmp_path / "z.sqlite3", key.database)       # as release 0004 wrote them: no hashes
    conn.executemany("INSERT INTO audit_log (at, clerk, action, target) VALUES (?, 'wang', 'view_case', ?)",
                     [("2026-11-20T09:00:00+08:00", f"ZC01-20261120-000{i}") for i in range(1, 4)])
    conn.commit()
    conn.close()
    store = open_store(*args)
    try:
        assert store.audit.verify().ok and store.audit.verify().rows == 3
    finally:
        store.close()


def test_the_lists_own_refreshes_are_one_entry_until_minutes_pass(desk, clerk, clock):
    from datetime import timedelta

    for _ in range(5):
        desk.cases.search(clerk)
    clock.now += timedelta(minutes=6)
    desk.cases.search(clerk)
    assert [e.action for e in desk.store.audit.entries()] == ["list_cases", "list_cases"]

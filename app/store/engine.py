"""The one place database connections are made: plain SQLite, or SQLCipher with the workstation's key."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from app.i18n import _
from app.store.errors import StoreError
from app.store.files import make_private

log = logging.getLogger(__name__)

_PLAIN_HEADER = b"SQLite format 3\x00"


def _quiet(conn) -> None:
    """SQLCipher writes its own errors (a wrong key, a damaged page) to stderr; they are reported in Chinese."""
    with contextlib.suppress(Exception):
        conn.execute("PRAGMA cipher_log_level = NONE")


def _on_connect(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    # WAL keeps committed transactions through a crash; FULL keeps them through a power cut.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def is_plain_sqlite(path: Path) -> bool:
    """An unencrypted SQLite file (an encrypted one starts with random salt, not the SQLite header)."""
    try:
        with open(path, "rb") as f:
            return f.read(16) == _PLAIN_HEADER
    except OSError:
        return False


def create_sqlite_engine(path: Path, key: str | None = None) -> Engine:
    """An engine on `path`; with `key` (SQLCipher's raw-key form) the file is encrypted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if key is None:
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    else:
        url = URL.create("sqlite+pysqlcipher", password=key, database=str(path))
        # The dialect defaults to one connection per thread; the workers share a pool like plain SQLite.
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=QueuePool)
        event.listen(engine, "do_connect", _quiet_before_key)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "first_connect", lambda *_unused: _private_files(path))
    return engine


def _quiet_before_key(dialect, conn_rec, cargs, cparams):
    conn = dialect.loaded_dbapi.connect(*cargs, **cparams)
    _quiet(conn)
    return conn


def _private_files(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            make_private(p)


def connect_raw(path: Path, key: str | None):
    """A DB-API connection (sqlcipher3), keyed when `key` is given; for backups and the encryption step."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(path))
    _quiet(conn)
    if key is not None:
        conn.execute(f'PRAGMA key="{key}"')
    return conn


def copy_database(source: Path, source_key: str | None, target: Path, target_key: str) -> None:
    """A consistent encrypted copy of a live database (plain or encrypted), fsynced, 0600."""
    target.unlink(missing_ok=True)
    src = connect_raw(source, source_key)
    try:
        src.execute("PRAGMA wal_checkpoint(FULL)")
        src.execute("ATTACH DATABASE ? AS copy KEY ?", (str(target), target_key))
        src.execute("SELECT sqlcipher_export('copy')")
        version = src.execute("PRAGMA user_version").fetchone()[0]
        src.execute(f"PRAGMA copy.user_version = {int(version)}")
        src.execute("DETACH DATABASE copy")
    finally:
        src.close()
    make_private(target)
    with open(target, "rb") as f:
        os.fsync(f.fileno())


def _table_counts(conn) -> dict[str, int]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def encrypt_in_place(path: Path, key: str, backup: Path | None) -> None:
    """Turn a plain database into an encrypted one: an encrypted copy is made and verified (integrity, row
    counts) before it replaces the original; the same copy is kept as `backup`. Fails without touching the
    original."""
    staged = path.with_name(path.name + ".encrypting")
    try:
        copy_database(path, None, staged, key)
        plain = connect_raw(path, None)
        try:
            expected = _table_counts(plain)
        finally:
            plain.close()
        sealed = connect_raw(staged, key)
        try:
            check = sealed.execute("PRAGMA integrity_check").fetchone()[0]
            counts = _table_counts(sealed)
        finally:
            sealed.close()
        if check != "ok" or counts != expected:
            raise StoreError(_("数据库加密校验未通过，原数据库未改动。请联系技术支持（详见日志）。"))
        if backup is not None:
            backup.parent.mkdir(parents=True, exist_ok=True)
            copy_database(staged, key, backup, key)
        os.replace(staged, path)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        log.info("database %s encrypted (%d tables); backup %s", path.name, len(counts), backup)
    except StoreError:
        raise
    except Exception as e:
        log.error("encrypting %s failed: %s: %s", path, type(e).__name__, e)
        raise StoreError(_("数据库加密未能完成，原数据库未改动。请检查磁盘空间后重新启动（详见日志）。")) from e
    finally:
        with contextlib.suppress(OSError):
            staged.unlink(missing_ok=True)


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)

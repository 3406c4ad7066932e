"""Bring the database to the code's schema at start-up: back up first, refuse a newer database."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.store.errors import DatabaseTooNew

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None


def _config(migrations: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    return cfg


def head_revision(migrations: Path) -> str:
    return ScriptDirectory.from_config(_config(migrations)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(database: Path, backups: Path, label: str) -> Path:
    """A consistent copy of a live SQLite database (sqlite3's online backup, WAL included)."""
    backups.mkdir(parents=True, exist_ok=True)
    target = backups / f"{database.stem}-{datetime.now():%Y%m%d-%H%M%S}-{label}.sqlite3"
    src = sqlite3.connect(database)
    try:
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


def upgrade_database(engine: Engine, database: Path, migrations: Path, backups: Path,
                     target: str = "head") -> MigrationResult:
    """Upgrade in-process (works in a frozen build); a timestamped backup precedes any change."""
    cfg = _config(migrations)
    script = ScriptDirectory.from_config(cfg)
    before = current_revision(engine)
    known = {rev.revision for rev in script.walk_revisions()}
    if before is not None and before not in known:
        raise DatabaseTooNew(
            f"数据库由较新版本的综窗创建（结构版本 {before}），本程序无法打开。请升级综窗后再试。")
    wanted = script.get_current_head() if target == "head" else target
    backup = None
    if before != wanted and before is not None:
        backup = backup_sqlite(database, backups, f"before-{wanted}")
        log.info("database backed up to %s before migrating %s -> %s", backup, before, wanted)
    if before != wanted:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, wanted)
    return MigrationResult(before, wanted, backup)

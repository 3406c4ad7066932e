"""Bring the database to the code's schema at start-up: back up first, refuse a newer database.

The revisions are read from the migration files themselves, so an up-to-date database opens
without importing Alembic (about 16 MB of resident memory); Alembic runs only to upgrade.
"""

from __future__ import annotations

import ast
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from app.i18n import _
from app.store.engine import copy_database
from app.store.errors import DatabaseTooNew

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None


def revisions(migrations: Path) -> dict[str, str | None]:
    """Every revision of the migration scripts → the revision it follows."""
    out: dict[str, str | None] = {}
    for script in sorted((migrations / "versions").glob("*.py")):
        values = {}
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id in ("revision", "down_revision"):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
        if "revision" in values:
            out[values["revision"]] = values.get("down_revision")
    return out


def head_revision(migrations: Path) -> str:
    """The one revision no other revision follows."""
    known = revisions(migrations)
    heads = set(known) - set(known.values())
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_path(database: Path, backups: Path, label: str) -> Path:
    return backups / f"{database.stem}-{datetime.now():%Y%m%d-%H%M%S}-{label}.sqlite3"


def backup_sqlite(database: Path, backups: Path, label: str, key: str | None = None) -> Path:
    """A consistent copy of a live SQLite database (WAL included), encrypted with `key` when it has one."""
    backups.mkdir(parents=True, exist_ok=True)
    target = backup_path(database, backups, label)
    if key is not None:
        copy_database(database, key, target, key)
        return target
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
                     target: str = "head", key: str | None = None) -> MigrationResult:
    """Upgrade in-process (works in a frozen build); a timestamped backup precedes any change."""
    before = current_revision(engine)
    if before is not None and before not in revisions(migrations):
        raise DatabaseTooNew(
            _("数据库由较新版本的综窗创建（结构版本 {before}），本程序无法打开。请升级综窗后再试。").format(before=before))
    wanted = head_revision(migrations) if target == "head" else target
    backup = None
    if before != wanted and before is not None:
        backup = backup_sqlite(database, backups, f"before-{wanted}", key)
        log.info("database backed up to %s before migrating %s -> %s", backup, before, wanted)
    if before != wanted:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(migrations))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, wanted)
    return MigrationResult(before, wanted, backup)

"""Opening the workstation's database: engine, migrations, repositories, integrity check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from app.store.attachments import AttachmentStore
from app.store.audit import AuditLog
from app.store.cases import CaseRepository
from app.store.clerks import ClerkRepository
from app.store.engine import create_sqlite_engine, session_factory
from app.store.migrate import MigrationResult, current_revision, head_revision, upgrade_database
from app.store.sync import SyncRepository
from app.store.tickets import TicketRepository


@dataclass
class Store:
    engine: Engine
    cases: CaseRepository
    clerks: ClerkRepository
    tickets: TicketRepository
    audit: AuditLog
    attachments: AttachmentStore
    sync: SyncRepository
    migration: MigrationResult | None = None

    def close(self) -> None:
        self.engine.dispose()


def open_store(database: Path, attachments: Path, migrations: Path, backups: Path) -> Store:
    """Open (and migrate) the local database; raises DatabaseTooNew for a newer schema."""
    engine = create_sqlite_engine(database)
    try:
        result = upgrade_database(engine, database, migrations, backups)
    except Exception:
        engine.dispose()
        raise
    sessions = session_factory(engine)
    return Store(engine, CaseRepository(sessions), ClerkRepository(sessions), TicketRepository(sessions),
                 AuditLog(sessions), AttachmentStore(attachments), SyncRepository(sessions), result)


@dataclass(frozen=True)
class DatabaseCheck:
    integrity: str
    revision: str | None
    head: str
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.revision == self.head


def check_database(database: Path, migrations: Path) -> DatabaseCheck:
    """Integrity check, schema revision and row counts, without migrating anything."""
    engine = create_sqlite_engine(database)
    try:
        with engine.connect() as conn:
            integrity = "; ".join(r[0] for r in conn.execute(text("PRAGMA integrity_check")))
            tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
            counts = {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                      for t in ("cases", "case_events", "clerks", "tickets", "attachments") if t in tables}
        return DatabaseCheck(integrity, current_revision(engine), head_revision(migrations), counts)
    finally:
        engine.dispose()

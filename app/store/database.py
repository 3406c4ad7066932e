"""Opening the workstation's database: engine, migrations, repositories, integrity check."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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
    missing_attachments: list[str] = field(default_factory=list)   # scans the cases refer to that are not on disk

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.revision == self.head and not self.missing_attachments


def check_database(database: Path, migrations: Path, attachments: Path | None = None) -> DatabaseCheck:
    """Integrity check, schema revision, row counts and the scans the cases refer to, without migrating."""
    engine = create_sqlite_engine(database)
    try:
        with engine.connect() as conn:
            integrity = "; ".join(r[0] for r in conn.execute(text("PRAGMA integrity_check")))
            tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
            counts = {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                      for t in ("cases", "case_events", "clerks", "tickets") if t in tables}
            referenced: set[str] = set()
            if "case_events" in tables:
                for (payload,) in conn.execute(text("SELECT payload FROM case_events WHERE type IN "
                                                    "('material_marked', 'material_supplied')")):
                    data = json.loads(payload) if isinstance(payload, str) else payload
                    referenced.update(h for h in (data or {}).get("attachments") or [] if isinstance(h, str))
        missing: list[str] = []
        if attachments is not None:
            store = AttachmentStore(attachments)
            counts["attachments"] = store.count()
            counts["attachments_referenced"] = len(referenced)
            missing = sorted(h for h in referenced if not store.exists(h))
        return DatabaseCheck(integrity, current_revision(engine), head_revision(migrations), counts, missing)
    finally:
        engine.dispose()

"""Opening the workstation's database: encryption, engine, migrations, repositories, integrity check."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError

from app.i18n import N_, _
from app.store.attachments import AttachmentStore
from app.store.audit import AuditLog
from app.store.cases import CaseRepository
from app.store.clerks import ClerkRepository
from app.store.engine import create_sqlite_engine, encrypt_in_place, is_plain_sqlite, session_factory
from app.store.errors import StoreError
from app.store.figures import FiguresRepository
from app.store.files import FileCipher, exposed, make_private
from app.store.keys import WorkstationKey, load_key
from app.store.migrate import MigrationResult, backup_path, current_revision, head_revision, upgrade_database
from app.store.retention import RetentionRepository
from app.store.sync import SyncRepository
from app.store.tickets import TicketRepository
from app.store.training import TrainingRepository

log = logging.getLogger(__name__)

UNREADABLE = (N_("数据库文件无法打开：文件已损坏，或不是用本工作站的数据密钥加密的。数据未作任何改动；"
              "请从 backups 文件夹恢复最近的备份，或联系技术支持。"))


@dataclass(frozen=True)
class Encrypted:
    """What opening the store encrypted that was still in clear (a store from before encryption)."""
    database: bool = False
    backups: int = 0
    attachments: int = 0

    @property
    def anything(self) -> bool:
        return self.database or bool(self.backups or self.attachments)


@dataclass
class Store:
    engine: Engine
    cases: CaseRepository
    clerks: ClerkRepository
    tickets: TicketRepository
    audit: AuditLog
    attachments: AttachmentStore
    sync: SyncRepository
    retention: RetentionRepository
    training: TrainingRepository
    figures: FiguresRepository
    migration: MigrationResult | None = None
    encrypted: Encrypted = field(default_factory=Encrypted)

    def close(self) -> None:
        self.engine.dispose()


def encrypt_existing(database: Path, attachments: AttachmentStore, backups: Path, key: WorkstationKey) -> Encrypted:
    """Encrypt in place what a store from before encryption left in clear: the database (its encrypted copy
    kept as a backup), older backups, and the scans. Each step is atomic, so an interrupted run resumes."""
    db = database.exists() and is_plain_sqlite(database)
    if db:
        encrypt_in_place(database, key.database, backup_path(database, backups, "before-encryption"))
    old_backups = [b for b in sorted(backups.glob("*.sqlite3")) if is_plain_sqlite(b)] if backups.exists() else []
    for b in old_backups:
        encrypt_in_place(b, key.database, None)
    done = Encrypted(db, len(old_backups), attachments.encrypt_existing())
    if done.anything:
        log.info("encrypted what was in clear: database %s, %d backups, %d scans",
                 done.database, done.backups, done.attachments)
    return done


def _private_tree(*roots: Path) -> None:
    for root in roots:
        if root.exists():
            make_private(root)
            for p in root.rglob("*"):
                make_private(p)


def open_store(database: Path, attachments: Path, migrations: Path, backups: Path,
               key: WorkstationKey | None = None) -> Store:
    """Open (and migrate) the local database, encrypted with `key`; raises DatabaseTooNew for a newer schema
    and StoreError for a file that cannot be opened (data left as it is)."""
    files = AttachmentStore(attachments, FileCipher(key.files) if key else None)
    encrypted = Encrypted()
    if key is not None:
        encrypted = encrypt_existing(database, files, backups, key)
        if encrypted.anything:
            _private_tree(database.parent, attachments, backups)
    engine = create_sqlite_engine(database, key.database if key else None)
    try:
        _probe(engine, database)
        result = upgrade_database(engine, database, migrations, backups, key=key.database if key else None)
        sessions = session_factory(engine)
        audit = AuditLog(sessions, key.audit if key else b"")
        audit.chain_existing()
    except DatabaseError as e:          # pages damaged past the header: found by the migration's reads
        engine.dispose()
        log.error("database %s unreadable: %s", database, e.orig if hasattr(e, "orig") else e)
        raise StoreError(_(UNREADABLE)) from e
    except Exception:
        engine.dispose()
        raise
    cases = CaseRepository(sessions)
    cases.fill_figures()
    return Store(engine, cases, ClerkRepository(sessions), TicketRepository(sessions),
                 audit, files, SyncRepository(sessions), RetentionRepository(sessions), TrainingRepository(sessions),
                 FiguresRepository(sessions), result, encrypted)


def _probe(engine: Engine, database: Path) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT COUNT(*) FROM sqlite_master")).scalar_one()
    except DatabaseError as e:
        log.error("database %s unreadable: %s", database, e.orig if hasattr(e, "orig") else e)
        raise StoreError(_(UNREADABLE)) from e


@dataclass(frozen=True)
class DatabaseCheck:
    integrity: str
    revision: str | None
    head: str
    counts: dict[str, int]
    missing_attachments: list[str] = field(default_factory=list)   # scans the cases refer to that are not on disk
    encrypted: bool = False
    key_fingerprint: str | None = None
    plain_attachments: int = 0                                      # scans stored in clear
    exposed: list[str] = field(default_factory=list)                # files other accounts can read

    @property
    def ok(self) -> bool:
        return (self.integrity == "ok" and self.revision == self.head and not self.missing_attachments
                and self.encrypted and not self.plain_attachments and not self.exposed)


def check_database(database: Path, migrations: Path, attachments: Path | None = None,
                   key: WorkstationKey | None = None) -> DatabaseCheck:
    """Integrity (pages and, encrypted, their HMACs), schema revision, row counts, encryption of the database
    and the scans, file permissions and the scans the cases refer to, without migrating or changing anything.
    A damaged or foreign file is reported, not raised."""
    head = head_revision(migrations)
    plain = is_plain_sqlite(database)
    engine = create_sqlite_engine(database, None if plain or key is None else key.database)
    store = AttachmentStore(attachments) if attachments is not None else None
    data_files = [database, *(store.files() if store else [])]
    common = {"encrypted": not plain, "key_fingerprint": key.fingerprint if key else None,
              "plain_attachments": len(store.plain_files()) if store else 0,
              "exposed": [str(p) for p in exposed(data_files)]}
    try:
        with engine.connect() as conn:
            integrity = "; ".join(r[0] for r in conn.execute(text("PRAGMA integrity_check")))
            if not plain:
                cipher_errors = [str(r[0]) for r in conn.execute(text("PRAGMA cipher_integrity_check"))]
                if cipher_errors:
                    integrity = "; ".join([integrity, *cipher_errors[:5]])
            tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
            counts = {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                      for t in ("cases", "case_events", "clerks", "tickets", "audit_log") if t in tables}
            referenced: set[str] = set()
            if "case_events" in tables:
                for (payload,) in conn.execute(text("SELECT payload FROM case_events WHERE type IN "
                                                    "('material_marked', 'material_supplied')")):
                    data = json.loads(payload) if isinstance(payload, str) else payload
                    referenced.update(h for h in (data or {}).get("attachments") or [] if isinstance(h, str))
            revision = current_revision(engine)
    except (DatabaseError, ValueError) as e:
        log.error("db check: %s unreadable: %s", database, e)
        reason = _("没有本工作站的数据密钥") if key is None and not plain else _("文件已损坏或密钥不符")
        return DatabaseCheck(_("无法打开（{reason}）").format(reason=reason), None, head, {}, **common)
    finally:
        engine.dispose()
    missing: list[str] = []
    if store is not None:
        counts["attachments"] = store.count()
        counts["attachments_referenced"] = len(referenced)
        missing = sorted(h for h in referenced if not store.exists(h))
    return DatabaseCheck(integrity, revision, head, counts, missing, **common)


@contextlib.contextmanager
def open_audit(database: Path, data_dir: Path) -> Iterator[AuditLog]:
    """The audit log of an existing database, without migrating it (for `zongchuang audit`)."""
    key = load_key(data_dir)
    plain = is_plain_sqlite(database)
    engine = create_sqlite_engine(database, None if plain or key is None else key.database)
    try:
        _probe(engine, database)
        try:
            with engine.connect() as conn:
                intact = conn.execute(text("PRAGMA quick_check")).scalar() == "ok"
                chained = inspect(conn).has_table("audit_head")
        except DatabaseError as e:
            log.error("database %s unreadable: %s", database, e)
            intact = chained = False
        if not intact:
            raise StoreError(_(UNREADABLE))
        if not chained:
            raise StoreError(_("数据库版本较旧，审计日志尚未加链：请先启动一次综窗（自动升级）后再校验。"))
        yield AuditLog(session_factory(engine), key.audit if key else b"")
    finally:
        engine.dispose()

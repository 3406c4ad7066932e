"""The server's database: SQLite in the data directory by default, PostgreSQL by URL; migrated at start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from district.models import CounterRow

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def create_server_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def sqlite_url(data: Path) -> str:
    return f"sqlite:///{data / 'district.sqlite3'}"


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Bring the schema to `revision` in-process (works in a frozen build); returns the revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            raise RuntimeError("migration did not record a revision")
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def next_value(s: Session, name: str) -> int:
    """A never-decreasing counter, locked until the transaction ends (so values commit in order)."""
    row = s.scalars(select(CounterRow).where(CounterRow.name == name).with_for_update()).first()
    if row is None:
        row = CounterRow(name=name, value=0)
        s.add(row)
    row.value += 1
    s.flush()
    return row.value

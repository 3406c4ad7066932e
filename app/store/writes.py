"""SQLite's write lock, taken at the start of a transaction that reads what it is about to change."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_for_writing(s: Session) -> None:
    """Take SQLite's write lock before reading what is about to change, so no other connection can write
    in between (a no-op UPDATE starts the write transaction; it waits out another writer's)."""
    s.execute(text("UPDATE counters SET value = value WHERE 0"))

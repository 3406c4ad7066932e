"""Local clerk accounts (password hashes only)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from app.domain.accounts import Clerk, Role
from app.store.models import ClerkRow


class ClerkRepository:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def add(self, clerk: Clerk, password_hash: str, at: datetime) -> None:
        with self._sessions.begin() as s:
            s.add(ClerkRow(username=clerk.username, display_name=clerk.display_name, role=clerk.role.value,
                           password_hash=password_hash, must_change_password=clerk.must_change_password,
                           active=True, created_at=at))

    def find(self, username: str) -> tuple[Clerk, str] | None:
        """The active account and its password hash, or None."""
        with self._sessions() as s:
            row = s.get(ClerkRow, username)
            if row is None or not row.active:
                return None
            return Clerk(row.username, row.display_name, Role(row.role), row.must_change_password), row.password_hash

    def lockout(self, username: str) -> tuple[int, datetime | None]:
        """Failed logins in a row and the time the account is locked until (None: not locked)."""
        with self._sessions() as s:
            row = s.get(ClerkRow, username)
            return (row.failed_logins, row.locked_until) if row else (0, None)

    def record_failure(self, username: str, at: datetime, attempts: int, lock_for: timedelta) -> datetime | None:
        """Count a failed login; after `attempts` in a row the account is locked until the returned time."""
        with self._sessions.begin() as s:
            row = s.get(ClerkRow, username)
            if row is None:
                return None
            row.failed_logins += 1
            if row.failed_logins >= attempts:
                row.failed_logins, row.locked_until = 0, at + lock_for
                return row.locked_until
            return None

    def record_success(self, username: str) -> None:
        with self._sessions.begin() as s:
            row = s.get(ClerkRow, username)
            if row is not None and (row.failed_logins or row.locked_until):
                row.failed_logins, row.locked_until = 0, None

    def set_password_hash(self, username: str, password_hash: str, must_change: bool = False) -> None:
        with self._sessions.begin() as s:
            row = s.get(ClerkRow, username)
            row.password_hash, row.must_change_password = password_hash, must_change

    def names(self) -> dict[str, str]:
        """Every account's display name (also of accounts no longer active: old cases name them)."""
        with self._sessions() as s:
            return dict(s.execute(select(ClerkRow.username, ClerkRow.display_name)).all())

    def count(self) -> int:
        with self._sessions() as s:
            return s.scalar(select(func.count()).select_from(ClerkRow)) or 0

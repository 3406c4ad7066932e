"""Audit log: each view of a record and each change, with the clerk's identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.store.models import AuditRow


class AuditLog:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def record(self, clerk: str, action: str, target: str, at: datetime) -> None:
        with self._sessions.begin() as s:
            s.add(AuditRow(at=at, clerk=clerk, action=action, target=target))

    def entries(self, limit: int = 100) -> list[tuple[datetime, str, str, str]]:
        with self._sessions() as s:
            rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)).all()
            return [(r.at, r.clerk, r.action, r.target) for r in rows]

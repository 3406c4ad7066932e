"""Audit log: each view of a record, each list and search, and each change, with the clerk's identity.

The rows form a keyed hash chain: each row's hash is an HMAC (with a key derived from the workstation key)
over the previous row's hash and the row itself, and `audit_head` holds the last row's id and hash. An
edited, inserted or deleted row — at the end of the log too — breaks the chain at that row; forging a
consistent chain needs the workstation key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.i18n import _
from app.store.models import AuditHeadRow, AuditRow
from app.store.writes import lock_for_writing

log = logging.getLogger(__name__)

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    clerk: str
    action: str
    target: str


@dataclass(frozen=True)
class AuditCheck:
    rows: int
    broken_id: int | None = None       # the first row that does not hold
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.reason


class AuditLog:
    def __init__(self, sessions: sessionmaker, key: bytes = b""):
        self._sessions = sessions
        self._key = key

    def _hash(self, prev: str, row_id: int, at: datetime, clerk: str, action: str, target: str) -> str:
        body = json.dumps([row_id, at.isoformat(), clerk, action, target], ensure_ascii=False)
        return hmac.new(self._key, f"{prev}\n{body}".encode(), hashlib.sha256).hexdigest()

    def _append(self, s: Session, clerk: str, action: str, target: str, at: datetime) -> None:
        head = s.get(AuditHeadRow, 1)
        last_id, prev = (head.last_id, head.last_hash) if head else (0, GENESIS)
        row_id = last_id + 1
        digest = self._hash(prev, row_id, at, clerk, action, target)
        s.add(AuditRow(id=row_id, at=at, clerk=clerk, action=action, target=target, prev_hash=prev, hash=digest))
        if head is None:
            s.add(AuditHeadRow(id=1, last_id=row_id, last_hash=digest))
        else:
            head.last_id, head.last_hash = row_id, digest

    def record(self, clerk: str, action: str, target: str, at: datetime) -> None:
        with self._sessions.begin() as s:
            lock_for_writing(s)
            self._append(s, clerk, action, target, at)

    def chain_existing(self) -> int:
        """Chain rows written before the log was chained (a database from an earlier release)."""
        with self._sessions.begin() as s:
            lock_for_writing(s)
            if s.get(AuditHeadRow, 1) is not None:
                return 0
            rows = s.scalars(select(AuditRow).order_by(AuditRow.id)).all()
            if not rows:
                return 0
            prev, new_id = GENESIS, 0
            for r in rows:
                new_id += 1
                if r.id != new_id:
                    s.add(AuditRow(id=new_id, at=r.at, clerk=r.clerk, action=r.action, target=r.target))
                    s.delete(r)
                    s.flush()
                    r = s.get(AuditRow, new_id)
                r.prev_hash, r.hash = prev, self._hash(prev, r.id, r.at, r.clerk, r.action, r.target)
                prev = r.hash
            s.add(AuditHeadRow(id=1, last_id=new_id, last_hash=prev))
            log.info("audit log: %d rows from before the chain chained", len(rows))
            return len(rows)

    def entries(self, limit: int = 100) -> list[AuditEntry]:
        with self._sessions() as s:
            rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)).all()
            return [AuditEntry(r.id, r.at, r.clerk, r.action, r.target) for r in rows]

    def verify(self) -> AuditCheck:
        """Walk the chain from the first row; the first row that does not hold is named."""
        with self._sessions() as s:
            head = s.get(AuditHeadRow, 1)
            prev, expected_id, n = GENESIS, 1, 0
            for r in s.scalars(select(AuditRow).order_by(AuditRow.id)).yield_per(2000):
                n += 1
                if r.id != expected_id:
                    return AuditCheck(n, expected_id, _("第 {expected_id} 条记录缺失（被删除）").format(expected_id=expected_id))
                if r.prev_hash != prev:
                    return AuditCheck(n, r.id, _("第 {id} 条记录与前一条不衔接（有记录被插入或删除）").format(id=r.id))
                if r.hash != self._hash(prev, r.id, r.at, r.clerk, r.action, r.target):
                    return AuditCheck(n, r.id, _("第 {id} 条记录的内容被修改").format(id=r.id))
                prev, expected_id = r.hash, expected_id + 1
            if head is None:
                return AuditCheck(n, 1 if n else None, _("审计日志的链尾记录缺失") if n else "")
            if head.last_id != expected_id - 1 or head.last_hash != prev:
                return AuditCheck(n, expected_id, _("第 {expected_id} 条起的记录被删除（链尾为第 {last_id} 条）").format(
                        expected_id=expected_id, last_id=head.last_id))
            return AuditCheck(n)

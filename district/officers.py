"""Back-office officers: named accounts (argon2), lockout after repeated wrong passwords, sessions with a CSRF
token each, and the audit of what every officer did."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from district.models import BackOfficeAuditRow, OfficerRow, OfficerSessionRow, utcnow
from district.service import Refused, aware

log = logging.getLogger(__name__)

SESSION_HOURS = 8            # one working day
LOCKOUT_ATTEMPTS = 5
LOCKOUT_MINUTES = 15
MIN_PASSWORD = 10


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"密码至少{MIN_PASSWORD}位"
    kinds = sum((any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)))
    if kinds < 2 or len(set(password)) < 4:
        return "密码须包含字母、数字、符号中的至少两种，且不能是重复字符"
    return None


class OfficerService:
    def __init__(self, sessions: sessionmaker[Session], clock=utcnow, hasher: PasswordHasher | None = None):
        self.sessions, self.clock = sessions, clock
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash(secrets.token_urlsafe(12))

    # --- accounts -------------------------------------------------------------------------------

    def add(self, username: str, display_name: str, password: str) -> None:
        username = username.strip()
        if not username or len(username) > 40 or not display_name.strip():
            raise Refused(422, "bad_officer", "用户名和姓名不能为空（用户名不超过40个字符）。")
        problem = password_problem(password)
        if problem:
            raise Refused(422, "weak_password", problem)
        with self.sessions.begin() as s:
            if s.get(OfficerRow, username) is not None:
                raise Refused(409, "officer_exists", f"后台账号 {username} 已存在。")
            s.add(OfficerRow(username=username, display_name=display_name.strip()[:40],
                             password_hash=self.hasher.hash(password), active=True, failed_logins=0,
                             created_at=self.clock()))

    def officers(self) -> list[OfficerRow]:
        with self.sessions() as s:
            return list(s.scalars(select(OfficerRow).order_by(OfficerRow.username)))

    # --- signing in -------------------------------------------------------------------------------

    def login(self, username: str, password: str, address: str = "") -> tuple[str, OfficerSessionRow]:
        """A new session (token, row) for valid credentials; the account locks after repeated failures."""
        now = self.clock()
        with self.sessions.begin() as s:
            officer = s.get(OfficerRow, username.strip()[:40])
            if officer is None or not officer.active:
                self._waste(password)
                raise Refused(401, "back_office_login", "用户名或密码错误。")
            if officer.locked_until is not None and aware(officer.locked_until) > now:
                raise Refused(429, "officer_locked", f"密码连续输错{LOCKOUT_ATTEMPTS}次，账号已锁定至 "
                                                     f"{aware(officer.locked_until).astimezone():%H:%M}，请稍后再试。")
            try:
                self.hasher.verify(officer.password_hash, password)
                failed = False
            except (VerificationError, InvalidHashError):
                failed = True
                officer.failed_logins += 1
                if officer.failed_logins >= LOCKOUT_ATTEMPTS:
                    officer.failed_logins, officer.locked_until = 0, now + timedelta(minutes=LOCKOUT_MINUTES)
                    self._audit(s, officer.username, "locked", None, "", address)
            if failed:          # the count is committed with this transaction; the refusal follows it
                s.commit()
                raise Refused(401, "back_office_login", "用户名或密码错误。")
            officer.failed_logins, officer.locked_until = 0, None
            token = secrets.token_urlsafe(32)
            row = OfficerSessionRow(token_sha256=_sha(token), username=officer.username,
                                    csrf=secrets.token_urlsafe(24), created_at=now,
                                    expires_at=now + timedelta(hours=SESSION_HOURS))
            s.add(row)
            s.execute(delete(OfficerSessionRow).where(OfficerSessionRow.expires_at < now))
            self._audit(s, officer.username, "login", None, "", address)
        return token, row

    def _waste(self, password: str) -> None:
        """Cost as much as a real check, so a missing account cannot be told from a wrong password."""
        try:
            self.hasher.verify(self._dummy, password)
        except (VerificationError, InvalidHashError):
            pass

    def session(self, token: str) -> tuple[OfficerRow, OfficerSessionRow]:
        now = self.clock()
        with self.sessions() as s:
            row = s.get(OfficerSessionRow, _sha(token)) if token else None
            officer = s.get(OfficerRow, row.username) if row is not None else None
            if row is None or officer is None or not officer.active or aware(row.expires_at) < now:
                raise Refused(401, "back_office_login", "请先登录后台（会话不存在或已过期）。")
            return officer, row

    def logout(self, token: str) -> None:
        with self.sessions.begin() as s:
            s.execute(delete(OfficerSessionRow).where(OfficerSessionRow.token_sha256 == _sha(token)))

    # --- audit ----------------------------------------------------------------------------------

    def _audit(self, s: Session, officer: str, action: str, case_id: str | None, detail: str, address: str) -> None:
        s.add(BackOfficeAuditRow(at=self.clock(), officer=officer, action=action, case_id=case_id,
                                 detail=detail[:500], address=address[:64]))

    def audit(self, officer: str, action: str, case_id: str | None = None, detail: str = "",
              address: str = "") -> None:
        with self.sessions.begin() as s:
            self._audit(s, officer, action, case_id, detail, address)

    def audit_entries(self, limit: int = 200) -> list[BackOfficeAuditRow]:
        with self.sessions() as s:
            return list(s.scalars(select(BackOfficeAuditRow).order_by(BackOfficeAuditRow.id.desc()).limit(limit)))

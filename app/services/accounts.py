"""Local clerk accounts: login, the first administrator, password changes (argon2)."""

from __future__ import annotations

import logging
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.domain.accounts import Clerk, Role
from app.domain.errors import DomainError
from app.domain.passwords import generate_password, password_problem
from app.i18n import _
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.audit import AuditLog
from app.store.clerks import ClerkRepository

log = logging.getLogger(__name__)


class AuthError(DomainError):
    pass


class AccountService:
    def __init__(self, clerks: ClerkRepository, clock: Clock, workers: Workers, hasher: PasswordHasher | None = None,
                 *, audit: AuditLog | None = None, lockout_attempts: int = 5, lockout_minutes: int = 15):
        self.workers = workers
        self._clerks = clerks
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        self._audit = audit
        self.lockout_attempts, self.lockout_minutes = max(1, lockout_attempts), max(1, lockout_minutes)

    @runs_on("cpu")
    def login(self, username: str, password: str) -> Clerk:
        """The clerk for valid credentials; AuthError otherwise (slow on purpose: run it off the GUI thread).
        After `lockout_attempts` wrong passwords in a row the account is locked for `lockout_minutes`."""
        username = username.strip()
        found = self._clerks.find(username)
        if found is None:
            self._hasher.hash(password)   # same cost whether or not the account exists
            raise AuthError(_("用户名或密码错误"))
        clerk, stored = found
        _unused, locked_until = self._clerks.lockout(username)
        now = self._clock()
        if locked_until is not None and locked_until > now:
            raise AuthError(_("密码连续输错{lockout_attempts}次，账号已锁定至 {locked_until:%H:%M}；请稍后再试，或请管理员解锁").format(
                    lockout_attempts=self.lockout_attempts, locked_until=locked_until))
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            self._failed(username)
            raise AuthError(_("用户名或密码错误")) from None
        self._succeeded(username)
        return clerk

    @runs_on("db")
    def _failed(self, username: str) -> None:
        now = self._clock()
        until = self._clerks.record_failure(username, now, self.lockout_attempts,
                                            timedelta(minutes=self.lockout_minutes))
        log.info("failed login for %s", username)
        if until is not None:
            log.warning("account %s locked until %s after %d failed logins", username, until, self.lockout_attempts)
            if self._audit:
                self._audit.record(username, "account_locked", f"until {until.isoformat()}", now)

    @runs_on("db")
    def _succeeded(self, username: str) -> None:
        self._clerks.record_success(username)

    @runs_on("db")
    def lock_session(self, clerk: Clerk, reason: str = "idle") -> None:
        """The desk hid the citizen's data (idle, or the clerk stepped away); audited."""
        if self._audit:
            self._audit.record(clerk.username, "session_locked", reason, self._clock())

    @runs_on("cpu")
    def unlock_session(self, clerk: Clerk, password: str) -> Clerk:
        """Only the clerk whose session it is unlocks it, with their password (wrong ones count to the lockout)."""
        unlocked = self.login(clerk.username, password)
        if self._audit:
            self._record_unlock(unlocked)
        return unlocked

    @runs_on("db")
    def _record_unlock(self, clerk: Clerk) -> None:
        self._audit.record(clerk.username, "session_unlocked", "", self._clock())

    @runs_on("db")
    def unlock(self, username: str, by: str = "admin") -> None:
        """An administrator lifts a lockout (`zongchuang clerk unlock`)."""
        if self._clerks.find(username) is None:
            raise DomainError(_("没有账号 {username}").format(username=username))
        self._clerks.record_success(username)
        if self._audit:
            self._audit.record(by, "account_unlocked", username, self._clock())

    @runs_on("cpu")
    def login_supervisor(self, username: str, password: str) -> Clerk:
        """A supervisor's own login at this desk (approvals: refusals, handouts to someone else)."""
        clerk = self.login(username, password)
        if not clerk.can_approve_refusal:
            raise AuthError(_("{display_name}（{label}）无权审批不予受理，请值班负责人登录").format(
                    display_name=clerk.display_name, label=clerk.role.label))
        return clerk

    @runs_on("db")
    def create(self, username: str, display_name: str, role: Role, password: str,
               must_change: bool = False) -> Clerk:
        problem = None if must_change else password_problem(password, username)
        if problem:
            raise DomainError(problem)
        if self._clerks.find(username) is not None:
            raise DomainError(_("用户名 {username} 已存在").format(username=username))
        clerk = Clerk(username, display_name, role, must_change)
        self._clerks.add(clerk, self._hasher.hash(password), self._clock())
        return clerk

    @runs_on("cpu")
    def sign_in(self, username: str, password: str, new_password: str = "") -> Clerk:
        """Login at the desk; an account with a one-time password changes it when a new one is given."""
        clerk = self.login(username, password)
        if clerk.must_change_password and new_password:
            clerk = self.change_password(clerk, password, new_password)
        return clerk

    @runs_on("cpu")
    def change_password(self, clerk: Clerk, old: str, new: str) -> Clerk:
        self.login(clerk.username, old)
        problem = password_problem(new, clerk.username)
        if problem:
            raise DomainError(_("新") + problem)
        if new == old:
            raise DomainError(_("新密码不能与旧密码相同"))
        self._store_hash(clerk.username, self._hasher.hash(new))
        return Clerk(clerk.username, clerk.display_name, clerk.role, False)

    @runs_on("db")
    def _store_hash(self, username: str, password_hash: str) -> None:
        self._clerks.set_password_hash(username, password_hash)

    @runs_on("read")
    def has_accounts(self) -> bool:
        return bool(self._clerks.count())

    @runs_on("db")
    def ensure_first_admin(self) -> str | None:
        """On an empty account table, create `admin` with a one-time password and return it."""
        if self._clerks.count():
            return None
        password = generate_password(12)
        self.create("admin", "管理员", Role.ADMIN, password, must_change=True)  # i18n: data (printed as 经办人)
        return password

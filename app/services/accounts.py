"""Local clerk accounts: login, the first administrator, password changes (argon2)."""

from __future__ import annotations

import logging
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.domain.accounts import Clerk, Role
from app.domain.errors import DomainError
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.clerks import ClerkRepository

log = logging.getLogger(__name__)


class AuthError(DomainError):
    pass


class AccountService:
    def __init__(self, clerks: ClerkRepository, clock: Clock, workers: Workers, hasher: PasswordHasher | None = None):
        self.workers = workers
        self._clerks = clerks
        self._clock = clock
        self._hasher = hasher or PasswordHasher()

    @runs_on("cpu")
    def login(self, username: str, password: str) -> Clerk:
        """The clerk for valid credentials; AuthError otherwise (slow on purpose: run it off the GUI thread)."""
        found = self._clerks.find(username.strip())
        if found is None:
            self._hasher.hash(password)   # same cost whether or not the account exists
            raise AuthError("用户名或密码错误")
        clerk, stored = found
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            log.info("failed login for %s", username)
            raise AuthError("用户名或密码错误") from None
        return clerk

    @runs_on("cpu")
    def login_supervisor(self, username: str, password: str) -> Clerk:
        """A supervisor's own login at this desk (approvals: refusals, handouts to someone else)."""
        clerk = self.login(username, password)
        if not clerk.can_approve_refusal:
            raise AuthError(f"{clerk.display_name}（{clerk.role.label}）无权审批不予受理，请值班负责人登录")
        return clerk

    @runs_on("db")
    def create(self, username: str, display_name: str, role: Role, password: str,
               must_change: bool = False) -> Clerk:
        if len(password) < 8:
            raise DomainError("密码至少8位")
        if self._clerks.find(username) is not None:
            raise DomainError(f"用户名 {username} 已存在")
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
        if len(new) < 8:
            raise DomainError("新密码至少8位")
        if new == old:
            raise DomainError("新密码不能与旧密码相同")
        self._store_hash(clerk.username, self._hasher.hash(new))
        return Clerk(clerk.username, clerk.display_name, clerk.role, False)

    @runs_on("db")
    def _store_hash(self, username: str, password_hash: str) -> None:
        self._clerks.set_password_hash(username, password_hash)

    @runs_on("db")
    def ensure_first_admin(self) -> str | None:
        """On an empty account table, create `admin` with a one-time password and return it."""
        if self._clerks.count():
            return None
        password = secrets.token_urlsafe(9)
        self.create("admin", "管理员", Role.ADMIN, password, must_change=True)
        return password

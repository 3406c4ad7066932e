"""Accounts: a lockout after repeated wrong passwords, a password policy, an administrator's unlock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.accounts import Role
from app.domain.errors import DomainError
from app.domain.passwords import password_problem
from app.services.accounts import AuthError


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(desk, clerk, clock):
    for _ in range(30):
        with pytest.raises(AuthError):
            desk.accounts.login("wang", "guess-" + "x" * 6)
    with pytest.raises(AuthError, match="已锁定"):
        desk.accounts.login("wang", "clerk-pass-1")
    assert "account_locked" in [e.action for e in desk.store.audit.entries()]


def test_the_fifth_wrong_password_locks_for_the_configured_time_then_it_opens(desk, clerk, clock):
    for _ in range(4):
        with pytest.raises(AuthError, match="用户名或密码错误"):
            desk.accounts.login("wang", "wrong-pass-1")
    assert desk.accounts.login("wang", "clerk-pass-1").username == "wang"   # four misses: still open, reset
    for _ in range(5):
        with pytest.raises(AuthError):
            desk.accounts.login("wang", "wrong-pass-1")
    with pytest.raises(AuthError, match=f"锁定至 {(clock() + timedelta(minutes=15)):%H:%M}"):
        desk.accounts.login("wang", "clerk-pass-1")
    clock.now += timedelta(minutes=14)
    with pytest.raises(AuthError, match="已锁定"):
        desk.accounts.login("wang", "clerk-pass-1")
    clock.now += timedelta(minutes=2)
    assert desk.accounts.login("wang", "clerk-pass-1").username == "wang"


def test_an_administrator_unlocks_an_account(desk, clerk):
    for _ in range(5):
        with pytest.raises(AuthError):
            desk.accounts.login("wang", "wrong-pass-1")
    desk.accounts.unlock("wang", by="admin")
    assert desk.accounts.login("wang", "clerk-pass-1").username == "wang"
    assert [e.action for e in desk.store.audit.entries()][:2] == ["account_unlocked", "account_locked"]


@pytest.mark.parametrize("password, reason", [
    ("short-1", "至少10位"), ("abcdefghijkl", "至少两种"), ("woaini1314!", "常见"), ("Password123", "常见"),
    ("1234567890ab", "常见"), ("qwertyuiop9", "常见"), ("wang-window-1", "用户名"),
])
def test_weak_passwords_are_refused_with_the_reason(desk, password, reason):
    assert reason in password_problem(password, "wang")
    with pytest.raises(DomainError, match=reason):
        desk.accounts.create("wang", "王小明", Role.CLERK, password)


def test_a_new_password_follows_the_policy_too(desk, clerk):
    with pytest.raises(DomainError, match="新密码过于常见"):
        desk.accounts.change_password(clerk, "clerk-pass-1", "a123456789")
    assert desk.accounts.change_password(clerk, "clerk-pass-1", "desk-7-evening").username == "wang"

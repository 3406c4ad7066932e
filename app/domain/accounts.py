"""Clerk accounts and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.i18n import _


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"clerk": _("窗口人员"), "supervisor": _("值班负责人"), "trainer": _("培训员"), "admin": _("管理员")}[self.value]


@dataclass(frozen=True)
class Clerk:
    username: str
    display_name: str
    role: Role
    must_change_password: bool = False

    @property
    def can_approve_refusal(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def can_manage_accounts(self) -> bool:
        return self.role is Role.ADMIN

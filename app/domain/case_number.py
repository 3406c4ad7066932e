"""Case numbers (办件编号): workstation prefix + date + daily sequence, e.g. ZC01-20261124-0007."""

from __future__ import annotations

import re
from datetime import date

from app.domain.errors import DomainError
from app.i18n import _

_PREFIX = re.compile(r"^[A-Z0-9]{2,12}$")
_NUMBER = re.compile(r"^(?P<prefix>[A-Z0-9]{2,12})-(?P<day>\d{8})-(?P<seq>\d{4,})$")


def format_case_number(prefix: str, day: date, sequence: int) -> str:
    """A readable case number; uniqueness comes from the store's never-decreasing sequence."""
    if not _PREFIX.match(prefix):
        raise DomainError(_("窗口编号前缀“{prefix}”无效：只能是2到12位大写字母或数字").format(prefix=prefix))
    if sequence < 1:
        raise DomainError(_("办件序号必须从1开始"))
    return f"{prefix}-{day:%Y%m%d}-{sequence:04d}"


def parse_case_number(number: str) -> tuple[str, date, int] | None:
    """Split a case number into (prefix, day, sequence), or None when it is not one."""
    m = _NUMBER.match(number.strip().upper())
    if not m:
        return None
    d = m["day"]
    try:
        day = date(int(d[:4]), int(d[4:6]), int(d[6:]))
    except ValueError:
        return None
    return m["prefix"], day, int(m["seq"])

"""Queue tickets (叫号): a prefix per service category, numbered per day, green channel first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    DONE = "done"
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class Ticket:
    id: str
    number: str              # e.g. A007
    category: str
    priority: bool           # 绿色通道: elderly, disabled, pregnant
    state: TicketState
    taken_at: datetime
    called_at: datetime | None = None
    window: str | None = None


def ticket_number(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:03d}"


def next_to_call(waiting: list[Ticket]) -> Ticket | None:
    """Green-channel tickets first, then first come, first served."""
    if not waiting:
        return None
    return min(waiting, key=lambda t: (not t.priority, t.taken_at))

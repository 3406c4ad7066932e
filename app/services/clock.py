"""Time as a collaborator, so tests and training scenarios can fix it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

Clock = Callable[[], datetime]


class Calendar(Protocol):
    def add_working_days(self, start, n: int): ...


def system_clock() -> datetime:
    return datetime.now().astimezone()


class TrainingClock:
    """The training profile's time: the real time, moved forward by whole working days when a scenario
    says that time has passed (a deadline running out, a result coming back)."""

    def __init__(self, base: Clock = system_clock):
        self._base, self._offset = base, timedelta(0)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return self._base() + self._offset

    def advance(self, working_days: int, calendar: Calendar) -> datetime:
        """Move to the same time of day `working_days` working days later."""
        with self._lock:
            now = self()
            target = calendar.add_working_days(now.date(), working_days).day
            self._offset += timedelta(days=(target - now.date()).days)
        return self()

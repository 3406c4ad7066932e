"""Working days at the district: the official calendar (chinesecalendar) amended by the calendar the district
publishes (data/calendar.json); beyond both, Monday to Friday. Deadlines such as a 差评's 回访 and 整改 count them."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

log = logging.getLogger(__name__)


class Workdays:
    def __init__(self, calendar_file: Path | None = None):
        self._file = calendar_file
        self._overrides: dict[date, bool] = {}
        self._stamp: float | None = None

    def _load(self) -> None:
        """The published calendar, read again whenever the file changes (the district edits it once a year)."""
        if self._file is None:
            return
        try:
            stamp = self._file.stat().st_mtime
        except OSError:
            self._overrides, self._stamp = {}, None
            return
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            days = json.loads(self._file.read_text(encoding="utf-8")).get("days", {})
            self._overrides = {date.fromisoformat(d): kind == "workday" for d, kind in days.items()}
        except (OSError, ValueError, AttributeError, TypeError) as e:
            log.error("calendar %s unreadable (%s); counting official holidays only", self._file, e)
            self._overrides = {}

    def working(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def add(self, start: date, n: int) -> date:
        """The day `n` working days after `start` (`start` itself not counted)."""
        self._load()
        day, left = start, n
        while left > 0:
            day += timedelta(days=1)
            if self.working(day):
                left -= 1
        return day

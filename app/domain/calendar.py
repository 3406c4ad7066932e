"""Working-day calendar: promised completion dates counted in working days.

Official holidays come from chinesecalendar, amended by an override table shipped with the catalogue
(and later pulled from the district). Beyond what either knows, Monday–Friday is assumed and the
result is flagged provisional so the clerk and the printout can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class DueDate:
    day: date
    provisional: bool  # some day counted lies beyond the official calendar (Mon–Fri assumed)


class WorkingDayCalendar:
    """Answers whether a day is a working day and counts N working days forward."""

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        # overrides: day -> True (working day, e.g. 调休 Saturday) / False (holiday)
        self._overrides = dict(overrides or {})

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(is it a working day, is the answer known officially)."""
        if day in self._overrides:
            return self._overrides[day], True
        try:
            return chinese_calendar.is_workday(day), True
        except NotImplementedError:
            return day.weekday() < 5, False

    def add_working_days(self, start: date, n: int) -> DueDate:
        """The date N working days after `start` (start itself not counted); N=0 is `start`."""
        day, provisional, left = start, False, n
        while left > 0:
            day += timedelta(days=1)
            working, known = self.is_working_day(day)
            provisional = provisional or not known
            if working:
                left -= 1
        return DueDate(day, provisional)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end` (0 when `end` is not later)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day)[0]:
                count += 1
        return count

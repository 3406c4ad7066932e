"""The statistics projection: one row of facts per case, written in the transaction that stores its events, and
the tallies of a period read from it by SQL — one scan of the narrow table per grouping, summing what each case
contributes (worked out by the domain when the row is written), the waiting and handling times handed over for
the averages and percentiles."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from app.domain.case import Case
from app.domain.statistics import CONTRIBUTED, COUNTS, BadRating, CaseFacts, Refusal, Tally, facts_of
from app.i18n import _
from app.store.models import FIGURE_GROUPS, CaseFiguresRow

_COLUMNS = ("case_number", "item_code", "item_name", "clerk", "channel", "day", "outcome", "instant",
            "deferred_deadline", "deferred_done_day", "terminated", "refusal_reason", "promised_date", "decided_day",
            "wait_s", "handling_s", "rating", "rating_tags", "rating_comment")

_COUNT_SQL = {k: f"SUM(n_{k})" for k in CONTRIBUTED} | {"overdue": "SUM(overdue_late) + SUM(overdue_due < :today)"}


def write_figures(s: Session, case: Case) -> None:
    """Put the case's row of facts in line with its projection (inside the caller's transaction)."""
    facts = facts_of(case)
    values = {c: getattr(facts, c) for c in _COLUMNS}
    values["rating_tags"] = _("、").join(facts.rating_tags)
    values.update({f"n_{k}": v for k, v in facts.contribution().items()})
    values["overdue_late"], values["overdue_due"] = facts.overdue_parts()
    values["overdue_late"] = int(values["overdue_late"])
    row = s.get(CaseFiguresRow, case.id)
    if row is None:
        s.add(CaseFiguresRow(case_id=case.id, **values))
        return
    for key, value in values.items():
        setattr(row, key, value)


def _ints(joined: str | None) -> list[int]:
    return [int(v) for v in joined.split(",")] if joined else []


class FiguresRepository:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def tallies(self, grouping: str, start: date, end: date, today: date) -> dict[str, Tally]:
        """The tally of each value of the grouping's column, over the cases opened from `start` to `end`."""
        column = FIGURE_GROUPS[grouping]       # agency is told from the item, a clerk's name from the account
        counts = ", ".join(f"{_COUNT_SQL[name]} AS {name}" for name in COUNTS)
        sql = text(f"SELECT {column}, {counts}, "
                   f"GROUP_CONCAT(CASE WHEN n_cases THEN wait_s END), "
                   f"GROUP_CONCAT(CASE WHEN n_cases THEN handling_s END) "
                   f"FROM case_figures INDEXED BY ix_case_figures_by_{grouping} "
                   f"WHERE day >= :start AND day <= :end GROUP BY {column}")
        out: dict[str, Tally] = {}
        with self._sessions() as s:
            for row in s.execute(sql, {"start": start.isoformat(), "end": end.isoformat(),
                                       "today": today.isoformat()}):
                out[str(row[0])] = Tally(dict(zip(COUNTS, (int(v or 0) for v in row[1:-2]), strict=True)),
                                         _ints(row[-2]), _ints(row[-1]))
        return out

    def refusals(self, start: date, end: date) -> list[Refusal]:
        with self._sessions() as s:
            rows = s.execute(text("SELECT case_number, item_name, refusal_reason FROM case_figures "
                                  "WHERE outcome = 'refused' AND +day >= :start AND +day <= :end ORDER BY case_number"),
                             {"start": start.isoformat(), "end": end.isoformat()}).all()
        return [Refusal(*r) for r in rows]

    def bad_ratings(self, start: date, end: date) -> list[BadRating]:
        """差评 of the period (the clerk by account name)."""
        with self._sessions() as s:
            # (+day: the few 差评 are found by their rating's index, then kept to the period)
            rows = s.execute(text("SELECT case_number, item_name, clerk, rating, rating_tags, rating_comment "
                                  "FROM case_figures WHERE rating <= 2 AND n_cases = 1 AND +day >= :start "
                                  "AND +day <= :end ORDER BY case_number"),
                             {"start": start.isoformat(), "end": end.isoformat()}).all()
        return [BadRating(r[0], r[1], r[2], r[3], tuple(r[4].split("、")) if r[4] else (), r[5]) for r in rows]

    def facts(self, start: date, end: date) -> list[CaseFacts]:
        """The rows themselves (for checking the projection against the events)."""
        with self._sessions() as s:
            rows = s.execute(select(CaseFiguresRow.case_id, *[getattr(CaseFiguresRow, c) for c in _COLUMNS])
                             .where(CaseFiguresRow.day >= start, CaseFiguresRow.day <= end)).all()
        out = []
        for r in rows:
            facts = CaseFacts(r[0], *r[1:])
            facts.rating_tags = tuple(facts.rating_tags.split("、")) if facts.rating_tags else ()
            out.append(facts)
        return out

    def cannot_do(self, start: date, end: date) -> tuple[int, int]:
        """办不成事 registered in the period, and how many of them were resolved."""
        with self._sessions() as s:
            rows = s.execute(text("SELECT state, COUNT(*) FROM cases WHERE kind = 'cannot_do' AND created_at >= :start "
                                  "AND created_at < :after GROUP BY state"),
                             {"start": start.isoformat(), "after": date.fromordinal(end.toordinal() + 1).isoformat()})
            counts = dict(rows.all())
        return sum(counts.values()), counts.get("resolved", 0)

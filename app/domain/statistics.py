"""统计: the figures a centre reports — 办件量, 即办率, 容缺 and how much came in on time, refusals with reasons,
办不成事, overdue cases, waiting and handling times, satisfaction — from one row of facts per case (the projection
the store keeps beside the events), never by replaying cases."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.case import Case, CaseState, Channel
from app.i18n import N_, _

CHANNEL_LABELS = {"window": N_("窗口受理"), "home_visit": N_("上门办"), "assisted": N_("帮办代办")}
GROUPINGS = {"day": N_("按日"), "item": N_("按事项"), "agency": N_("按部门"), "clerk": N_("按窗口人员"), "channel": N_("按渠道")}

# outcome of a case at the window
ACCEPTED, DEFERRED, CORRECTION, REFUSED, WITHDRAWN, OPEN = (
    "accepted", "accepted_deferred", "correction", "refused", "withdrawn", "open")
HANDLED = (ACCEPTED, DEFERRED, CORRECTION, REFUSED)


@dataclass(slots=True)
class CaseFacts:
    """What the figures need of one case; a row of the store's statistics projection. Days are the
    workstation's calendar days (in the time zone the case was opened in)."""

    case_id: str
    case_number: str
    item_code: str
    item_name: str
    clerk: str
    channel: str
    day: date
    outcome: str
    instant: bool
    deferred_deadline: date | None = None
    deferred_done_day: date | None = None
    terminated: bool = False
    refusal_reason: str = ""
    promised_date: date | None = None
    decided_day: date | None = None
    wait_s: int | None = None
    handling_s: int | None = None
    rating: int | None = None
    rating_tags: tuple[str, ...] = ()
    rating_comment: str = ""

    @property
    def handled(self) -> bool:
        return self.outcome in HANDLED

    def overdue_parts(self) -> tuple[bool, date | None]:
        """(decided after its promised date, the promised date it is still undecided against): an accepted case,
        not a 即办件 (done on the spot), not terminated."""
        if (self.outcome not in (ACCEPTED, DEFERRED) or self.instant or self.promised_date is None
                or self.terminated):
            return False, None
        if self.decided_day is not None:
            return self.decided_day > self.promised_date, None
        return False, self.promised_date

    def overdue(self, today: date) -> bool:
        late, due = self.overdue_parts()
        return late or (due is not None and today > due)

    def contribution(self) -> dict[str, int]:
        """What this case adds to each count but 超期 (which depends on the day it is asked): the figures'
        definitions, kept as whole numbers in the store's projection so a period is summed, not re-derived."""
        o, handled = self.outcome, self.handled
        rated = handled and self.rating is not None
        return {
            "cases": int(handled), "accepted": int(o in (ACCEPTED, DEFERRED)), "instant": int(handled and self.instant),
            "deferred": int(o == DEFERRED),
            "deferred_on_time": int(o == DEFERRED and self.deferred_done_day is not None
                                    and self.deferred_done_day <= self.deferred_deadline),
            "corrections": int(o == CORRECTION), "refusals": int(o == REFUSED), "withdrawn": int(o == WITHDRAWN),
            "terminated": int(handled and self.terminated), "ratings": int(rated),
            "satisfied": int(rated and self.rating >= 3), "bad_ratings": int(rated and self.rating <= 2)}


def _outcome(case: Case) -> str:
    if case.state is CaseState.REFUSED:
        return REFUSED
    if case.state is CaseState.WITHDRAWN:
        return WITHDRAWN
    if case.accepted_at is not None:
        return DEFERRED if case.deferred_deadline is not None else ACCEPTED
    if case.correction_notified_at is not None:
        return CORRECTION
    return OPEN


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return int((end - start).total_seconds())


def facts_of(case: Case) -> CaseFacts:
    """The statistics row of a case, from its projection."""
    outcome = _outcome(case)
    if case.channel is Channel.HOME_VISIT:
        channel = "home_visit"
    elif case.cannot_do_id:
        channel = "assisted"          # opened for a 办不成事 the centre coordinated (帮办代办)
    else:
        channel = "window"
    window_done = case.accepted_at or case.correction_notified_at
    if window_done is None and case.refusal and case.refusal.get("requested_at"):
        window_done = datetime.fromisoformat(case.refusal["requested_at"])
    rating = case.rating.rating if case.rating else None
    zone = case.created_at.tzinfo

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(zone).date() if moment else None

    return CaseFacts(
        case_id=case.id, case_number=case.case_number, item_code=case.item_code, item_name=case.item_name,
        clerk=case.clerk, channel=channel, day=case.created_at.date(), outcome=outcome,
        instant=case.instant and outcome == ACCEPTED, deferred_deadline=case.deferred_deadline,
        deferred_done_day=day(case.deferred_done_at), terminated=case.state is CaseState.TERMINATED,
        refusal_reason=(case.refusal or {}).get("reason", "") if outcome == REFUSED else "",
        promised_date=case.promised_date, decided_day=day(case.decided_at),
        wait_s=_seconds(case.ticket_taken_at, case.ticket_called_at),
        handling_s=_seconds(case.ticket_called_at or case.created_at, window_done) if outcome != OPEN else None,
        rating=int(rating.level) if rating else None, rating_tags=tuple(rating.tags) if rating else (),
        rating_comment=rating.comment if rating else "")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0–100)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _minutes(seconds: list[int]) -> tuple[float | None, float | None]:
    if not seconds:
        return None, None
    return round(sum(seconds) / len(seconds) / 60, 1), round(percentile(seconds, 90) / 60, 1)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class Figures:
    cases: int                        # 办件量: handled at the window (accepted, 容缺, 补正告知, 不予受理)
    accepted: int
    instant: int                      # 即办件 accepted
    deferred: int                     # 容缺受理
    deferred_on_time: int             # … whose deferred materials all came in by the deadline
    corrections: int
    refusals: int
    withdrawn: int
    terminated: int
    overdue: int
    wait_avg_min: float | None
    wait_p90_min: float | None
    handling_avg_min: float | None
    handling_p90_min: float | None
    ratings: int
    satisfied: int                    # 非常满意 + 满意 + 基本满意
    bad_ratings: int                  # 不满意 + 非常不满意
    cannot_do_registered: int = 0
    cannot_do_resolved: int = 0

    @property
    def instant_rate(self) -> float | None:
        return _rate(self.instant, self.cases)

    @property
    def deferred_on_time_rate(self) -> float | None:
        return _rate(self.deferred_on_time, self.deferred)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.ratings)

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in FIGURE_LABELS}


# Every figure with its Chinese label, in the order reports show them (the JSON keys of `zongchuang stats`).
FIGURE_LABELS: dict[str, str] = {
    "cases": N_("办件量"), "accepted": N_("受理"), "instant": N_("即办件"), "instant_rate": N_("即办率"), "deferred": N_("容缺受理"),
    "deferred_on_time": N_("容缺按期补齐"), "deferred_on_time_rate": N_("容缺按期补齐率"), "corrections": N_("一次性告知"),
    "refusals": N_("不予受理"), "withdrawn": N_("撤回"), "terminated": N_("终止办理"), "overdue": N_("超期办件"),
    "wait_avg_min": N_("平均等候（分钟）"), "wait_p90_min": N_("90%等候不超过（分钟）"), "handling_avg_min": N_("平均办理（分钟）"),
    "handling_p90_min": N_("90%办理不超过（分钟）"), "ratings": N_("评价数"), "satisfied": N_("满意评价"),
    "bad_ratings": N_("差评"), "satisfaction_rate": N_("满意率"), "cannot_do_registered": N_("办不成事登记"),
    "cannot_do_resolved": N_("办不成事办结"),
}
RATES = ("instant_rate", "deferred_on_time_rate", "satisfaction_rate")


def shown(key: str, value) -> str:
    """A figure as reports and screens show it: rates in per cent, minutes with one decimal, nothing as —."""
    if value is None:
        return "—"
    if key in RATES:
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


COUNTS = ("cases", "accepted", "instant", "deferred", "deferred_on_time", "corrections", "refusals", "withdrawn",
          "terminated", "overdue", "ratings", "satisfied", "bad_ratings")
CONTRIBUTED = tuple(k for k in COUNTS if k != "overdue")


@dataclass
class Tally:
    """The additive part of the figures of a set of cases: counts, and the waiting and handling times for the
    averages and percentiles. Tallies of disjoint sets add up to the tally of their union."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    waits: list[int] = field(default_factory=list)
    handling: list[int] = field(default_factory=list)

    def count(self, r: CaseFacts, today: date) -> None:
        """One case, by the definitions of the figures (drafts never decided count nowhere)."""
        for k, v in r.contribution().items():
            self.counts[k] += v
        self.counts["overdue"] += r.overdue(today)
        if r.handled:
            if r.wait_s is not None:
                self.waits.append(r.wait_s)
            if r.handling_s is not None:
                self.handling.append(r.handling_s)

    def add(self, other: Tally) -> Tally:
        for k, v in other.counts.items():
            self.counts[k] += v
        self.waits += other.waits
        self.handling += other.handling
        return self

    def figures(self, cannot_do: tuple[int, int] = (0, 0)) -> Figures:
        wait_avg, wait_p90 = _minutes(self.waits)
        handling_avg, handling_p90 = _minutes(self.handling)
        return Figures(**self.counts, wait_avg_min=wait_avg, wait_p90_min=wait_p90, handling_avg_min=handling_avg,
                       handling_p90_min=handling_p90, cannot_do_registered=cannot_do[0],
                       cannot_do_resolved=cannot_do[1])


def tally(rows: Iterable[CaseFacts], today: date) -> Tally:
    t = Tally()
    for r in rows:
        t.count(r, today)
    return t


def figures(rows: Iterable[CaseFacts], today: date, *, cannot_do: tuple[int, int] = (0, 0)) -> Figures:
    """The figures of these cases."""
    return tally(rows, today).figures(cannot_do)


@dataclass(frozen=True)
class Refusal:
    case_number: str
    item_name: str
    reason: str


@dataclass(frozen=True)
class BadRating:
    case_number: str
    item_name: str
    clerk: str
    level: int
    tags: tuple[str, ...]
    comment: str


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    total: Figures
    groups: dict[str, list[tuple[str, Figures]]] = field(default_factory=dict)
    refusals: list[Refusal] = field(default_factory=list)
    bad_ratings: list[BadRating] = field(default_factory=list)


def report(tallies: dict[str, dict[str, Tally]], start: date, end: date, *, refusals: list[Refusal],
           bad_ratings: list[BadRating], cannot_do: tuple[int, int] = (0, 0)) -> Report:
    """The period's report from the tallies of one or more groupings (grouping -> key -> tally); the total is the
    sum over any one grouping, each of which splits the same cases."""
    total = Tally()
    for t in next(iter(tallies.values()), {}).values():
        total.add(t)
    groups = {name: [(k, t.figures()) for k, t in sorted(by_key.items())] for name, by_key in tallies.items()}
    return Report(start, end, total.figures(cannot_do), groups, refusals, bad_ratings)


def group_key(name: str, r: CaseFacts, agency_of: Callable[[str], str], clerk_name: Callable[[str], str]) -> str:
    """The key a case falls under in a grouping (day, item, agency, clerk, channel)."""
    if name == "day":
        return r.day.isoformat()
    if name == "item":
        return r.item_name
    if name == "agency":
        return agency_of(r.item_code)
    if name == "clerk":
        return clerk_name(r.clerk)
    return _(CHANNEL_LABELS.get(r.channel, r.channel))


def report_of(rows: list[CaseFacts], start: date, end: date, today: date, *, by: Iterable[str],
              agency_of: Callable[[str], str], clerk_name: Callable[[str], str] = str,
              cannot_do: tuple[int, int] = (0, 0)) -> Report:
    """The report of these rows of facts, by the groupings named (what the store's figures must agree with)."""
    tallies: dict[str, dict[str, Tally]] = {}
    for name in by:
        buckets = tallies.setdefault(name, {})
        for r in rows:
            buckets.setdefault(group_key(name, r, agency_of, clerk_name), Tally()).count(r, today)
    refusals = [Refusal(r.case_number, r.item_name, r.refusal_reason) for r in rows if r.outcome == REFUSED]
    bad = [BadRating(r.case_number, r.item_name, clerk_name(r.clerk), r.rating, r.rating_tags, r.rating_comment)
           for r in rows if r.rating is not None and r.rating <= 2 and r.outcome in HANDLED]
    return report(tallies, start, end, refusals=refusals, bad_ratings=bad, cannot_do=cannot_do)

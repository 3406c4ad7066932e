"""What a supervisor waits for in 统计: a year of a busy window (50,000 cases, encrypted store as in production)
and every figure of the period — in total and by day, item, agency, clerk and channel, refusals and 差评 — from
the statistics projection, against the same report built the way it would be without the projection (every case
of the period replayed from its events), in the same run, alternating which goes first.

Run: .venv/bin/python bench/bench_statistics.py [--cases 50000] [--repeats 7]
Measured: the report the 统计 view asks for (the total, the refusals, the 差评 and one grouping) for a year and for
a month, for each grouping; the replayed baseline once per round for the grouping by item. Prints medians and a
RESULT line per figure (target: under 200 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402
from timing import timed  # noqa: E402  (bench/ is the script's own folder)

from app.domain.calendar import WorkingDayCalendar  # noqa: E402
from app.domain.case import Case, MaterialStatus  # noqa: E402
from app.domain.identity import Identity, check_digit  # noqa: E402
from app.domain.rating import Rating  # noqa: E402
from app.domain.statistics import GROUPINGS, facts_of, report_of  # noqa: E402
from app.services.statistics import StatisticsService  # noqa: E402
from app.services.workers import Workers  # noqa: E402
from app.store.cases import events_of, replay  # noqa: E402
from app.store.catalog_files import load_catalog  # noqa: E402
from app.store.database import open_store  # noqa: E402
from app.store.keys import open_key  # noqa: E402
from app.store.models import CaseRow  # noqa: E402
from app.training.samples import SAMPLE_ANSWERS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog(ROOT / "resources" / "catalog")
ITEMS = [it for it in CATALOG.items.values() if not any(m.when_agent for m in it.materials if m.required)]
CALENDAR = WorkingDayCalendar()
CLERKS = ["wang", "li", "zhang", "zhao"]
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
MONTH = (date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2026, 12, 31)


def a_case(rng: random.Random, n: int, at: datetime) -> Case:
    item = rng.choice(ITEMS)
    clerk = rng.choice(CLERKS)
    taken = at - timedelta(minutes=rng.randint(1, 40))
    case = Case.open(case_id=str(uuid.uuid4()), case_number=f"ZC01-{at:%Y%m%d}-{n:06d}", item=item,
                     catalog_version=CATALOG.version, clerk=clerk, at=at, ticket=f"A{n % 999:03d}",
                     ticket_times=(taken, at))
    first17 = f"330106{1950 + n % 50:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    who = Identity(name="王伟", id_number=first17 + check_digit(first17))
    case.set_applicant(who, clerk, at, from_card=True)
    case.fill_fields({f.key: {"name": who.name, "id_number": who.id_number}.get(f.key, SAMPLE_ANSWERS.get(f.key, "1"))
                      for f in item.fields if f.required}, clerk, at)
    roll = rng.random()
    done = at + timedelta(minutes=rng.randint(3, 25))
    if roll < 0.07:
        return case                                                   # a draft left open
    if roll < 0.17:
        case.issue_correction_notice([{"code": item.materials[0].code, "name": item.materials[0].name,
                                       "requirement": "未提供"}], clerk, done)
        return case
    if roll < 0.20:
        case.request_refusal("不符合申请条件", "办事指南", "请到户籍地办理", clerk, done)
        case.approve_refusal("zhao" if clerk != "zhao" else "li", done)
        return case
    deferrable = [m for m in item.materials if m.deferrable and m.required] if not item.instant else []
    deferred = deferrable[0] if deferrable and roll < 0.30 else None
    for m in item.materials:
        if case.required(m):
            case.mark_material(m, MaterialStatus.DEFERRED if m is deferred else MaterialStatus.RECEIVED, clerk, at)
    if deferred is not None:
        case.accept_with_deferred(item, CALENDAR, 5, clerk, done)
        if rng.random() < 0.8:
            case.supply(deferred, MaterialStatus.RECEIVED, clerk, done + timedelta(days=rng.randint(0, 9)))
    else:
        case.accept(item, CALENDAR, clerk, done)
    if rng.random() < 0.6:
        level = rng.choices([5, 4, 3, 2, 1], [70, 20, 6, 3, 1])[0]
        case.rate(Rating.of(level, ["服务效率"] if level <= 2 else []), clerk, done)
    return case


def fill(store, count: int) -> None:
    rng = random.Random(7)
    start = datetime(2026, 1, 5, 9, 0).astimezone()
    per_day = max(1, count // 250)
    batch, day, n = [], start, 0
    while n < count:
        if CALENDAR.is_working_day(day.date())[0]:
            for k in range(min(per_day, count - n)):
                batch.append(a_case(rng, n, day + timedelta(minutes=2 * k)))
                n += 1
                if len(batch) == 500:
                    store.cases.save(*batch)
                    batch = []
        day += timedelta(days=1)
    if batch:
        store.cases.save(*batch)


def replayed_report(store, service: StatisticsService, start: date, end: date, by: tuple[str, ...]):
    """The same report without the projection: every case of the period replayed from its events."""
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(CaseRow.id).where(
            CaseRow.kind == "case", CaseRow.created_at >= datetime.combine(start, datetime.min.time()).astimezone(),
            CaseRow.created_at < datetime.combine(end + timedelta(days=1), datetime.min.time()).astimezone()))]
    from app.store.engine import session_factory

    sessions = session_factory(store.engine)
    with sessions() as s:
        rows = [facts_of(replay(events_of(s, i))) for i in ids]
    names = store.clerks.names()
    return report_of(rows, start, end, TODAY, by=by, agency_of=service._agency, clerk_name=lambda u: names.get(u, u),
                     cannot_do=store.figures.cannot_do(start, end))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        folder = Path(tmp)
        store = open_store(folder / "zc.sqlite3", folder / "att", ROOT / "migrations", folder / "backups",
                           open_key(folder / "profile", "file"))
        t = time.perf_counter()
        print(f"storing {args.cases} cases (a year of a busy window)…", flush=True)
        fill(store, args.cases)
        print(f"  stored in {time.perf_counter() - t:.0f} s", flush=True)
        service = StatisticsService(store, CATALOG, None, lambda: datetime(2026, 12, 31, 17, 0).astimezone(),
                                    Workers())
        every = tuple(GROUPINGS)
        year = service.report(*YEAR, every)
        assert year == replayed_report(store, service, *YEAR, every), "the projection disagrees with the events"
        print(f"  the year: {year.total.cases} cases handled, 即办率 {year.total.instant_rate:.1%}, "
              f"满意率 {year.total.satisfaction_rate:.1%}, {len(year.refusals)} refusals, "
              f"{len(year.bad_ratings)} 差评", flush=True)
        figures: dict[str, list[float]] = {}
        for round_ in range(2):                      # alternate which way goes first
            ways = [("projection", lambda p, g: service.report(*p, (g,)), args.repeats),
                    ("replay", lambda p, g: replayed_report(store, service, *p, (g,)), 1)]
            for name, fn, repeats in ways if round_ == 0 else reversed(ways):
                for label, period in (("year", YEAR), ("month", MONTH)):
                    for grouping in GROUPINGS if name == "projection" else ("item",):
                        figures.setdefault(f"{label}_{grouping}_{name}", []).append(
                            timed(lambda p=period, g=grouping, f=fn: f(p, g), repeats))
        store.close()
    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"{'figure':<32}{'ms':>10}")
    for k, v in med.items():
        print(f"{k:<32}{v:>10.1f}")
    for label in ("year", "month"):
        for grouping in GROUPINGS:
            value = med[f"{label}_{grouping}_projection"]
            print(f"RESULT name=statistics_{label}_by_{grouping} value={value:.1f} unit=ms target=200 "
                  f"pass={str(value < 200).lower()}")
        ratio = med[f"{label}_item_projection"] / med[f"{label}_item_replay"]
        print(f"RESULT name=statistics_{label}_vs_replay value={ratio:.3f} unit=ratio target=1.0 "
              f"pass={str(ratio < 1.0).lower()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

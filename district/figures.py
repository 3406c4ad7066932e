"""The figures across service points (就近办): for a period, each service point and each of its windows — cases
handled, 即办率, 容缺, refusals, average waiting and handling time, ratings, satisfaction and 差评 — counted
inside the database from the cases' rows and their ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

HANDLED = "c.outcome IN ('accepted', 'accepted_deferred', 'correction', 'refused')"


def _count(condition: str) -> str:
    """How many rows meet the condition (written so SQLite and PostgreSQL both take it)."""
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


_SQL = text(f"""
SELECT d.centre, d.name, d.prefix,
       {_count(HANDLED)}, {_count("c.outcome IN ('accepted', 'accepted_deferred')")},
       {_count("c.outcome = 'accepted' AND c.instant")}, {_count("c.outcome = 'accepted_deferred'")},
       {_count("c.outcome = 'refused'")},
       {_count("c.outcome IN ('accepted', 'accepted_deferred') AND NOT c.instant AND c.promised_by IS NOT NULL"
               " AND c.decision <> 'terminated' AND COALESCE(c.decided_at, :now) > c.promised_by")},
       AVG(CASE WHEN {HANDLED} THEN c.wait_s END), AVG(CASE WHEN {HANDLED} THEN c.handling_s END),
       {_count(HANDLED + " AND r.level IS NOT NULL")}, {_count(HANDLED + " AND r.level >= 3")},
       {_count(HANDLED + " AND r.level <= 2")}
FROM cases c JOIN devices d ON d.id = c.device_id LEFT JOIN ratings r ON r.case_id = c.id
WHERE c.kind = 'case' AND c.opened_at >= :start AND c.opened_at < :after
GROUP BY d.centre, d.name, d.prefix ORDER BY d.centre, d.name
""")
_CANNOT_DO = text(f"""
SELECT d.centre, d.name, d.prefix, COUNT(*), {_count("c.decision = 'resolved' OR c.workstation_state = 'resolved'")}
FROM cases c JOIN devices d ON d.id = c.device_id
WHERE c.kind = 'cannot_do' AND c.received_at >= :start AND c.received_at < :after
GROUP BY d.centre, d.name, d.prefix
""")
KEYS = ("cases", "accepted", "instant", "deferred", "refusals", "overdue", "wait_avg_min", "handling_avg_min",
        "ratings", "satisfied", "bad_ratings")
LABELS = {"cases": "办件量", "accepted": "受理", "instant": "即办件", "instant_rate": "即办率", "deferred": "容缺受理",
          "refusals": "不予受理", "overdue": "超期办件", "cannot_do_registered": "办不成事登记",
          "cannot_do_resolved": "办不成事办结", "wait_avg_min": "平均等候（分钟）", "handling_avg_min": "平均办理（分钟）",
          "ratings": "评价数", "satisfied": "满意评价", "bad_ratings": "差评", "satisfaction_rate": "满意率"}


@dataclass
class PointFigures:
    centre: str
    window: str
    values: dict[str, float | int | None]

    def add(self, other: PointFigures) -> None:
        """Counts add up; the averages are weighted by the cases handled."""
        mine, theirs = self.values.get("cases") or 0, other.values.get("cases") or 0
        for k in ("wait_avg_min", "handling_avg_min"):
            a, b = self.values.get(k), other.values.get(k)
            if a is None or b is None:
                self.values[k] = a if b is None else b
            elif mine + theirs:
                self.values[k] = round((a * mine + b * theirs) / (mine + theirs), 1)
        for k in (*KEYS, "cannot_do_registered", "cannot_do_resolved"):
            if k not in ("wait_avg_min", "handling_avg_min"):
                self.values[k] = (self.values.get(k) or 0) + (other.values.get(k) or 0)

    def as_dict(self) -> dict[str, Any]:
        v = dict(self.values)
        v["instant_rate"] = round(v["instant"] / v["cases"], 4) if v.get("cases") else None
        v["satisfaction_rate"] = round(v["satisfied"] / v["ratings"], 4) if v.get("ratings") else None
        return {"centre": self.centre, "window": self.window, **{k: v.get(k) for k in LABELS}}


def _bound(day: date) -> datetime:
    """Midnight of a day in Beijing time (the district's service points keep it), in UTC as the server stores."""
    return datetime.combine(day, time.min, tzinfo=UTC) - timedelta(hours=8)


class DistrictFigures:
    def __init__(self, sessions: sessionmaker[Session], clock):
        self.sessions, self.clock = sessions, clock

    def by_service_point(self, start: date, end: date) -> dict[str, Any]:
        """Every window's figures, each service point's (its windows together) and the district's."""
        bounds = {"start": _bound(start), "after": _bound(end + timedelta(days=1))}
        with self.sessions() as s:
            rows = s.execute(_SQL, {**bounds, "now": self.clock()}).all()
            requests = {(r[0], r[1], r[2]): r[3:] for r in s.execute(_CANNOT_DO, bounds).all()}
        windows = []
        for r in rows:
            values = dict(zip(KEYS, r[3:], strict=True))
            for k in ("wait_avg_min", "handling_avg_min"):
                values[k] = round(float(values[k]) / 60, 1) if values[k] is not None else None
            for k in KEYS:
                if k not in ("wait_avg_min", "handling_avg_min"):
                    values[k] = int(values[k] or 0)
            registered, resolved = requests.pop((r[0], r[1], r[2]), (0, 0))
            values.update(cannot_do_registered=int(registered), cannot_do_resolved=int(resolved or 0))
            windows.append(PointFigures(r[0] or "（未登记服务点）", f"{r[1]}（{r[2]}）", values))
        for (centre, name, prefix), (registered, resolved) in requests.items():     # only 办不成事 there
            windows.append(PointFigures(centre or "（未登记服务点）", f"{name}（{prefix}）", {
                **dict.fromkeys(KEYS, 0), "wait_avg_min": None, "handling_avg_min": None,
                "cannot_do_registered": int(registered), "cannot_do_resolved": int(resolved or 0)}))
        points: dict[str, PointFigures] = {}
        total = PointFigures("全区", "", {})
        for w in windows:
            points.setdefault(w.centre, PointFigures(w.centre, "", {})).add(w)
            total.add(w)
        return {"from": start.isoformat(), "to": end.isoformat(), "labels": LABELS,
                "total": total.as_dict() if windows else None,
                "service_points": [p.as_dict() for p in points.values()],
                "windows": [w.as_dict() for w in windows]}

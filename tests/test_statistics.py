"""统计: the figures of a known set of cases — worked through the services on a moving clock — against figures
counted by hand; the projection agrees with the cases' events; the period, the groupings, the exports (the xlsx
read back with openpyxl, the PDF's text) and `zongchuang stats --json` on the demo's cases."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from app.demo import fill_like_a_citizen
from app.domain.cannot_do import CannotDoReason
from app.domain.case import MaterialStatus
from app.domain.errors import DomainError
from app.domain.statistics import GROUPINGS, facts_of, figures, percentile, report_of
from app.store.cases import replay
from tests import pdf_tools

ROOT = Path(__file__).resolve().parents[1]


def at(clock, hh, mm):
    clock.now = clock.now.replace(hour=hh, minute=mm)


def start(desk, clerk, item, roster=0, ticket=None):
    desk.devices.present_simulated_card(roster)
    holder = desk.devices.read_card().holder
    app = desk.intake.start("item", item, clerk, ticket, applicant=holder)
    fill_like_a_citizen(desk, app, clerk)
    return desk.intake.load(app.primary.id)


def capture_all(desk, clerk, app, skip=()):
    for m in app.materials:
        if m.required and m.code not in skip and app.status_of(m.code) is MaterialStatus.MISSING:
            desk.intake.attach_pages(app, m.code, [f"page of {m.code}".encode() * 50], clerk)
    return desk.intake.load(app.primary.id)


@pytest.fixture
def day_of_work(desk, clerk, supervisor, clock):
    """One Tuesday at a window (24 November 2026), every kind of outcome, counted by hand in the tests."""
    at(clock, 9, 30)
    desk.queue.take_ticket()                                     # A001
    desk.queue.take_ticket()                                     # A002
    at(clock, 9, 40)
    first = desk.queue.call_next()                               # waited 10 minutes
    a = capture_all(desk, clerk, start(desk, clerk, "SB003", 0, first.number))
    at(clock, 9, 52)
    desk.intake.accept(a, clerk)                                 # handled in 12 minutes
    desk.rating.rate([a.primary.id], 5, clerk)
    at(clock, 10, 0)
    second = desk.queue.call_next()                              # waited 30 minutes
    b = capture_all(desk, clerk, start(desk, clerk, "SB001", 2, second.number))
    at(clock, 10, 6)
    desk.intake.accept(b, clerk)                                 # 即办件, handled in 6 minutes
    desk.rating.rate([b.primary.id], 2, clerk, tags=["服务效率"], comment="等太久")
    at(clock, 10, 20)
    c = start(desk, clerk, "SB003", 3)
    desk.intake.mark_material(c, "photo", MaterialStatus.DEFERRED, clerk)
    c = capture_all(desk, clerk, c, skip=("photo",))
    at(clock, 10, 30)
    desk.intake.accept_with_deferred(c, clerk)                   # 容缺, 10 minutes (no ticket: from opening)
    at(clock, 11, 0)
    d = start(desk, clerk, "MZ004", 4)
    at(clock, 11, 5)
    desk.intake.issue_correction_notice(d, clerk)                # 一次性告知 after 5 minutes
    at(clock, 11, 10)
    e = start(desk, clerk, "MZ004", 5)
    at(clock, 11, 20)
    desk.intake.request_refusal(e, "申请人不满80周岁", "《高龄津贴发放办法》第三条", "年满80周岁后再来申请", clerk)
    desk.intake.decide_refusal(desk.intake.load(e.primary.id), supervisor, True)
    start(desk, clerk, "SB001", 6)                               # a draft nobody finished: never counted
    desk.cannot_do.register("开具无犯罪记录证明", "本中心无此事项", CannotDoReason("no_item"), clerk)
    at(clock, 14, 0)
    clock.advance(1, desk.intake.calendar)                       # Wednesday: the photo comes in on time
    c = desk.intake.load(c.primary.id)
    desk.intake.attach_pages(c, "photo", [b"photo" * 100], clerk)
    return {"on_time": a, "instant": b, "deferred": c, "notice": d, "refused": e}


def test_the_figures_of_a_day_are_the_ones_counted_by_hand(desk, day_of_work, clock):
    clock.advance(10, desk.intake.calendar)                      # past every promised date
    r = desk.statistics.report(date(2026, 11, 24), date(2026, 11, 24), tuple(GROUPINGS))
    t = r.total
    assert (t.cases, t.accepted, t.instant, t.corrections, t.refusals, t.withdrawn) == (5, 3, 1, 1, 1, 0)
    assert t.instant_rate == 0.2
    assert (t.deferred, t.deferred_on_time, t.deferred_on_time_rate) == (1, 1, 1.0)
    assert t.overdue == 2                   # both SB003 cases are undecided past their 5 working days; not the 即办件
    assert (t.wait_avg_min, t.wait_p90_min) == (20.0, 30.0)
    assert (t.handling_avg_min, t.handling_p90_min) == (round((12 + 6 + 10 + 5 + 10) / 5, 1), 12.0)
    assert (t.ratings, t.satisfied, t.bad_ratings, t.satisfaction_rate) == (2, 1, 1, 0.5)
    assert (t.cannot_do_registered, t.cannot_do_resolved) == (1, 0)
    assert [(x.item_name, x.reason) for x in r.refusals] == [("高龄津贴申领", "申请人不满80周岁")]
    assert [(b.level, b.tags, b.comment, b.clerk) for b in r.bad_ratings] == [(2, ("服务效率",), "等太久", "王小明")]
    agencies = {k: f.cases for k, f in r.groups["agency"]}
    assert agencies == {"社保": 3, "民政": 2}
    items = {k: (f.cases, f.instant_rate) for k, f in r.groups["item"]}
    assert items == {"社会保障卡申领": (2, 0.0), "灵活就业人员参保登记": (1, 1.0), "高龄津贴申领": (2, 0.0)}
    assert [(k, f.cases) for k, f in r.groups["clerk"]] == [("王小明", 5)]
    assert [(k, f.cases) for k, f in r.groups["channel"]] == [("窗口受理", 5)]
    assert [(k, f.cases) for k, f in r.groups["day"]] == [("2026-11-24", 5)]
    assert desk.statistics.report(date(2026, 11, 25), date(2026, 11, 30)).total.cases == 0


def test_a_case_decided_in_time_is_not_overdue(desk, day_of_work, clock):
    case_id = day_of_work["on_time"].primary.id
    now = clock.now

    def decided(cases):
        cases[0].submit("district", now)
        cases[0].complete(True, "district", now, official_number="QX202600000001")

    desk.store.cases.change([case_id], decided)
    clock.advance(10, desk.intake.calendar)
    assert desk.statistics.report(date(2026, 11, 24), date(2026, 11, 24)).total.overdue == 1


def test_the_projection_is_what_the_events_say_and_sql_counts_as_the_domain_does(desk, day_of_work, clock):
    stored = {f.case_id: f for f in desk.store.figures.facts(date(2026, 1, 1), date(2026, 12, 31))}
    assert len(stored) == 6
    for case_id, row in stored.items():
        assert facts_of(replay(desk.store.cases.events(case_id))) == row
    for days in (0, 10):                                          # before and after the promised dates
        clock.advance(days, desk.intake.calendar)
        period = (date(2026, 11, 1), date(2026, 11, 30))
        by_sql = desk.statistics.report(*period, tuple(GROUPINGS))
        by_domain = report_of(list(stored.values()), *period, clock.now.date(), by=GROUPINGS,
                              agency_of=desk.statistics._agency, clerk_name={"wang": "王小明"}.get,
                              cannot_do=desk.store.figures.cannot_do(*period))
        assert by_sql == by_domain
    with desk.store.engine.begin() as conn:                       # a store from before the projection
        conn.exec_driver_sql("DELETE FROM case_figures")
    assert desk.store.cases.fill_figures(batch=4) == 6
    assert {f.case_id: f for f in desk.store.figures.facts(date(2026, 1, 1), date(2026, 12, 31))} == stored


def test_percentiles_and_empty_periods():
    assert percentile([], 90) is None and percentile([5], 90) == 5
    assert percentile(list(range(1, 11)), 90) == 9 and percentile(list(range(1, 101)), 90) == 90
    empty = figures([], date(2026, 1, 1))
    assert empty.cases == 0 and empty.instant_rate is None and empty.satisfaction_rate is None
    assert empty.wait_avg_min is None


def test_a_period_ending_before_it_starts_or_an_unknown_grouping_is_refused(desk):
    with pytest.raises(DomainError, match="结束日期"):
        desk.statistics.report(date(2026, 12, 2), date(2026, 12, 1))
    with pytest.raises(DomainError, match="统计分组"):
        desk.statistics.report(date(2026, 12, 1), date(2026, 12, 1), ("week",))


def test_the_exports_read_back(desk, day_of_work, clerk, tmp_path):
    period = (date(2026, 11, 24), date(2026, 11, 25))
    r = desk.statistics.report(*period)
    book = openpyxl.load_workbook(io.BytesIO(desk.statistics.export(*period, tmp_path / "统计.xlsx", clerk).read_bytes()))
    assert book.sheetnames == ["汇总", "按日", "按事项", "按部门", "按窗口人员", "按渠道", "不予受理", "差评"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert summary["办件量"] == "5" and summary["即办率"] == "20.0%" and summary["满意率"] == "50.0%"
    assert summary["统计期间"] == "2026-11-24 至 2026-11-25"
    agency = list(book["按部门"].iter_rows(values_only=True))
    assert agency[0][:3] == ("部门", "办件量", "受理") and {a[0]: a[1] for a in agency[1:]} == {"社保": 3, "民政": 2}
    rates = dict(zip(agency[0], agency[1], strict=True))
    assert rates["即办率（%）"] == 0.0 and rates["满意率（%）"] is None        # 民政 first: no rating there
    assert list(book["差评"].iter_rows(values_only=True))[1] == (
        r.bad_ratings[0].case_number, "灵活就业人员参保登记", "王小明", "不满意", "服务效率", "等太久")
    pdf = desk.statistics.export(*period, tmp_path / "统计.pdf", clerk)
    text = pdf_tools.flat_text(pdf)
    assert "综合窗口统计报表" in text and "即办率20.0%" in text and "申请人不满80周岁" in text and "等太久" in text
    with pytest.raises(DomainError, match=".xlsx"):
        desk.statistics.export(*period, tmp_path / "统计.doc", clerk)
    assert not list(tmp_path.glob("*.part"))


def test_stats_json_on_the_demos_cases_and_an_xlsx_from_the_command(tmp_path):
    env = {**os.environ, "ZONGCHUANG_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}

    def zongchuang(*args, check=True):
        run = subprocess.run([sys.executable, "-m", "app", "--profile", "training", *args], capture_output=True,
                             text=True, env=env, cwd=ROOT, timeout=600)
        assert not check or run.returncode == 0, run.stderr
        return run

    zongchuang("demo", "--out", str(tmp_path / "demo"), "--cases", "3")
    today = date.today()
    out = json.loads(zongchuang("stats", "--json", "--from", (today - timedelta(days=1)).isoformat()).stdout)
    assert out["cases"]["label"] == "办件量" and out["cases"]["value"] >= 3
    assert out["instant_rate"]["label"] == "即办率" and out["satisfaction_rate"]["label"] == "满意率"
    assert sum(g["cases"]["value"] for g in out["by"]["item"]) == out["cases"]["value"]
    assert {"day", "item", "agency", "clerk", "channel"} == set(out["by"])
    zongchuang("stats", "--xlsx", str(tmp_path / "s.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}["办件量"] == str(out["cases"]["value"])
    bad = zongchuang("stats", "--from", "2026-13-01", check=False)
    assert bad.returncode == 2 and "日期格式应为 YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr


"""Retention: a closed case the district has everything of keeps the citizen's data for the retention
period, then the purge leaves only what statistics need (number, item, dates, event types) and deletes its
scans; open, unsynced or younger cases keep everything."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from app.domain.case import CaseState
from app.domain.retention import PURGED
from tests.sync_support import RunningDistrict, accept_cases


@pytest.fixture
def district(tmp_path):
    d = RunningDistrict(tmp_path / "district").start()
    yield d
    d.close()


def handed_out_cases(desk, district, n: int):
    asyncio.run(desk.sync.enrol(district.url, district.service.create_enrolment_code()))
    apps = accept_cases(desk, n)
    assert asyncio.run(desk.sync.drain()).left == 0
    for app in apps:
        district.service.decide(app.primary.id, True, "材料齐全", "officer")
    asyncio.run(desk.sync.drain())
    return apps


def hand_out(desk, app):
    case = desk.store.cases.get(app.primary.id)
    desk.handout.hand_out(case.id, desk.store.clerks.find("demo")[0], collector=case.applicant, items=["证件"])


def test_handed_out_synced_cases_lose_their_personal_data_after_the_retention_period(desk, district, clock):
    first, second, kept = handed_out_cases(desk, district, 3)
    hand_out(desk, first)
    hand_out(desk, second)
    assert asyncio.run(desk.sync.drain()).left == 0
    holder = desk.store.cases.get(first.primary.id).applicant
    types_before = [e.type for e in desk.store.cases.events(first.primary.id)]
    scans = {a.primary.id: {h for e in desk.store.cases.events(a.primary.id) for h in e.payload.get("attachments") or []}
             for a in (first, second, kept)}
    assert all(scans.values())

    clock.now += timedelta(days=179)
    assert desk.retention.purge_expired().cases == 0                 # not yet: 180 days by default
    clock.now += timedelta(days=2)
    report = desk.retention.purge_expired()
    assert report.cases == 2 and report.scans == len(scans[first.primary.id] | scans[second.primary.id])
    assert "清除 2 件办件" in report.message

    for app in (first, second):
        case = desk.store.cases.get(app.primary.id)                  # still replays into a case
        assert case.state is CaseState.HANDED_OUT and case.case_number == app.primary.case_number
        assert case.applicant.name == PURGED and case.applicant.id_number == "" and case.accepted_at is not None
        events = desk.store.cases.events(app.primary.id)
        assert [e.type for e in events] == types_before
        text = json.dumps([e.payload for e in events], ensure_ascii=False)
        assert holder.name not in text and holder.id_number not in text and holder.address not in text
        assert not any(desk.store.attachments.exists(h) for h in scans[app.primary.id])
    assert all(desk.store.attachments.exists(h) for h in scans[kept.primary.id])     # not handed out: kept whole
    found = desk.cases.search(desk.store.clerks.find("demo")[0], holder.name)
    assert [s.case_number for s in found] == [kept.primary.case_number]
    summary = {s.case_number: s for s in desk.store.cases.search()}[first.primary.case_number]
    assert summary.applicant_name == PURGED and summary.item_name == first.primary.item_name

    assert asyncio.run(desk.sync.drain()).events_sent == 0           # the purge is not news for the district
    assert desk.retention.purge_expired().cases == 0                 # and happens once
    assert "purge_personal_data" in [e.action for e in desk.store.audit.entries()]


def test_a_handout_the_district_has_not_received_keeps_the_case_whole(desk, district, clock):
    (app,) = handed_out_cases(desk, district, 1)
    district.stop()
    hand_out(desk, app)                                               # offline: its handout is not synced
    clock.now += timedelta(days=400)
    assert desk.retention.purge_expired().cases == 0
    assert desk.store.cases.get(app.primary.id).applicant.name != PURGED

"""The sync over real HTTP: a district server on 127.0.0.1, the workstation's client, and the loop
from offline acceptance to the back office's decision arriving back at the window."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.domain.case import CaseState
from app.sync.client import SyncError
from tests.sync_support import RunningDistrict, accept_cases, assert_district_holds_exactly


@pytest.fixture
def district(tmp_path):
    d = RunningDistrict(tmp_path / "district").start()
    yield d
    d.close()


def enrol(desk, district) -> None:
    asyncio.run(desk.sync.enrol(district.url, district.service.create_enrolment_code()))


def test_offline_cases_reach_the_district_exactly_once_and_the_decision_comes_back(desk, district):
    enrol(desk, district)
    district.stop()                                   # the network is down: the clerk keeps working
    apps = accept_cases(desk, 6, pages=2)
    offline = asyncio.run(desk.sync.sync_once())
    assert offline.error is not None and offline.error.retryable
    assert "无法连接" in offline.error.message
    assert desk.sync.status().counts["pending"] == 6

    district.start()                                  # the network is back, on the same address
    report = asyncio.run(desk.sync.drain())
    assert report.error is None and report.left == 0
    assert report.attachments_uploaded == 2 * sum(
        len([m for m in a.materials if m.required]) for a in apps)
    figures = assert_district_holds_exactly(desk, district)
    assert figures["cases"] == 6
    assert desk.sync.status().counts == {"pending": 0, "uploading": 0, "synced": 6, "quarantined": 0}

    # The district received them and numbered them; the workstation shows 已报送 with that number.
    for app in apps:
        case = desk.store.cases.get(app.primary.id)
        assert case.state is CaseState.SUBMITTED
        assert case.official_number and case.official_number.startswith("QX")

    again = asyncio.run(desk.sync.drain())            # nothing new: nothing sent, nothing doubled
    assert again.events_sent == 0 and again.attachments_uploaded == 0
    assert_district_holds_exactly(desk, district)

    # The back office decides through its API (the page posts to the same service).
    token = district.district.admin_token
    first, second = apps[0].primary.id, apps[1].primary.id
    with httpx.Client(base_url=district.url, headers={"Authorization": f"Bearer {token}"}) as bo:
        assert len(bo.get("/backoffice/api/cases", params={"decision": "received"}).json()) == 6
        bo.post(f"/backoffice/api/cases/{first}/processing").raise_for_status()
        bo.post(f"/backoffice/api/cases/{first}/decision", json={"approved": True, "note": "材料齐全"}).raise_for_status()
        bo.post(f"/backoffice/api/cases/{second}/decision", json={"approved": False, "note": "不符合条件"}).raise_for_status()
        twice = bo.post(f"/backoffice/api/cases/{second}/decision", json={"approved": True})
        assert twice.status_code == 409 and "不能办结" in twice.json()["reason"]
        page = httpx.get(district.url + "/backoffice", auth=("backoffice", token))
        assert page.status_code == 200 and "办结（准予）" in page.text
        assert httpx.get(district.url + "/backoffice").status_code == 401

    result = asyncio.run(desk.sync.drain())
    assert result.results_applied >= 2 and result.left == 0
    approved, denied = desk.store.cases.get(first), desk.store.cases.get(second)
    assert approved.state is CaseState.COMPLETED_APPROVED and approved.decision["note"] == "材料齐全"
    assert denied.state is CaseState.COMPLETED_DENIED and denied.decision["note"] == "不符合条件"
    assert approved.decision["official_number"] == approved.official_number
    # Ready for handout at the window, and the handout itself reaches the district too.
    desk.handout.hand_out(approved, desk.store.clerks.find("demo")[0], to_agent=False, receiver_name="张伟明",
                          receiver_id_number="", items=["社会保障卡"])
    asyncio.run(desk.sync.drain())
    assert_district_holds_exactly(desk, district)
    assert {c.id: c.workstation_state for c in district.service.cases()}[first] == "handed_out"

"""The sync over real HTTP: a district server on 127.0.0.1, the workstation's client, and the loop
from offline acceptance to the back office's decision arriving back at the window."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from app.config.paths import resources_dir
from app.domain.case import CaseState
from app.sync.client import SyncError
from tests.postgres import fresh_database
from tests.sync_support import RunningDistrict, accept_cases, assert_district_holds_exactly


@pytest.fixture(params=["sqlite", "postgresql"])
def district(request, tmp_path):
    """The district server on its embedded SQLite, and on a real PostgreSQL when one is available."""
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_database()) if request.param == "postgresql" else None
        d = RunningDistrict(tmp_path / "district", database=url).start()
        stack.callback(d.close)
        yield d


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
    district.district.officers.add("li", "李经办", "officer-pass-1")
    login = httpx.post(district.url + "/backoffice/api/login", json={"username": "li", "password": "officer-pass-1"})
    token = login.json()["token"]
    first, second = apps[0].primary.id, apps[1].primary.id
    with httpx.Client(base_url=district.url, headers={"Authorization": f"Bearer {token}"}) as bo:
        assert len(bo.get("/backoffice/api/cases", params={"decision": "received"}).json()) == 6
        bo.post(f"/backoffice/api/cases/{first}/processing").raise_for_status()
        bo.post(f"/backoffice/api/cases/{first}/decision", json={"approved": True, "note": "材料齐全"}).raise_for_status()
        bo.post(f"/backoffice/api/cases/{second}/decision", json={"approved": False, "note": "不符合条件"}).raise_for_status()
        twice = bo.post(f"/backoffice/api/cases/{second}/decision", json={"approved": True})
        assert twice.status_code == 409 and "不能办结" in twice.json()["reason"]
        assert "后台登录" in httpx.get(district.url + "/backoffice").text      # the page asks who you are
        assert httpx.get(district.url + "/backoffice/api/cases").status_code == 401
    audit = [(e.officer, e.action) for e in district.district.officers.audit_entries()]
    assert ("li", "approve") in audit and ("li", "deny") in audit and ("li", "login") in audit

    result = asyncio.run(desk.sync.drain())
    assert result.results_applied >= 2 and result.left == 0
    approved, denied = desk.store.cases.get(first), desk.store.cases.get(second)
    assert approved.state is CaseState.COMPLETED_APPROVED and approved.decision["note"] == "材料齐全"
    assert denied.state is CaseState.COMPLETED_DENIED and denied.decision["note"] == "不符合条件"
    assert approved.decision["official_number"] == approved.official_number
    # Ready for handout at the window, and the handout itself reaches the district too.
    desk.handout.hand_out(approved.id, desk.store.clerks.find("demo")[0], collector=approved.applicant,
                          items=["社会保障卡"])
    asyncio.run(desk.sync.drain())
    assert_district_holds_exactly(desk, district)
    assert {c.id: c.workstation_state for c in district.service.cases()}[first] == "handed_out"


def test_a_conflicting_event_quarantines_its_case_only_and_a_retry_asks_again(desk, district):
    enrol(desk, district)
    first, second = accept_cases(desk, 2)
    assert asyncio.run(desk.sync.drain()).left == 0
    # The stored copy of an acknowledged event changes (a restored backup, a bug): same UUID, new content.
    from sqlalchemy import update

    from app.store.models import CaseEventRow
    ev = desk.store.cases.events(first.primary.id)[1]
    with desk.store.engine.begin() as conn:
        conn.execute(update(CaseEventRow).where(CaseEventRow.id == ev.id)
                     .values(payload={**ev.payload, "tampered": True}, synced_at=None))
    accept_cases(desk, 1, seed=5)                    # other work keeps flowing
    report = asyncio.run(desk.sync.drain())
    assert [c for c, _ in report.quarantined] == [first.primary.id]
    assert "409" in report.quarantined[0][1] and "内容不同" in report.quarantined[0][1]
    status = desk.sync.status()
    assert status.counts["quarantined"] == 1 and status.counts["synced"] == 2 and status.unsent == 0
    (held,) = desk.sync.quarantined()
    assert held.case_number == first.primary.case_number and "内容不同" in held.reason
    # The server kept what it received first.
    stored = {e.id: e for e in district.service.case_events(first.primary.id)}
    assert "tampered" not in stored[ev.id].payload

    desk.sync.retry(first.primary.id)                 # the clerk asks again: the district still says no
    assert desk.sync.status().counts["quarantined"] == 0
    again = asyncio.run(desk.sync.drain())
    assert [c for c, _ in again.quarantined] == [first.primary.id]
    assert second.primary.id not in {c for c, _ in again.quarantined}


def test_a_revoked_workstation_is_told_why_and_keeps_its_cases(desk, district):
    enrol(desk, district)
    accept_cases(desk, 1)
    asyncio.run(desk.sync.drain())
    device_id = desk.store.sync.meta()["device_id"]
    district.service.revoke(device_id, "设备丢失")
    accept_cases(desk, 2, seed=9)
    report = asyncio.run(desk.sync.drain())
    assert report.error is not None and not report.error.retryable
    assert "停用" in report.error.message and "设备丢失" in report.error.message
    status = desk.sync.status()
    assert status.counts["pending"] == 2 and status.counts["quarantined"] == 0   # nothing blamed on a case
    assert "设备丢失" in status.last_error
    assert len(desk.store.cases.search()) == 3


def test_training_workstations_are_refused_by_a_production_server(desk, tmp_path):
    production = RunningDistrict(tmp_path / "prod", allow_training=False).start()
    try:
        with pytest.raises(SyncError, match="正式服务器"):
            asyncio.run(desk.sync.enrol(production.url, production.service.create_enrolment_code()))
        # The server refuses too, whatever the client checks.
        r = httpx.post(production.url + "/api/v1/enrol", json={
            "code": production.service.create_enrolment_code(), "name": "x", "prefix": "ZC09", "training": True})
        assert r.status_code == 403 and r.json()["error"] == "training_device_refused"
        assert "培训" in r.json()["reason"]
        bad = httpx.post(production.url + "/api/v1/enrol", json={
            "code": "AAAA-BBBB-CCCC-DDDD", "name": "x", "prefix": "ZC09", "training": False})
        assert bad.status_code == 403 and "注册码无效" in bad.json()["reason"]
    finally:
        production.close()


def test_an_enrolment_code_works_once(district):
    code = district.service.create_enrolment_code()
    body = {"code": code, "name": "1号窗口", "prefix": "ZC01", "training": False}
    assert httpx.post(district.url + "/api/v1/enrol", json=body).status_code == 200
    assert httpx.post(district.url + "/api/v1/enrol", json=body).status_code == 403


def test_two_workstations_left_on_the_default_prefix_get_distinct_ones_at_enrolment(desk, district, tmp_path, clock):
    """Both PCs were installed with the default ZC01: the district gives the second one ZC02, which its case
    numbers use from then on, after a restart too."""
    from app.config.paths import Profile
    from app.config.settings import Settings
    from app.devices.idcard.simulator import SimulatedIdCardReader, load_roster
    from app.main import build_desk
    from tests.conftest import FAST_HASHER

    def second_desk():
        return build_desk(Profile.TRAINING, {"ZONGCHUANG_HOME": str(tmp_path / "second")}, clock=clock,
                          settings=Settings(idcard_poll=False), password_hasher=FAST_HASHER, camera=None,
                          idcard=SimulatedIdCardReader(load_roster(resources_dir())), printer=None)

    other = second_desk()
    try:
        assert desk.settings.workstation_prefix == other.settings.workstation_prefix == "ZC01"
        enrol(desk, district)
        enrol(other, district)
        assert (desk.sync.prefix, other.sync.prefix) == ("ZC01", "ZC02")
        [mine], [theirs] = accept_cases(desk, 1), accept_cases(other, 1)
        assert mine.primary.case_number.startswith("ZC01-") and theirs.primary.case_number.startswith("ZC02-")
    finally:
        other.close()
    again = second_desk()
    try:
        [later] = accept_cases(again, 1)
        assert later.primary.case_number.startswith("ZC02-") and later.primary.case_number != theirs.primary.case_number
    finally:
        again.close()
    assert sorted(d.prefix for d in district.service.devices()) == ["ZC01", "ZC02"]


def test_devices_that_shared_a_prefix_before_are_told_apart_by_the_upgrade(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from district.db import create_server_engine, sqlite_url, upgrade

    engine = create_server_engine(sqlite_url(tmp_path))
    upgrade(engine, "d0004")
    insert = text("INSERT INTO devices (id, name, prefix, training, token_sha256, enrolled_at, centre) "
                  "VALUES (:id, '窗口', :prefix, false, :id, :at, '')")
    with engine.begin() as c:
        for n, at in ((1, "2026-03-01"), (2, "2026-01-01"), (3, "2026-02-01")):
            c.execute(insert, {"id": f"device-{n}", "prefix": "ZC01", "at": at})
    assert upgrade(engine) == "d0005"
    with engine.connect() as c:
        rows = dict(c.execute(text("SELECT id, prefix FROM devices")).fetchall())
    assert rows == {"device-2": "ZC01", "device-3": "ZC01~2", "device-1": "ZC01~3"}      # the first keeps it
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(insert, {"id": "device-4", "prefix": "ZC01", "at": "2026-04-01"})
    engine.dispose()


def _device(district) -> httpx.Client:
    code = district.service.create_enrolment_code()
    token = httpx.post(district.url + "/api/v1/enrol", json={
        "code": code, "name": "测试", "prefix": "ZC09", "training": True}).json()["token"]
    return httpx.Client(base_url=district.url, headers={"Authorization": f"Bearer {token}"})


def _event(case_id, seq, type_, payload, eid=None):
    import uuid
    return {"id": eid or str(uuid.uuid4()), "case_id": case_id, "seq": seq, "type": type_, "payload": payload,
            "clerk": "wang", "occurred_at": "2026-11-24T09:30:00+08:00"}


def test_an_upload_cut_short_continues_where_it_stopped_and_is_verified(district):
    import hashlib
    import os

    content = os.urandom(300_000)
    sha = hashlib.sha256(content).hexdigest()
    with _device(district) as dev:
        assert dev.post("/api/v1/attachments/missing", json={"hashes": [sha]}).json() == {
            "missing": [{"sha256": sha, "offset": 0}]}
        first = dev.patch(f"/api/v1/attachments/{sha}", content=content[:120_000],
                          headers={"Upload-Offset": "0", "Upload-Length": str(len(content))})
        assert first.json() == {"sha256": sha, "offset": 120_000, "complete": False}
        # The connection dropped; the next session asks where to continue.
        assert dev.post("/api/v1/attachments/missing", json={"hashes": [sha]}).json()["missing"][0]["offset"] == 120_000
        wrong = dev.patch(f"/api/v1/attachments/{sha}", content=content[:10],
                          headers={"Upload-Offset": "0", "Upload-Length": str(len(content))})
        assert wrong.status_code == 409 and wrong.json()["error"] == "offset_mismatch"
        done = dev.patch(f"/api/v1/attachments/{sha}", content=content[120_000:],
                         headers={"Upload-Offset": "120000", "Upload-Length": str(len(content))})
        assert done.json()["complete"] is True
        assert dev.post("/api/v1/attachments/missing", json={"hashes": [sha]}).json() == {"missing": []}
        assert district.service.blobs.read(sha) == content
        # Bytes that do not match their name are refused and dropped.
        other = os.urandom(1000)
        fake = hashlib.sha256(b"something else").hexdigest()
        r = dev.patch(f"/api/v1/attachments/{fake}", content=other,
                      headers={"Upload-Offset": "0", "Upload-Length": "1000"})
        assert r.status_code == 422 and r.json()["error"] == "hash_mismatch"
        assert not district.service.blobs.has(fake)
        assert dev.post("/api/v1/attachments/missing", json={"hashes": [fake]}).json()["missing"][0]["offset"] == 0


def test_events_are_applied_once_parked_when_incomplete_and_never_overwritten(district):
    import hashlib
    import os
    import uuid

    case_id = str(uuid.uuid4())
    page = os.urandom(5000)
    sha = hashlib.sha256(page).hexdigest()
    opened = _event(case_id, 1, "case_opened", {"case_number": "ZC09-20261124-0001", "item_code": "SB001",
                                                "item_name": "社会保障卡申领"})
    marked = _event(case_id, 2, "material_marked", {"code": "photo", "status": "captured", "attachments": [sha]})
    accepted = _event(case_id, 3, "accepted", {"promised_date": "2026-12-01"})
    with _device(district) as dev:
        def push(*events):
            r = dev.post("/api/v1/events", json={"events": list(events)})
            assert r.status_code == 200
            return [(x["status"], x["code"]) for x in r.json()["receipt"]["results"]]

        # Out of order and before its attachment: held, not lost.
        assert push(accepted) == [("parked", 202)]
        assert push(opened, marked) == [("applied", 201), ("parked", 202)]
        assert district.service.counts()["parked"] == 2
        dev.patch(f"/api/v1/attachments/{sha}", content=page,
                  headers={"Upload-Offset": "0", "Upload-Length": str(len(page))}).raise_for_status()
        assert district.service.counts()["parked"] == 0       # the attachment's arrival released both
        assert push(opened, marked, accepted) == [("duplicate", 200)] * 3
        (case,) = district.service.cases()
        assert case.workstation_state == "accepted" and case.decision == "received"
        changed = {**marked, "payload": {**marked["payload"], "status": "missing"}}
        assert push(changed) == [("conflict", 409)]
        other_at_same_place = _event(case_id, 2, "fields_filled", {"values": {}})
        assert push(other_at_same_place) == [("conflict", 409)]
        assert district.service.case_events(case_id)[1].payload["status"] == "captured"
        results = dev.get("/api/v1/results", params={"after": 0}).json()
        assert [e["type"] for e in results["events"]] == ["received"]
        assert dev.get("/api/v1/results", params={"after": results["cursor"]}).json()["events"] == []
    # Another workstation cannot touch this case.
    with _device(district) as intruder:
        r = intruder.post("/api/v1/events", json={"events": [_event(case_id, 4, "withdrawn", {"reason": "x"})]})
        assert r.json()["receipt"]["results"][0]["status"] == "rejected"


def test_a_bare_200_without_a_receipt_does_not_count_as_synced(desk, district):
    from tests.fault_proxy import FaultProxy

    enrol(desk, district)
    accept_cases(desk, 2)
    proxy = FaultProxy(district.port, fault_rate=1.0, faults=("bare_200",)).start()
    try:
        desk.store.sync.set_meta(server_url=proxy.url)
        report = asyncio.run(desk.sync.sync_once())
        assert report.error is not None and report.error.code == "no_receipt"
        assert desk.sync.status().counts["synced"] == 0 and desk.sync.status().unsent == 2
    finally:
        proxy.stop()
    desk.store.sync.set_meta(server_url=district.url)
    assert asyncio.run(desk.sync.drain()).left == 0
    assert_district_holds_exactly(desk, district)


def test_catalogue_and_calendar_arrive_once_and_are_used_from_the_next_start(desk, tmp_path, home, clock):
    import json
    import shutil
    from datetime import date

    from app.config.paths import resources_dir
    from app.config.settings import Settings
    from app.main import build_desk

    data = tmp_path / "district-published"
    shutil.copytree(resources_dir() / "catalog", data / "catalog")
    head = json.loads((data / "catalog" / "catalog.json").read_text(encoding="utf-8"))
    head["version"] = "2027.1.1"
    (data / "catalog" / "catalog.json").write_text(json.dumps(head, ensure_ascii=False), encoding="utf-8")
    (data / "calendar.json").write_text(json.dumps({"version": "2027.1", "days": {
        "2027-01-01": "holiday", "2027-01-04": "holiday"}}), encoding="utf-8")
    district = RunningDistrict(data).start()
    try:
        enrol(desk, district)
        first = asyncio.run(desk.sync.drain())
        assert first.catalog_updated == "2027.1.1"
        assert desk.catalog.catalog.version != "2027.1.1"        # this session keeps the catalogue it began with
        second = asyncio.run(desk.sync.drain())
        assert second.catalog_updated is None                      # If-None-Match: 304, nothing downloaded
    finally:
        district.close()
    desk.close()
    later = build_desk(desk.profile, home, settings=Settings(idcard_poll=False), clock=clock, idcard=None,
                       camera=None, printer=None, receipt_printer=None, sscard=None)
    try:
        assert later.catalog.catalog.version == "2027.1.1"
        assert later.intake.calendar.is_working_day(date(2027, 1, 4)) == (False, True)   # a Monday, told off
    finally:
        later.close()


def test_a_broken_catalogue_from_the_district_is_not_kept(desk, tmp_path):
    import json
    import shutil

    from app.config.paths import resources_dir

    data = tmp_path / "district-broken"
    shutil.copytree(resources_dir() / "catalog", data / "catalog")
    (data / "catalog" / "bundles.json").write_text(json.dumps({"bundles": [{"code": "X", "name": "坏",
                                                                              "items": ["NOPE", "NADA"]}]}))
    district = RunningDistrict(data).start()
    try:
        enrol(desk, district)
        report = asyncio.run(desk.sync.drain())
        assert report.catalog_updated is None
        assert not (desk.paths.data / "from-district" / "catalog").exists()
    finally:
        district.close()


def test_a_case_whose_scan_is_lost_locally_is_held_back_and_the_rest_go(desk, district):
    enrol(desk, district)
    broken, fine = accept_cases(desk, 2, seed=21)
    lost = next(h for m in broken.materials for h in broken.attachments_of(m.code))
    desk.store.attachments.path(lost).unlink()            # a disk fault, a cleaner, a bad restore
    report = asyncio.run(desk.sync.drain())
    assert [c for c, _ in report.quarantined] == [broken.primary.id]
    assert "材料文件" in report.quarantined[0][1] and "缺失" in report.quarantined[0][1]
    assert fine.primary.id in report.synced
    assert [c.id for c in district.service.cases()] == [fine.primary.id]   # nothing half-sent of the other


def test_a_catalogue_with_a_text_version_is_not_published_and_a_bad_download_is_set_aside(desk, tmp_path, home,
                                                                                          clock):
    import json
    import shutil

    from app.config.paths import resources_dir
    from app.config.settings import Settings
    from app.main import build_desk

    data = tmp_path / "district-v"
    shutil.copytree(resources_dir() / "catalog", data / "catalog")
    head = json.loads((data / "catalog" / "catalog.json").read_text(encoding="utf-8"))
    head["version"] = "v2026.12"
    (data / "catalog" / "catalog.json").write_text(json.dumps(head, ensure_ascii=False), encoding="utf-8")
    district = RunningDistrict(data).start()
    try:
        enrol(desk, district)
        report = asyncio.run(desk.sync.drain())      # the server publishes its bundled catalogue instead
        assert report.error is None and report.catalog_updated == "2026.12.1"
    finally:
        district.close()
    # A catalogue that got onto the disk anyway (an older server, a hand copy) never stops a start.
    downloaded = desk.paths.data / "from-district" / "catalog"
    shutil.copytree(data / "catalog", downloaded, dirs_exist_ok=True)
    desk.close()
    later = build_desk(desk.profile, home, settings=Settings(idcard_poll=False), clock=clock, idcard=None,
                       camera=None, printer=None, receipt_printer=None, sscard=None)
    try:
        assert later.catalog.catalog.version == "2026.12.1"
        assert any("事项目录无法使用" in w for w in later.startup_warnings)
        assert not downloaded.exists() and list(downloaded.parent.glob("catalog.rejected-*"))
    finally:
        later.close()

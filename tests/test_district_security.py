"""The district server against an attacker and a careless client: escaped pages with a CSP, named officers
with CSRF-checked forms and an audit, no body read before the token, bounded bodies, a 422 with a reason for
every malformed input, rate limits, expiring and renewed device tokens, expiring partial uploads."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import httpx
import pytest
from argon2 import PasswordHasher

from district.server import ServerThread, open_district
from district.service import ServerConfig

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
XSS = '"><img src=x onerror=alert(1)>'


class Clock:
    def __init__(self):
        self.now = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def server(tmp_path):
    clock = Clock()
    district = open_district(tmp_path / "district", config=ServerConfig(name="测试区级平台", token_days=30,
                                                                          allow_training=True),
                             clock=clock, password_hasher=FAST)
    district.officers.add("li", "李经办", "officer-pass-1")
    thread = ServerThread(district.app()).start()
    yield district, thread.url, clock
    thread.stop()
    district.close()


def enrol(district, url) -> str:
    r = httpx.post(url + "/api/v1/enrol", json={"code": district.service.create_enrolment_code(), "name": "1号窗口",
                                                 "prefix": "ZC01", "training": False})
    return r.json()["token"]


def opening(case_id: str, **payload) -> dict:
    return {"id": str(uuid.uuid4()), "case_id": case_id, "seq": 1, "type": "case_opened", "clerk": "wang",
            "occurred_at": "2026-12-02T09:00:00+08:00",
            "payload": {"case_number": "ZC01-20261202-0001", "item_code": "SB003", "item_name": "社会保障卡申领",
                        **payload}}


def push(url, token, *events) -> httpx.Response:
    return httpx.post(url + "/api/v1/events", json={"events": list(events)}, headers={"Authorization": f"Bearer {token}"})


class Forms(HTMLParser):
    """The elements and form fields of a served page, as a browser would build them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]


@contextlib.contextmanager
def browser_login(url):
    c = httpx.Client(base_url=url, follow_redirects=False)
    page = Forms(c.get("/backoffice").text)
    csrf = next(a["value"] for a in page.all("input") if a.get("name") == "csrf")
    r = c.post("/backoffice/login", data={"username": "li", "password": "officer-pass-1", "csrf": csrf})
    assert r.status_code == 303
    try:
        yield c
    finally:
        c.close()


# --- the page -------------------------------------------------------------------------------------

def test_what_a_device_sends_is_shown_as_text_under_a_policy_that_runs_no_script(server):
    district, url, _ = server
    token = enrol(district, url)
    bad_id = push(url, token, opening(XSS.ljust(36, "x")))
    assert bad_id.status_code == 422 and "case_id" in bad_id.json()["reason"]
    assert push(url, token, opening(str(uuid.uuid4()), item_name=XSS, case_number=XSS)).status_code == 200
    with browser_login(url) as browser:
        page = browser.get("/backoffice")
    assert page.status_code == 200 and XSS not in page.text and "&lt;img" in page.text
    assert Forms(page.text).all("img") == [] and Forms(page.text).all("script") == []
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"


def test_a_form_posted_from_another_site_records_nothing_the_officers_own_form_does(server):
    district, url, _ = server
    token = enrol(district, url)
    case_id = str(uuid.uuid4())
    push(url, token, opening(case_id), {**opening(case_id), "id": str(uuid.uuid4()), "seq": 2, "type": "accepted",
                                        "payload": {"promised_date": "2026-12-10"}})
    with browser_login(url) as browser:
        forged = browser.post(f"/backoffice/cases/{case_id}/decision", data={"approved": "1"},
                              headers={"Origin": "http://evil.example"})
        assert forged.status_code == 403
        no_token = browser.post(f"/backoffice/cases/{case_id}/decision", data={"approved": "1"})
        assert no_token.status_code == 403
        assert {c.id: c.decision for c in district.service.cases()}[case_id] == "received"
        form = Forms(browser.get("/backoffice").text)
        csrf = next(a["value"] for a in form.all("input") if a.get("name") == "csrf")
        assert any(a.get("action") == f"/backoffice/cases/{case_id}/decision" for a in form.all("form"))
        done = browser.post(f"/backoffice/cases/{case_id}/decision", data={"approved": "1", "csrf": csrf,
                                                                          "note": "材料齐全"})
        assert done.status_code == 303
    case = {c.id: c for c in district.service.cases()}[case_id]
    assert case.decision == "approved"
    assert [(e.officer, e.action, e.case_id) for e in district.officers.audit_entries()][0] == ("li", "approve",
                                                                                                 case_id)


def test_cookies_are_http_only_and_same_site_strict(server):
    _, url, _ = server
    with browser_login(url) as browser:
        r = browser.get("/backoffice")
        assert "李经办" in r.text
    c = httpx.Client(base_url=url)
    page = Forms(c.get("/backoffice").text)
    csrf = next(a["value"] for a in page.all("input") if a.get("name") == "csrf")
    r = c.post("/backoffice/login", data={"username": "li", "password": "officer-pass-1", "csrf": csrf})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_five_wrong_passwords_lock_an_officer_and_logins_are_rate_limited(server):
    district, url, _ = server
    for _ in range(5):
        assert httpx.post(url + "/backoffice/api/login", json={"username": "li", "password": "nope-nope-1"}
                          ).status_code == 401
    locked = httpx.post(url + "/backoffice/api/login", json={"username": "li", "password": "officer-pass-1"})
    assert locked.status_code == 429 and "锁定" in locked.json()["reason"]
    codes = [httpx.post(url + "/backoffice/api/login", json={"username": "zhang", "password": "x"}).status_code
             for _ in range(20)]
    assert codes[-1] == 429                                       # 20 attempts in ten minutes from one address


# --- the device API -------------------------------------------------------------------------------

def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def raw_request(url: str, head: str) -> tuple[str, float]:
    """Send only the request head (a body is announced but never sent) and read the answer."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(head.encode())
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            more = s.recv(4096)
            if not more:
                break
            answer += more
        answer = answer.decode("utf-8", "replace")
    return answer, time.monotonic() - started


def test_a_gigabyte_body_without_a_token_is_refused_before_it_is_read(server):
    district, url, _ = server
    answer, _ = raw_request(url, "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 1073741824\r\n\r\n")
    assert answer.startswith("HTTP/1.1 401") and "no_token" in answer
    token = enrol(district, url)
    answer, _ = raw_request(url, f"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                                 "Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n")
    assert answer.startswith("HTTP/1.1 413")

    def endless():
        for _ in range(40):
            yield b" " * (1 << 20)                              # 40 MiB, chunked, no length announced

    r = httpx.post(url + "/api/v1/events", content=endless(), headers={"Authorization": f"Bearer {token}",
                                                                       "Content-Type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize("change", [
    {"seq": 2**63}, {"payload": {"case_number": 5, "item_code": "SB003", "item_name": "x"}},
    {"payload": {"case_number": "ZC01-1", "attachments": 5}}, {"clerk": "wang\udc80"},
    {"payload": {"case_number": "ZC01-1", "note\ud800": "x"}},
], ids=["huge-seq", "number-as-case-number", "attachments-not-a-list", "lone-surrogate", "surrogate-key"])
def test_malformed_events_are_a_422_with_a_reason_and_do_not_block_the_device(server, change):
    district, url, _ = server
    token = enrol(district, url)
    body = json.dumps({"events": [{**opening(str(uuid.uuid4())), **change}]}, ensure_ascii=True)
    r = httpx.post(url + "/api/v1/events", content=body, headers={"Authorization": f"Bearer {token}",
                                                                  "Content-Type": "application/json"})
    if r.status_code == 200:                                     # well-formed JSON, but unusable: this event only
        (result,) = r.json()["receipt"]["results"]
        assert result["status"] == "rejected" and result["reason"]
    else:
        assert r.status_code == 422 and r.json()["reason"].startswith("请求格式有误")
    good = push(url, token, opening(str(uuid.uuid4())))
    assert good.json()["receipt"]["results"][0]["status"] == "applied"


def test_other_malformed_requests_are_422_too(server):
    district, url, _ = server
    token = enrol(district, url)
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(url + "/api/v1/results", params={"after": 2**64}, headers=auth).status_code == 422
    enrol_body = '{"code": "\\ud800", "name": "x", "prefix": "ZC01"}'
    r = httpx.post(url + "/api/v1/enrol", content=enrol_body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "reason" in r.json()
    r = httpx.patch(url + "/api/v1/attachments/" + "a" * 64, content=b"x",
                    headers={**auth, "Upload-Offset": str(2**70), "Upload-Length": "1"})
    assert r.status_code == 422


def test_guessing_enrolment_codes_is_slowed_down(server):
    district, url, _ = server
    codes = [httpx.post(url + "/api/v1/enrol", json={"code": f"AAAA-BBBB-CCCC-{i:04d}", "name": "x",
                                                     "prefix": "ZC09"}) for i in range(11)]
    assert [r.status_code for r in codes[:10]] == [403] * 10
    assert codes[10].status_code == 429 and int(codes[10].headers["Retry-After"]) > 0


def test_a_device_token_is_renewed_in_its_last_third_and_expires_unrenewed(server, desk):
    district, url, clock = server
    asyncio.run(desk.sync.enrol(url, district.service.create_enrolment_code()))
    first = desk.store.sync.meta()["token"]
    assert asyncio.run(desk.sync.drain()).error is None and desk.store.sync.meta()["token"] == first
    clock.now += timedelta(days=21)                               # 30-day tokens: the last third has begun
    asyncio.run(desk.sync.drain())
    renewed = desk.store.sync.meta()["token"]
    assert renewed != first
    info = httpx.get(url + "/api/v1/results", headers={"Authorization": f"Bearer {renewed}"})
    assert info.status_code == 200 and "X-Token-Renew" not in info.headers
    gone = httpx.get(url + "/api/v1/results", headers={"Authorization": f"Bearer {first}"})
    assert gone.status_code == 401                                # the old one ends once the new one is used
    clock.now += timedelta(days=31)
    expired = httpx.get(url + "/api/v1/results", headers={"Authorization": f"Bearer {renewed}"})
    assert expired.status_code == 401 and expired.json()["error"] == "token_expired"


def test_an_abandoned_partial_upload_is_deleted_after_a_week(server):
    district, url, _ = server
    token = enrol(district, url)
    r = httpx.patch(url + "/api/v1/attachments/" + "b" * 64, content=b"half",
                    headers={"Authorization": f"Bearer {token}", "Upload-Offset": "0", "Upload-Length": "8",
                             "Content-Type": "application/octet-stream"})
    assert r.json()["complete"] is False
    (part,) = (district.data / "uploads").glob("*/*.part")
    old = time.time() - 8 * 86400
    os.utime(part, (old, old))
    assert district.service.sweep_partial_uploads() == 1 and not part.exists()


def test_the_servers_files_are_readable_by_its_account_only(server):
    district, _, _ = server
    for p in (district.data, district.data / "district.sqlite3"):
        assert p.stat().st_mode & 0o077 == 0, p


def test_a_production_workstation_is_warned_before_enrolling_to_a_training_server(tmp_path):
    from app.config.paths import Profile
    from app.main import build_desk
    from app.sync.client import SyncError
    from tests.conftest import FAST_HASHER

    district = open_district(tmp_path / "district", config=ServerConfig(name="培训平台", allow_training=True))
    thread = ServerThread(district.app()).start()
    desk = build_desk(Profile.PRODUCTION, {"ZONGCHUANG_HOME": str(tmp_path / "home")}, password_hasher=FAST_HASHER,
                      idcard=None, camera=None, printer=None, receipt_printer=None, sscard=None)
    try:
        with pytest.raises(SyncError, match="培训服务器") as refused:
            asyncio.run(desk.sync.enrol(thread.url, district.service.create_enrolment_code()))
        assert refused.value.code == "training_server" and "token" not in desk.store.sync.meta()
        asyncio.run(desk.sync.enrol(thread.url, district.service.create_enrolment_code(),
                                    accept_training_server=True))
        assert "token" in desk.store.sync.meta()
    finally:
        desk.close()
        thread.stop()
        district.close()


def test_an_attachment_chunk_streams_to_disk_and_an_oversized_one_is_refused(server):
    district, url, _ = server
    token = enrol(district, url)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"}

    def pieces(total: int):
        for _ in range(total // (1 << 20)):
            yield b"\0" * (1 << 20)

    big = httpx.patch(url + "/api/v1/attachments/" + "c" * 64, content=pieces(9 << 20),
                      headers={**auth, "Upload-Offset": "0", "Upload-Length": str(20 << 20)})
    assert big.status_code == 413 and not list((district.data / "uploads").glob("*/*.part"))
    ok = httpx.patch(url + "/api/v1/attachments/" + "c" * 64, content=pieces(4 << 20),
                     headers={**auth, "Upload-Offset": "0", "Upload-Length": str(20 << 20)})
    assert ok.status_code == 200 and ok.json()["offset"] == 4 << 20

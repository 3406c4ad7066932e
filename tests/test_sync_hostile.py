"""A district server that misbehaves on purpose — an upload that never completes, a results feed that repeats
its cursor, a reply trickled a byte at a time, replies of the wrong shape — ends every sync round in bounded
time with a retryable Chinese sentence: no endless loop, no hang, no traceback, nothing lost locally."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from district.server import ServerThread
from tests.sync_support import accept_cases


class Hostile:
    """One bad behaviour at a time (`mode`), otherwise a district that accepts everything."""

    def __init__(self):
        self.mode = ""
        self.requests = 0
        app = FastAPI()

        @app.post("/api/v1/attachments/missing")
        async def missing(request: Request):
            self.requests += 1
            hashes = (await request.json())["hashes"]
            if self.mode == "missing-garbage":
                return {"missing": [1, 2, 3]}
            return {"missing": [{"sha256": h, "offset": 0} for h in hashes]}

        @app.patch("/api/v1/attachments/{sha256}")
        async def upload(sha256: str, request: Request):
            self.requests += 1
            await request.body()
            if self.mode == "upload-never-completes":
                return {"sha256": sha256, "offset": 0, "complete": False}
            if self.mode == "upload-garbage":
                return {"sha256": sha256, "offset": "lots", "complete": "maybe"}
            return {"sha256": sha256, "offset": int(request.headers["upload-length"]), "complete": True}

        @app.post("/api/v1/events")
        async def events(request: Request):
            self.requests += 1
            sent = (await request.json())["events"]
            if self.mode == "trickle":
                async def slowly():
                    for byte in b'{"receipt": {"server": "slow", "results": []}}':
                        await asyncio.sleep(0.15)
                        yield bytes([byte])
                return StreamingResponse(slowly(), media_type="application/json")
            if self.mode == "receipt-garbage":
                return {"receipt": {"results": [{"id": e["id"], "status": 7} for e in sent]}}
            if self.mode == "not-json":
                return Response(b"\xff\xfe<html>", media_type="application/json")
            return {"receipt": {"server": "x", "received_at": "now",
                                "results": [{"id": e["id"], "status": "applied", "code": 201} for e in sent]}}

        @app.get("/api/v1/results")
        async def results(after: int = 0):
            self.requests += 1
            if self.mode == "results-repeat":
                return {"events": [{"cursor": 1, "id": "r1", "case_id": "c", "type": "received", "payload": {},
                                    "by": "d", "occurred_at": "2026-12-02T10:00:00+08:00"}], "cursor": after}
            if self.mode == "results-garbage":
                return {"events": ["received", None, 5], "cursor": after + 3}
            if self.mode == "results-bad-time" and after == 0:
                return {"events": [{"cursor": 1, "id": "r1", "case_id": self.case_id, "type": "received",
                                    "payload": {}, "by": "d", "occurred_at": "yesterday"}], "cursor": 1}
            return {"events": [], "cursor": after}

        @app.get("/api/v1/catalog")
        async def catalog():
            return JSONResponse({"version": "v2026.12", "files": {"catalog.json": [1]}})

        @app.get("/api/v1/calendar")
        async def calendar():
            return JSONResponse({"version": "1", "days": "none"})

        self.app = app
        self.case_id = ""


@pytest.fixture
def hostile():
    server = Hostile()
    thread = ServerThread(server.app).start()
    server.url = thread.url
    yield server
    thread.stop()


MODES = {
    "upload-never-completes": "进度不前进", "upload-garbage": "无法识别", "missing-garbage": "无法识别",
    "trickle": "过慢", "receipt-garbage": "回执", "not-json": "回执", "results-repeat": "游标没有前进",
    "results-garbage": "无法识别",
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_misbehaving_server_ends_the_round_with_a_sentence(desk, hostile, mode):
    desk.sync.timeout = 0.5                                      # a 2-second deadline per request
    desk.store.sync.set_meta(server_url=hostile.url, token="t" * 43, device_id="d", server_kind="external",
                             results_cursor="0")
    accept_cases(desk, 2)
    hostile.mode = mode
    started = time.monotonic()
    report = asyncio.run(desk.sync.sync_once())
    assert time.monotonic() - started < 20
    if mode.startswith("results"):                               # the push went through; the pull did not
        assert report.cases_synced == 2
    assert report.error is not None and report.error.retryable and MODES[mode] in report.error.message, \
        report.error
    assert hostile.requests < 60                                 # bounded: no request loop
    assert len(desk.store.cases.search()) == 2                    # nothing lost


def test_a_result_that_cannot_be_read_is_skipped_and_the_feed_goes_on(desk, hostile):
    desk.store.sync.set_meta(server_url=hostile.url, token="t" * 43, device_id="d", server_kind="external",
                             results_cursor="0")
    (app,) = accept_cases(desk, 1)
    hostile.case_id, hostile.mode = app.primary.id, "results-bad-time"
    report = asyncio.run(desk.sync.sync_once())
    assert report.error is None and desk.store.sync.meta()["results_cursor"] == "1"
    assert desk.store.cases.get(app.primary.id).state.value == "accepted"    # unchanged by the bad result
    assert report.catalog_updated is None                        # and the unusable catalogue was not kept

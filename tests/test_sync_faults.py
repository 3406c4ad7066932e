"""Exactly once through a hostile network: a fault-injecting proxy between workstation and district,
and a workstation killed (SIGKILL) at random moments of its sync."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.domain.case import CaseState
from tests.fault_proxy import FAULTS, FaultProxy
from tests.sync_support import RunningDistrict, accept_cases, assert_district_holds_exactly

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def district(tmp_path):
    d = RunningDistrict(tmp_path / "district").start()
    yield d
    d.close()


def test_two_hundred_cases_arrive_exactly_once_through_a_faulty_network(desk, district):
    apps = accept_cases(desk, 200, pages=1, page_size=30_000)
    asyncio.run(desk.sync.enrol(district.url, district.service.create_enrolment_code()))
    proxy = FaultProxy(district.port, fault_rate=0.3, seed=11).start()
    desk.store.sync.set_meta(server_url=proxy.url)
    desk.sync.timeout = 1.0                      # the proxy's "stall" must not hold a round for long
    desk.sync.engine.batch_cases = 10
    rounds, errors = 0, set()
    try:
        while rounds < 600:
            rounds += 1
            report = asyncio.run(desk.sync.sync_once())
            if report.error:
                errors.add(report.error.code)
                assert report.error.retryable, report.error.message
            elif report.left == 0:
                break
    finally:
        proxy.stop()
    print(f"\n{rounds} rounds; proxy behaviours {dict(proxy.seen)}; client errors {sorted(errors)}")
    assert report.ok and report.left == 0
    assert set(proxy.seen) >= set(FAULTS) | {"pass"}          # every kind of fault was met
    assert {"network", "timeout", "server_error", "busy", "no_receipt"} <= errors
    figures = assert_district_holds_exactly(desk, district)
    assert figures["cases"] == 200 and figures["attachments"] >= 200
    assert desk.sync.status().counts["synced"] == 200
    states = {desk.store.cases.get(a.primary.id).state for a in apps}
    assert states == {CaseState.SUBMITTED}          # every "received" result applied exactly once


def _child(home: Path) -> subprocess.Popen:
    env = {**os.environ, "ZONGCHUANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, str(ROOT / "tests" / "sync_child.py")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def test_killing_the_workstation_mid_sync_fifty_times_loses_and_doubles_nothing(desk, district, home):
    """The clerk keeps accepting cases and the back office keeps deciding, while the workstation's sync is
    killed at a random moment of every run: uploads, event batches, receipts, results, anything."""
    asyncio.run(desk.sync.enrol(district.url, district.service.create_enrolment_code()))
    accept_cases(desk, 10, pages=3, page_size=100_000)
    rng = random.Random(5)
    kills = runs = decided = 0
    while kills < 50:
        runs += 1
        assert runs < 150, f"only {kills} of {runs} runs were still syncing when killed"
        accept_cases(desk, 1, pages=3, page_size=100_000, seed=runs)
        if runs % 5 == 0:
            for case in district.service.cases("received"):
                district.service.decide(case.id, approved=rng.random() < 0.7, note="后台意见", by="科员")
                decided += 1
        child = _child(Path(home["ZONGCHUANG_HOME"]))
        assert child.stdout.readline().strip() == "syncing"
        time.sleep(rng.uniform(0.0, 0.6))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(30)
        child.stdout.close()
    for case in district.service.cases("received"):
        district.service.decide(case.id, approved=True, note="后台意见", by="科员")
        decided += 1
    final = _child(Path(home["ZONGCHUANG_HOME"]))
    out, _ = final.communicate(timeout=300)
    assert final.returncode == 0, out
    print(f"\n{kills} kills in {runs} runs, {decided} decisions; last run: {out.strip().splitlines()[-1]}")

    figures = assert_district_holds_exactly(desk, district)
    total = 10 + runs
    assert figures["cases"] == total and figures["attachments"] >= 3 * total
    assert desk.sync.status().counts == {"pending": 0, "uploading": 0, "synced": total, "quarantined": 0}
    assert desk.store.engine.connect().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    decisions = {c.id: c.decision for c in district.service.cases()}
    assert set(decisions.values()) <= {"approved", "denied", "received"} and "approved" in decisions.values()
    expected = {"approved": CaseState.COMPLETED_APPROVED, "denied": CaseState.COMPLETED_DENIED,
                "received": CaseState.SUBMITTED}    # accepted while the last decisions were being made
    for case_id, decision in decisions.items():        # every result applied once, to the right case
        types = [e.type for e in desk.store.cases.events(case_id)]
        assert types.count("submitted") == 1
        assert types.count("completed") == (0 if decision == "received" else 1)
        assert desk.store.cases.get(case_id).state is expected[decision]

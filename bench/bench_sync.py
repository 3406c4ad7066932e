"""Sync throughput against a raw httpx upload of the same bytes to the same server, over loopback.

Run: .venv/bin/python bench/bench_sync.py [--cases 1000] [--size 300000] [--runs 2]
Every run makes a fresh workstation holding N accepted cases with 3 attachments of `size` random bytes
each. The district server runs as its own process (`python -m district serve`, SQLite), started fresh
for each measurement so that nothing is already there. Measured one after the other, alternating which
goes first from run to run:
- baseline: one httpx.AsyncClient reads each attachment (decrypting it, as the sync does) and PATCHes it whole to
  /api/v1/attachments/{sha256} — just the bytes, no events, no bookkeeping;
- sync: `SyncService.drain()` — which attachments are missing, resumable upload, every case event
  with its receipt, the acknowledgements in the local database, and the results feed (the district's
  "received" with the official number, applied to each case and sent back).
Throughput = attachment bytes / wall time. Target: sync ≥ 0.8 × baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx  # noqa: E402

from app.config.paths import Profile  # noqa: E402
from app.config.settings import Settings  # noqa: E402
from app.demo import demo_clerk, fill_like_a_citizen  # noqa: E402
from app.main import build_desk  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, data: Path):
        self.data, self.port = data, free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-m", "district", "serve", "--data", str(data), "--port",
                                      str(self.port), "--allow-training"], env=env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(self.url + "/api/v1/info").raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def enrolment_code(self) -> str:
        out = subprocess.run([sys.executable, "-m", "district", "enrolment-code", "--data", str(self.data)],
                             cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ,
                                                                                          "PYTHONPATH": str(ROOT)})
        return out.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def make_cases(desk, n: int, size: int) -> list[str]:
    """N accepted cases, each with exactly 3 attachments; returns every attachment hash."""
    rng = random.Random(1)
    clerk = demo_clerk(desk)
    desk.devices.present_simulated_card(0)
    holder = desk.devices.read_card().holder
    hashes = []
    for i in range(n):
        app = desk.intake.start("item", ["SB001", "YB003", "SB003", "CL003"][i % 4], clerk)
        desk.intake.set_applicant(app, holder, clerk, from_card=True)
        fill_like_a_citizen(desk, app, clerk)
        required = [m for m in app.materials if m.required and not app.attachments_of(m.code)]
        pages = [[] for _ in required]
        for k in range(3):
            pages[k % len(required)].append(rng.randbytes(size))
        for m, p in zip(required, pages, strict=True):
            if p:
                hashes += desk.intake.attach_pages(app, m.code, p, clerk)
        desk.intake.accept(app, clerk)
    return hashes


async def raw_upload(url: str, token: str, desk, hashes: list[str]) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        for h in hashes:
            data = desk.store.attachments.get(h)          # read and decrypted, as the sync does
            r = await c.patch(f"/api/v1/attachments/{h}", content=data,
                              headers={"Upload-Offset": "0", "Upload-Length": str(len(data))})
            r.raise_for_status()


def measure_raw(desk, hashes, work: Path, n: int) -> float:
    server = ServerProcess(work / f"raw-{n}")
    try:
        token = httpx.post(server.url + "/api/v1/enrol", json={"code": server.enrolment_code(), "name": "bench",
                                                               "prefix": "BENCH", "training": True}).json()["token"]
        start = time.perf_counter()
        asyncio.run(raw_upload(server.url, token, desk, hashes))
        return time.perf_counter() - start
    finally:
        server.stop()


def measure_sync(desk, work: Path, n: int) -> tuple[float, object]:
    server = ServerProcess(work / f"sync-{n}")
    try:
        asyncio.run(desk.sync.enrol(server.url, server.enrolment_code()))
        start = time.perf_counter()
        report = asyncio.run(desk.sync.drain())
        elapsed = time.perf_counter() - start
        assert report.ok and report.left == 0, report
        return elapsed, report
    finally:
        server.stop()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--size", type=int, default=300_000)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    ratios = []
    for n in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
            work = Path(tmp)
            desk = build_desk(Profile.TRAINING, {"ZONGCHUANG_HOME": str(work / "home")},
                              settings=Settings(idcard_poll=False), camera=None, printer=None,
                              receipt_printer=None, sscard=None)
            try:
                t = time.perf_counter()
                hashes = make_cases(desk, args.cases, args.size)
                total = len(hashes) * args.size
                made = time.perf_counter() - t
                if n % 2 == 0:                  # alternate which goes first
                    raw = measure_raw(desk, hashes, work, n)
                    synced, report = measure_sync(desk, work, n)
                else:
                    synced, report = measure_sync(desk, work, n)
                    raw = measure_raw(desk, hashes, work, n)
            finally:
                desk.close()
        ratios.append(raw / synced)
        print(f"run {n + 1}: {args.cases} cases, {len(hashes)} attachments, {total / 1e6:.0f} MB (made in "
              f"{made:.0f} s); raw upload {total / raw / 1e6:.1f} MB/s ({raw:.1f} s); sync "
              f"{total / synced / 1e6:.1f} MB/s ({synced:.1f} s; {report.events_sent} events, "
              f"{report.results_applied} results); ratio {raw / synced:.2f}", flush=True)
    print(f"sync / raw throughput: {min(ratios):.2f}–{max(ratios):.2f} (target ≥ 0.8)")
    print(f"RESULT name=sync_vs_raw_upload value={min(ratios):.2f} unit=x target>=0.8 "
          f"pass={'yes' if min(ratios) >= 0.8 else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

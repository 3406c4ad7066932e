"""Helpers for the sync tests: a district server on 127.0.0.1, accepted cases with attachments, and
checks that what the district holds is exactly what the workstation sent."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from app.demo import demo_clerk, fill_like_a_citizen
from app.services.desk import Desk
from app.services.intake import Application
from district.server import District, ServerThread, open_district
from district.service import ServerConfig, referenced_attachments

ITEMS = ["SB001", "SB003", "CL003", "YB003"]


class RunningDistrict:
    """A district server that can be stopped and brought up again on the same port."""

    def __init__(self, data: Path, *, allow_training: bool = True, database: str | None = None):
        self.data, self.database = data, database
        self.config = ServerConfig(name="测试区级平台", allow_training=allow_training)
        self.district: District = open_district(data, database, self.config)
        self.thread: ServerThread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def service(self):
        return self.district.service

    def start(self) -> RunningDistrict:
        self.thread = ServerThread(self.district.app(), port=self.port).start()
        self.port = self.thread.port
        return self

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread = None

    def close(self) -> None:
        self.stop()
        self.district.close()


def accept_cases(desk: Desk, n: int, *, pages: int = 1, page_size: int = 20_000, seed: int = 1) -> list[Application]:
    """`n` accepted single-item applications, each required material captured as `pages` random pages."""
    rng = random.Random(seed)
    clerk = demo_clerk(desk)
    desk.devices.present_simulated_card(0)
    holder = desk.devices.read_card().holder
    apps = []
    for i in range(n):
        app = desk.intake.start("item", ITEMS[i % len(ITEMS)], clerk)
        desk.intake.set_applicant(app, holder, clerk, from_card=True)
        fill_like_a_citizen(desk, app, clerk)
        for m in app.materials:
            if m.required and not app.attachments_of(m.code):
                desk.intake.attach_pages(app, m.code, [rng.randbytes(page_size) for _ in range(pages)], clerk)
        desk.intake.accept(app, clerk)
        apps.append(app)
    return apps


def local_events(desk: Desk) -> dict[str, tuple[str, int]]:
    """Every event of the workstation: id -> (case id, seq)."""
    out = {}
    for summary in desk.store.cases.search(limit=100_000):
        for e in desk.store.cases.events(summary.id):
            out[e.id] = (e.case_id, e.seq)
    return out


def assert_district_holds_exactly(desk: Desk, district: RunningDistrict) -> dict[str, int]:
    """Every workstation event on the server once with identical content, every attachment once and
    byte-identical, nothing parked; returns the figures."""
    from district.service import content_sha256

    mine = {}
    for summary in desk.store.cases.search(limit=100_000):
        for e in desk.store.cases.events(summary.id):
            mine[e.id] = e
    theirs = {}
    hashes: set[str] = set()
    for case in district.service.cases():
        for row in district.service.case_events(case.id):
            assert row.id not in theirs
            theirs[row.id] = row
            hashes.update(referenced_attachments(row.payload))
    assert set(theirs) == set(mine), (len(theirs), len(mine))
    for event_id, e in mine.items():
        assert theirs[event_id].content_sha256 == content_sha256(e.to_dict()), event_id
        assert not theirs[event_id].parked
    local_hashes = {h for e in mine.values() for h in (e.payload.get("attachments") or [])}
    assert hashes == local_hashes
    for h in local_hashes:
        data = district.district.service.blobs.read(h)
        assert hashlib.sha256(data).hexdigest() == h
        assert data == desk.store.attachments.get(h)
    leftovers = list((district.data / "uploads").rglob("*.part")) if (district.data / "uploads").exists() else []
    counts = district.service.counts()
    assert counts["parked"] == 0
    assert counts["cases"] == len({e.case_id for e in mine.values()})
    assert counts["attachments"] == len(local_hashes)
    return {"events": len(mine), "attachments": len(local_hashes), "cases": counts["cases"],
            "partial_uploads_left": len(leftovers)}

"""One sync round: attachments the district lacks, then case events in order, then the results feed.

Database and file work runs on the caller's executor (never the event loop's thread); only an explicit
receipt marks an event synced, so a round cut anywhere is simply repeated by the next one.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from app.domain.case import CaseEvent
from app.domain.catalog import parse_catalog
from app.domain.errors import CatalogError
from app.i18n import _
from app.store.attachments import AttachmentStore
from app.store.errors import StoreError
from app.store.sync import SyncRepository
from app.sync.client import DistrictClient, SyncError
from app.sync.results import apply_result

log = logging.getLogger(__name__)
MAX_RESULT_PAGES = 200        # per round (200 × 200 results); the next round goes on

CHUNK = 1024 * 1024


@dataclass
class SyncReport:
    synced: set[str] = field(default_factory=set)        # cases with every event acknowledged
    events_sent: int = 0
    attachments_uploaded: int = 0
    bytes_uploaded: int = 0
    results_applied: int = 0
    parked: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)   # (case_id, reason)
    catalog_updated: str | None = None
    error: SyncError | None = None
    left: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def cases_synced(self) -> int:
        return len(self.synced)

    def add(self, later: SyncReport) -> None:
        """Fold a later round into this one: totals add up, the outcome is the later round's."""
        self.synced |= later.synced
        self.events_sent += later.events_sent
        self.attachments_uploaded += later.attachments_uploaded
        self.bytes_uploaded += later.bytes_uploaded
        self.results_applied += later.results_applied
        self.quarantined += later.quarantined
        self.parked, self.left, self.error = later.parked, later.left, later.error
        self.catalog_updated = later.catalog_updated or self.catalog_updated


async def on_executor(executor: Executor, fn, *args, **kw):
    """Run blocking work (database, files) on `executor`, never on the event loop's thread."""
    return await asyncio.get_running_loop().run_in_executor(executor, partial(fn, *args, **kw))


def attachments_of(events: list[CaseEvent]) -> list[str]:
    return list(dict.fromkeys(h for e in events for h in (e.payload.get("attachments") or [])
                              if isinstance(h, str)))


class SyncEngine:
    def __init__(self, repo: SyncRepository, attachments: AttachmentStore, executor: Executor,
                 clock: Callable[[], datetime], downloads: Path | None = None, *, batch_cases: int = 20,
                 chunk: int = CHUNK, parallel: int = 3):
        self.repo, self.attachments, self.executor, self.clock = repo, attachments, executor, clock
        self.downloads, self.batch_cases, self.chunk, self.parallel = downloads, batch_cases, chunk, parallel

    async def _db(self, fn, *args, **kw):
        return await on_executor(self.executor, fn, *args, **kw)

    async def run(self, client: DistrictClient) -> SyncReport:
        """Push everything pending, pull results and published data; stops at the first retryable error."""
        report = SyncReport()
        try:
            await self._db(self.repo.reset_interrupted)
            await self.push(client, report)
            await self.pull(client, report)
            if report.results_applied:      # the results became events of their cases: send those too
                await self.push(client, report)
            if self.downloads is not None:
                await self.fetch_published(client, report)
        except SyncError as e:
            report.error = e
            log.warning("sync stopped: %s (%s)", e.message, e.code or e.status)
        except StoreError as e:
            report.error = SyncError(str(e), retryable=True, code="store")
        except Exception as e:  # noqa: BLE001 — whatever a server sends, a round ends in a sentence
            log.exception("sync round failed unexpectedly")
            report.error = SyncError(_("同步出错（{error_type}），将重试；详情已写入日志").format(
                    error_type=type(e).__name__), retryable=True,
                                     code="unexpected")
        finally:
            await self._db(self.repo.reset_interrupted)
            report.left = len(await self._db(self.repo.pending_case_ids))
        return report

    # --- push ---------------------------------------------------------------------------------------

    async def push(self, client: DistrictClient, report: SyncReport) -> None:
        tried: set[str] = set()
        while True:
            batch = [c for c in await self._db(self.repo.pending_case_ids) if c not in tried][:self.batch_cases]
            if not batch:
                return
            tried.update(batch)
            await self._db(self.repo.mark_uploading, batch)
            events = await self._db(self.repo.unsent_events, batch)
            events = {c: evs for c, evs in events.items() if evs}
            blocked = await self.upload_attachments(client, events, report)
            for case_id, reason in blocked.items():
                await self._db(self.repo.quarantine, case_id, reason)
                report.quarantined.append((case_id, reason))
                events.pop(case_id, None)
            if events:
                await self.push_events(client, events, report)

    async def upload_attachments(self, client: DistrictClient, events: dict[str, list[CaseEvent]],
                                 report: SyncReport) -> dict[str, str]:
        """Upload what the server lacks, a few at a time; returns the cases that cannot be sent because an
        attachment is unusable (missing locally, or refused by the server)."""
        needed = {c: attachments_of(evs) for c, evs in events.items()}
        missing = await client.missing(list(dict.fromkeys(h for hs in needed.values() for h in hs)))
        blocked: dict[str, str] = {}
        slots = asyncio.Semaphore(self.parallel)

        async def one(sha256: str, offset: int) -> None:
            async with slots:
                problem = await self._upload_one(client, sha256, offset, report)
            if problem:
                for c, hs in needed.items():
                    if sha256 in hs:
                        blocked[c] = problem

        tasks = [asyncio.ensure_future(one(h, off)) for h, off in missing.items()]
        if tasks:
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for t in done:
                if t.exception() is not None:
                    raise t.exception()
        return blocked

    async def _upload_one(self, client: DistrictClient, sha256: str, offset: int, report: SyncReport) -> str | None:
        """Upload one attachment from `offset`; returns why it cannot be sent, or None once it is there."""
        try:
            content = await self._db(self.attachments.get, sha256)
        except StoreError as e:
            return _("材料文件 {sha256}… 无法上报：{e}").format(sha256=sha256[:12], e=e)
        for attempt in (1, 2):
            try:
                report.bytes_uploaded += await client.upload(sha256, content, offset, self.chunk)
                report.attachments_uploaded += 1
                return None
            except SyncError as e:
                if e.retryable or e.about_device:
                    raise
                if e.code == "hash_mismatch" and attempt == 1:   # the server dropped its part: send it whole
                    offset = 0
                    continue
                return _("材料文件 {sha256}… 被区级平台拒收：{message}").format(sha256=sha256[:12], message=e.message)
        return None

    async def push_events(self, client: DistrictClient, events: dict[str, list[CaseEvent]],
                          report: SyncReport) -> None:
        wire = [e.to_dict() for evs in events.values() for e in evs]
        try:
            results = await client.push(wire)
        except SyncError as e:
            if e.retryable or e.about_device or len(events) == 1:
                if not (e.retryable or e.about_device):
                    (case_id,) = events
                    await self._quarantine(case_id, _("区级平台拒收：{message}").format(message=e.message), report)
                    return
                raise
            for case_id, evs in events.items():       # find the case the server objects to
                await self.push_events(client, {case_id: evs}, report)
            return
        acked, problems = [], {}
        case_of = {e.id: c for c, evs in events.items() for e in evs}
        for result in results:
            status = result["status"]
            if status in ("applied", "duplicate"):
                acked.append(result["id"])
            elif status == "parked":
                report.parked += 1
            else:
                reason = _("区级平台拒收事件（{code}）：{reason}").format(
                        code=result.get('code', status), reason=result.get('reason', ''))
                problems.setdefault(case_of[result["id"]], reason)
        await self._db(self.repo.acknowledge, acked, list(events), self.clock())
        report.events_sent += len(acked)
        for case_id, reason in problems.items():
            await self._quarantine(case_id, reason, report)
        acked_set = set(acked)
        done = [c for c, evs in events.items() if c not in problems and all(e.id in acked_set for e in evs)]
        report.synced.update(done)
        await self._db(self.repo.clear_errors, done)

    async def _quarantine(self, case_id: str, reason: str, report: SyncReport) -> None:
        log.warning("case %s quarantined: %s", case_id, reason)
        await self._db(self.repo.quarantine, case_id, reason)
        report.quarantined.append((case_id, reason))

    # --- pull -----------------------------------------------------------------------------------

    async def pull(self, client: DistrictClient, report: SyncReport) -> None:
        cursor = int((await self._db(self.repo.meta)).get("results_cursor", "0"))
        for _unused in range(MAX_RESULT_PAGES):
            results, next_cursor = await client.results(cursor)
            if not results:
                return
            if next_cursor <= cursor:         # a feed that does not move on would be read for ever
                raise SyncError(_("区级平台的办理结果游标没有前进，本轮不再读取；请联系区级平台"), retryable=True,
                                code="no_progress")
            report.results_applied += await self._db(self.repo.apply_results, results, next_cursor, apply_result)
            cursor = next_cursor

    async def fetch_published(self, client: DistrictClient, report: SyncReport) -> None:
        """The district's catalogue and holiday calendar, kept for the next start when they changed."""
        meta = await self._db(self.repo.meta)
        catalog, etag = await client.published("/api/v1/catalog", meta.get("catalog_etag"))
        if catalog is not None and usable_catalog(catalog):
            await self._db(write_published_catalog, self.downloads / "catalog", catalog["files"])
            await self._db(self.repo.set_meta, catalog_etag=etag, catalog_version=str(catalog["version"]))
            report.catalog_updated = str(catalog["version"])
        calendar, cal_etag = await client.published("/api/v1/calendar", meta.get("calendar_etag"))
        if calendar is not None and isinstance(calendar.get("days"), dict):
            await self._db(write_json, self.downloads / "calendar.json", calendar)
            await self._db(self.repo.set_meta, calendar_etag=cal_etag)


def usable_catalog(published: dict[str, Any]) -> bool:
    """Only a catalogue the workstation can read is kept (a broken one would stop the next start)."""
    try:
        parse_catalog(published["files"])
    except (CatalogError, KeyError, TypeError, ValueError, AttributeError) as e:
        log.error("the district published a catalogue this workstation cannot read: %s", e)
        return False
    return True


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def write_published_catalog(directory: Path, files: dict[str, Any]) -> None:
    """Replace the downloaded catalogue as a whole (a half-written one is never read)."""
    staging = directory.with_name(directory.name + ".new")
    staging.mkdir(parents=True, exist_ok=True)
    for old in staging.glob("*.json"):
        old.unlink()
    for name, content in files.items():
        if "/" in name or "\\" in name or not name.endswith(".json"):
            continue
        write_json(staging / name, content)
    retired = directory.with_name(directory.name + ".old")
    if directory.exists():
        if retired.exists():
            for f in retired.glob("*"):
                f.unlink()
            retired.rmdir()
        directory.rename(retired)
    staging.rename(directory)

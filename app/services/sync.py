"""Sync as the desk uses it: enrolment, a background drain, "sync now", status and quarantine."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from app.domain.errors import DomainError
from app.i18n import N_, _
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.sync import QuarantinedCase, SyncRepository
from app.sync.client import DistrictClient, Enrolment, SyncError
from app.sync.engine import SyncEngine, SyncReport, on_executor
from app.sync.scheduler import SyncScheduler

log = logging.getLogger(__name__)


class LocalDistrict(Protocol):
    """The district server run in-process for the training profile."""

    url: str

    def enrolment_code(self) -> str: ...

    def back_office(self, action: str, number: str, **values: str) -> str: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server: str
    counts: dict[str, int]
    last_success: datetime | None
    last_error: str | None

    @property
    def unsent(self) -> int:
        return self.counts["pending"] + self.counts["uploading"]


NOT_ENROLLED = N_("本工作站尚未注册到区级平台（zongchuang enrol --server 地址 --code 注册码）")


class SyncService:
    def __init__(self, repo: SyncRepository, engine: SyncEngine, workers: Workers, clock: Clock, *,
                 training: bool, window_name: str, prefix: str, centre: str = "",
                 local_district: Callable[[], LocalDistrict] | None = None, timeout: float = 30.0):
        self.repo, self.engine, self.workers, self.clock = repo, engine, workers, clock
        self.executor = workers.db
        self.training, self.window_name, self.prefix, self.centre = training, window_name, prefix, centre
        self._local_factory, self._local = local_district, None
        self.timeout = timeout
        self.scheduler: SyncScheduler | None = None
        self._listeners: list[Callable[[SyncReport], None]] = []
        self._lock: asyncio.Lock | None = None
        self.prefix_assigned: Callable[[str], None] | None = None     # the desk numbers its cases with it

    # --- status ----------------------------------------------------------------------------------

    @runs_on("read")
    def status(self) -> SyncStatus:
        meta = self.repo.meta()
        enrolled = "token" in meta or self._uses_local(meta)
        server = _("本机培训平台") if self._uses_local(meta) else meta.get("server_name") or meta.get("server_url") or ""
        last = meta.get("last_success")
        return SyncStatus(enrolled, server, self.repo.counts(), datetime.fromisoformat(last) if last else None,
                          meta.get("last_error"))

    def _uses_local(self, meta: dict[str, str]) -> bool:
        """The training profile syncs to its in-process server unless enrolled to an external one."""
        return self._local_factory is not None and meta.get("server_kind") != "external"

    @runs_on("read")
    def quarantined(self) -> list[QuarantinedCase]:
        return self.repo.quarantined()

    @runs_on("read")
    def overview(self) -> tuple[SyncStatus, list[QuarantinedCase]]:
        """What the sync panel shows: the status and the cases the district refused."""
        return self.status(), self.quarantined()

    @runs_on("db")
    def retry(self, case_id: str) -> None:
        self.repo.release(case_id)
        if self.scheduler is not None:
            self.scheduler.trigger()

    # --- enrolment ----------------------------------------------------------------------------------

    async def enrol(self, server_url: str, code: str, *, accept_training_server: bool = False) -> Enrolment:
        """Exchange an administrator's code for this workstation's identity on a district server. A production
        workstation does not enrol to a training server unless told that this is really meant."""
        async with DistrictClient(server_url, timeout=self.timeout) as client:
            info = await client.info()
            if self.training and not info.get("allow_training"):
                raise SyncError(_("“{name}”是正式服务器，培训模式不能接入。").format(name=info.get('name', server_url)),
                                retryable=False, code="training_device_refused", status=403)
            if not self.training and info.get("allow_training") and not accept_training_server:
                raise SyncError(_("“{name}”是培训服务器：正式环境的办件上报到这里不会被区级办理。确需接入请加 --training-server-ok。").format(
                        name=info.get('name', server_url)), retryable=False, code="training_server")
            enrolment = await client.enrol(code, self.window_name, self.prefix, self.training, self.centre)
        await self._db(self.repo.set_meta, server_url=enrolment.server_url, device_id=enrolment.device_id,
                       token=enrolment.token, server_name=enrolment.server_name, server_kind="external",
                       results_cursor="0", last_error=None)
        await self._db(self._take_prefix, enrolment.prefix)
        log.info("enrolled as device %s at %s with prefix %s", enrolment.device_id, enrolment.server_url, self.prefix)
        return enrolment

    def _take_prefix(self, prefix: str) -> None:
        """From now on this workstation's case numbers start with the prefix the district assigned."""
        if not prefix:
            return
        self.repo.set_meta(prefix=prefix)
        self.prefix = prefix
        if self.prefix_assigned is not None:
            self.prefix_assigned(prefix)

    async def _client(self) -> DistrictClient:
        meta = await self._db(self.repo.meta)
        if self._uses_local(meta):
            await self._db(self._ensure_local)
            if "token" not in meta or meta.get("server_kind") != "local":
                async with DistrictClient(self._local.url, timeout=self.timeout) as c:
                    e = await c.enrol(await self._db(self._local.enrolment_code), self.window_name, self.prefix,
                                      self.training, self.centre)
                await self._db(self.repo.set_meta, device_id=e.device_id, token=e.token, server_kind="local",
                               server_name=e.server_name, results_cursor="0")
                await self._db(self._take_prefix, e.prefix)
                meta = await self._db(self.repo.meta)
            return DistrictClient(self._local.url, meta["token"], timeout=self.timeout)
        if "token" not in meta:
            raise SyncError(_(NOT_ENROLLED), retryable=False, code="not_enrolled")
        return DistrictClient(meta["server_url"], meta["token"], timeout=self.timeout)

    # --- syncing ------------------------------------------------------------------------------------

    async def _db(self, fn, *args, **kw):
        return await on_executor(self.executor, fn, *args, **kw)

    async def sync_once(self) -> SyncReport:
        """One round; rounds never overlap (the background timer and "sync now" share this)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            try:
                client = await self._client()
            except SyncError as e:
                report = SyncReport(error=e, left=len(await self._db(self.repo.pending_case_ids)))
            else:
                async with client:
                    report = await self.engine.run(client)
                    if client.renewal_due and report.error is None:
                        await self._renew(client)
            now = self.clock().isoformat()
            if report.ok:
                await self._db(self.repo.set_meta, last_success=now, last_error=None)
            else:
                await self._db(self.repo.set_meta, last_error=report.error.message)
        for listener in list(self._listeners):
            listener(report)
        return report

    async def _renew(self, client: DistrictClient) -> None:
        try:
            token = await client.renew()
        except SyncError as e:              # the current token still works: try again next round
            log.warning("token renewal failed: %s", e.message)
            return
        await self._db(self.repo.set_meta, token=token)
        log.info("device token renewed")

    async def drain(self, rounds: int = 8, pause: float = 1.0) -> SyncReport:
        """Rounds until nothing is left or an error that retrying cannot help; totals of all rounds."""
        total = SyncReport()
        for n in range(rounds):
            report = await self.sync_once()
            total.add(report)
            if report.error and not report.error.retryable:
                break
            if report.ok and (report.left == 0 or not (report.cases_synced or report.results_applied)):
                break
            if n + 1 < rounds:
                await asyncio.sleep(report.error.retry_after if report.error and report.error.retry_after
                                    else pause)
        return total

    @runs_on("db")
    def training_back_office(self) -> LocalDistrict:
        """The back office of the training profile's in-process district (training scenarios act as it)."""
        meta = self.repo.meta()
        if not self._uses_local(meta):
            raise DomainError(_("只有使用本机培训平台的培训环境才能模拟区级后台"))
        return self._ensure_local()

    def _ensure_local(self) -> LocalDistrict:
        """Start the in-process training server once (on the database worker, so only once)."""
        if self._local is None:
            self._local = self._local_factory()
        return self._local

    def sync_blocking(self, rounds: int = 8) -> SyncReport:
        """Drain from a thread without an event loop (the CLI, the scripted runner)."""
        return asyncio.run(self.drain(rounds, pause=0.2))

    def on_report(self, listener: Callable[[SyncReport], None]) -> None:
        self._listeners.append(listener)

    def start_background(self, interval: float = 120.0) -> None:
        """Drain in the background on the running asyncio loop (qasync's in the window)."""
        async def round_() -> tuple[bool, float | None]:
            report = await self.sync_once()
            if report.ok:
                return report.left == 0, None
            return False, report.error.retry_after

        if self.scheduler is None:
            self.scheduler = SyncScheduler(round_, interval=interval)
        self.scheduler.start()

    def trigger(self) -> None:
        """Sync soon: "sync now", new work saved, or the network came back."""
        if self.scheduler is not None:
            self.scheduler.trigger()

    async def stop(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()

    def close(self) -> None:
        """Stop the in-process training server, if one was started."""
        local, self._local = self._local, None
        if local is not None:
            local.close()


def downloads_dir(data: Path) -> Path:
    return data / "from-district"

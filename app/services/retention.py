"""The retention period at work: personal data of closed, synced cases is purged once it has run out, and
with it the scans, printouts and backups that held it."""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from app.i18n import _
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.database import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    cases: int = 0
    scans: int = 0
    printouts: int = 0
    backups: int = 0

    @property
    def message(self) -> str:
        if not (self.cases or self.scans or self.printouts or self.backups):
            return _("没有到期的个人信息需要清除。")
        return (_("已按保存期限清除 {cases} 件办件的个人信息（删除材料文件 {scans} 个、打印留底 {printouts} 个、旧备份 {backups} 个）；办件编号、事项和日期保留用于统计。").format(
                cases=self.cases, scans=self.scans, printouts=self.printouts, backups=self.backups))


class RetentionService:
    def __init__(self, store: Store, clock: Clock, workers: Workers, retention_days: int, *,
                 printouts: Path | None = None, backups: Path | None = None):
        self.store, self.clock, self.workers = store, clock, workers
        self.retention_days = max(1, retention_days)
        self.printouts, self.backups = printouts, backups

    @runs_on("db")
    def purge_expired(self, batch: int = 500) -> PurgeReport:
        """Purge every case due (in batches, each case in its own transaction), then the files that held it."""
        now = self.clock()
        today = now.date()
        cases = scans = 0
        while True:
            ids = self.store.retention.candidates(today, self.retention_days, batch)
            freed: set[str] = set()
            done = 0
            for case_id in ids:
                found = self.store.retention.purge(case_id, today, self.retention_days, now)
                if found is not None:
                    freed |= found
                    done += 1
            for sha256 in freed - self.store.retention.still_referenced(freed):
                self.store.attachments.delete(sha256)
                scans += 1
            cases += done
            if len(ids) < batch or not done:
                break
        report = PurgeReport(cases, scans, self._old_files(self.printouts, "*", keep=0),
                             self._old_files(self.backups, "*.sqlite3", keep=1))
        if report.cases or report.printouts or report.backups:
            self.store.audit.record("system", "purge_personal_data",
                                    f"cases={report.cases} scans={report.scans} printouts={report.printouts} "
                                    f"backups={report.backups}", now)
            log.info("retention: %s", report)
        return report

    def _old_files(self, folder: Path | None, pattern: str, keep: int) -> int:
        """Delete files in `folder` older than the retention period, always keeping the newest `keep`."""
        if folder is None or not folder.exists():
            return 0
        limit = time.time() - timedelta(days=self.retention_days).total_seconds()
        files = sorted((p for p in folder.glob(pattern) if p.is_file()), key=lambda p: p.stat().st_mtime)
        removed = 0
        for p in files[:max(0, len(files) - keep)]:
            if p.stat().st_mtime < limit:
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed += 1
        return removed

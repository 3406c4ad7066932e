"""统计 for a supervisor and for IT: a period's figures from the statistics projection, in total and by day,
item, agency, clerk and channel, exported as xlsx and PDF or as JSON (`zongchuang stats`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.accounts import Clerk
from app.domain.catalog import Catalog
from app.domain.errors import DomainError
from app.domain.statistics import CHANNEL_LABELS, FIGURE_LABELS, GROUPINGS, Figures, Report, Tally, report
from app.i18n import _
from app.services.clock import Clock
from app.services.documents import DocumentService
from app.services.workers import Workers, runs_on
from app.store.database import Store

log = logging.getLogger(__name__)


def _figures_json(f: Figures) -> dict[str, Any]:
    return {k: {"value": getattr(f, k), "label": _(label)} for k, label in FIGURE_LABELS.items()}


class StatisticsService:
    def __init__(self, store: Store, catalog: Catalog, documents: DocumentService, clock: Clock, workers: Workers):
        self.store, self.catalog, self.documents, self.clock, self.workers = store, catalog, documents, clock, workers

    def _agency(self, item_code: str) -> str:
        item = self.catalog.items.get(item_code)
        return self.catalog.agencies.get(item.agency, item.agency) if item else _("（目录外事项）")

    @runs_on("read")
    def report(self, start: date, end: date, by: Sequence[str] = ("item",)) -> Report:
        """The figures of the cases opened from `start` to `end` (inclusive), in total and by each grouping named
        (day, item, agency, clerk, channel): one pass over the period's rows per grouping."""
        if end < start:
            raise DomainError(_("统计期间有误：结束日期 {end} 早于开始日期 {start}").format(end=end, start=start))
        if not by or any(name not in GROUPINGS for name in by):
            raise DomainError(_("统计分组应为 {groupings} 之一").format(groupings=_('、').join(GROUPINGS)))
        names = self.store.clerks.names()
        figures, today = self.store.figures, self.clock().date()
        tallies: dict[str, dict[str, Tally]] = {}
        for name in by:
            merged: dict[str, Tally] = {}
            for key, t in figures.tallies(name, start, end, today).items():
                merged.setdefault(self._key(name, key, names), Tally()).add(t)
            tallies[name] = merged
        bad = [replace(b, clerk=names.get(b.clerk, b.clerk)) for b in figures.bad_ratings(start, end)]
        return report(tallies, start, end, refusals=figures.refusals(start, end), bad_ratings=bad,
                      cannot_do=figures.cannot_do(start, end))

    def _key(self, grouping: str, value: str, names: dict[str, str]) -> str:
        if grouping == "agency":
            return self._agency(value)
        if grouping == "clerk":
            return names.get(value, value)
        if grouping == "channel":
            return _(CHANNEL_LABELS.get(value, value))
        return value

    @staticmethod
    def as_json(r: Report) -> dict[str, Any]:
        """English keys, each figure with its Chinese label beside it."""
        return {"from": r.start.isoformat(), "to": r.end.isoformat(), **_figures_json(r.total),
                "by": {name: [{"key": key, **_figures_json(f)} for key, f in r.groups.get(name, [])]
                       for name in GROUPINGS},
                "refusals": [{"case_number": x.case_number, "item": x.item_name, "reason": x.reason}
                             for x in r.refusals],
                "bad_ratings": [{"case_number": b.case_number, "item": b.item_name, "clerk": b.clerk,
                                 "level": b.level, "tags": list(b.tags), "comment": b.comment}
                                for b in r.bad_ratings]}

    @runs_on("cpu")
    def export(self, start: date, end: date, path: Path, clerk: Clerk) -> Path:
        """The period's report with every grouping, as an Excel workbook (.xlsx) or a PDF (.pdf) by the file's
        suffix."""
        r = self.report(start, end, tuple(GROUPINGS))
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            from app.documents.statistics import statistics_workbook

            data = statistics_workbook(r)
        elif suffix == ".pdf":
            data = self.documents.statistics_pdf(r, clerk)
        else:
            raise DomainError(_("导出文件应为 .xlsx（Excel）或 .pdf"))
        tmp = path.with_name(path.name + ".part")
        try:
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as e:
            log.warning("statistics export to %s failed: %s", path, e)
            tmp.unlink(missing_ok=True)
            raise DomainError(_("无法写入 {name}：{strerror}").format(name=path.name, strerror=e.strerror or e)) from e
        log.info("statistics %s–%s exported as %s", r.start, r.end, suffix)
        return path

"""The catalogue and the holiday calendar the district publishes, each with a version and an ETag."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def bundled_catalog() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(__file__).resolve().parents[1]
    return base / "resources" / "catalog"


@dataclass(frozen=True)
class Published:
    body: dict[str, Any]
    etag: str


def _publish(body: dict[str, Any]) -> Published:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return Published(body, '"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32] + '"')


VERSION = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,6}){0,4}$")


class CatalogRejected(ValueError):
    """A catalogue folder the district will not publish (workstations could not read it)."""


def load_catalog(directory: Path) -> Published:
    """Every JSON file of the catalogue folder, with the version from its catalog.json (numbers and dots)."""
    try:
        files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}
    except (OSError, ValueError) as e:
        raise CatalogRejected(f"{directory}: {e}") from e
    head = files.get("catalog.json")
    if not isinstance(head, dict):
        raise CatalogRejected(f"{directory} has no catalog.json object")
    version = head.get("version")
    if not isinstance(version, str) or not VERSION.match(version):
        raise CatalogRejected(f"catalogue version {version!r} is not numbers separated by dots (e.g. 2026.12.1)")
    return _publish({"version": version, "files": files})


def published_catalog(directory: Path) -> Published:
    """What the district publishes: its catalogue folder, or the bundled catalogue when that folder is unusable."""
    try:
        return load_catalog(directory)
    except CatalogRejected as e:
        log.error("not publishing the catalogue in %s: %s; publishing the bundled one", directory, e)
        return load_catalog(bundled_catalog())


def load_calendar(path: Path | None) -> Published:
    """The holiday calendar: {"version": …, "days": {"YYYY-MM-DD": "holiday" | "workday"}}."""
    if path is None or not path.exists():
        return _publish({"version": "0", "days": {}})
    data = json.loads(path.read_text(encoding="utf-8"))
    return _publish({"version": str(data.get("version", "0")), "days": dict(data.get("days", {}))})


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in if_none_match.split(","))

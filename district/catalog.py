"""The catalogue and the holiday calendar the district publishes, each with a version and an ETag."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


def load_catalog(directory: Path) -> Published:
    """Every JSON file of the catalogue folder, with the version from its catalog.json."""
    files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}
    if "catalog.json" not in files:
        raise FileNotFoundError(f"{directory} has no catalog.json")
    return _publish({"version": str(files["catalog.json"].get("version", "")), "files": files})


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

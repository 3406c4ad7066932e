"""Reading the catalogue's JSON files; parse errors name the file and line."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

from app.domain.catalog import Catalog, parse_catalog
from app.domain.errors import CatalogError
from app.domain.pinyin import PinyinInitials

log = logging.getLogger(__name__)


def load_catalog(directory: Path) -> Catalog:
    if not directory.is_dir():
        raise CatalogError(f"找不到事项目录文件夹 {directory}")
    documents = {}
    for path in sorted(directory.glob("*.json")):
        try:
            documents[path.name] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise CatalogError(f"目录文件 {path.name} 第{e.lineno}行第{e.colno}列不是有效的 JSON：{e.msg}") from e
        except (OSError, UnicodeDecodeError) as e:
            raise CatalogError(f"目录文件 {path.name} 无法读取：{e}") from e
    return parse_catalog(documents)


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


def load_newest_catalog(bundled: Path, downloaded: Path) -> Catalog:
    """The catalogue the district published last, when it is newer than the bundled one and readable."""
    catalog = load_catalog(bundled)
    if (downloaded / "catalog.json").exists():
        try:
            newer = load_catalog(downloaded)
        except CatalogError as e:
            log.error("the downloaded catalogue in %s is unusable (%s); using the bundled one", downloaded, e)
        else:
            if _version_key(newer.version) > _version_key(catalog.version):
                catalog = newer
    return catalog


def load_calendar_days(path: Path) -> dict[date, bool]:
    """The district's holiday calendar (day → working day?), empty when none has been received."""
    if not path.exists():
        return {}
    try:
        days = json.loads(path.read_text(encoding="utf-8"))["days"]
        return {date.fromisoformat(k): v == "workday" for k, v in days.items() if v in ("workday", "holiday")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        log.error("the downloaded calendar %s is unusable: %s", path, e)
        return {}


def load_pinyin_initials(resources: Path) -> PinyinInitials:
    """The character → pinyin initials table shipped in resources (scripts/make_pinyin_initials.py)."""
    return PinyinInitials.parse((resources / "pinyin_initials.txt").read_text(encoding="utf-8"))

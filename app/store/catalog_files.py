"""Reading the catalogue's JSON files; parse errors name the file and line."""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import date, datetime
from pathlib import Path

from app.domain.catalog import Catalog, parse_catalog, version_key
from app.domain.errors import CatalogError
from app.domain.pinyin import PinyinInitials
from app.i18n import _

log = logging.getLogger(__name__)


def load_catalog(directory: Path) -> Catalog:
    if not directory.is_dir():
        raise CatalogError(_("找不到事项目录文件夹 {directory}").format(directory=directory))
    documents = {}
    for path in sorted(directory.glob("*.json")):
        try:
            documents[path.name] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise CatalogError(_("目录文件 {name} 第{lineno}行第{colno}列不是有效的 JSON：{msg}").format(
                    name=path.name, lineno=e.lineno, colno=e.colno, msg=e.msg)) from e
        except (OSError, UnicodeDecodeError) as e:
            raise CatalogError(_("目录文件 {name} 无法读取：{e}").format(name=path.name, e=e)) from e
    return parse_catalog(documents)


def load_newest_catalog(bundled: Path, downloaded: Path) -> tuple[Catalog, str]:
    """The catalogue the district published last when it is newer than the bundled one and readable, and a
    sentence for the clerk when a downloaded one could not be used (it is set aside, the bundled one used)."""
    catalog = load_catalog(bundled)
    if not (downloaded / "catalog.json").exists():
        return catalog, ""
    try:
        newer = load_catalog(downloaded)
        if version_key(newer.version) > version_key(catalog.version):
            catalog = newer
    except Exception as e:  # noqa: BLE001 — nothing in a downloaded file may stop the desk from starting
        aside = downloaded.with_name(f"{downloaded.name}.rejected-{datetime.now():%Y%m%d-%H%M%S}")
        with contextlib.suppress(OSError):
            downloaded.rename(aside)
        log.error("the downloaded catalogue in %s is unusable (%s: %s); set aside as %s", downloaded,
                  type(e).__name__, e, aside.name)
        return catalog, (_("区级平台下发的事项目录无法使用，已改用本机自带的目录 {version}（原文件已移至 {name}，请联系区级平台）。").format(
                version=catalog.version, name=aside.name))
    return catalog, ""


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

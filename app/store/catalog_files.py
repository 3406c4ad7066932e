"""Reading the catalogue's JSON files; parse errors name the file and line."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain.catalog import Catalog, parse_catalog
from app.domain.errors import CatalogError
from app.domain.pinyin import PinyinInitials


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


def load_pinyin_initials(resources: Path) -> PinyinInitials:
    """The character → pinyin initials table shipped in resources (scripts/make_pinyin_initials.py)."""
    return PinyinInitials.parse((resources / "pinyin_initials.txt").read_text(encoding="utf-8"))

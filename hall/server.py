"""Assembling the hall service from a data folder: its SQLite database and its settings (hall.json)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker

from hall.api import create_hall_app
from hall.models import Base
from hall.service import Category, HallConfig, HallService

log = logging.getLogger(__name__)


def _pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def load_config(path: Path, name: str | None = None, key: str | None = None) -> HallConfig:
    """hall.json: {"name", "categories": [{"code", "prefix", "label"}], "green_prefix", "appointment_prefix", "key"}."""
    config = HallConfig()
    if path.exists():
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            cats = tuple(Category(str(c["code"]), str(c["prefix"]), str(c["label"])) for c in raw.get("categories", []))
            config = HallConfig(name=str(raw.get("name", config.name)), categories=cats or config.categories,
                                green_prefix=str(raw.get("green_prefix", config.green_prefix)),
                                appointment_prefix=str(raw.get("appointment_prefix", config.appointment_prefix)),
                                key=str(raw.get("key", "")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise SystemExit(f"叫号服务设置文件 {path} 有误：{e}") from e
    prefixes = [c.prefix for c in config.categories] + [config.green_prefix, config.appointment_prefix]
    if len(set(prefixes)) != len(prefixes):
        raise SystemExit(f"叫号服务设置文件 {path} 有误：各类业务、绿色通道和预约的号码前缀不能重复")
    return HallConfig(**{**config.__dict__, **({"name": name} if name else {}), **({"key": key} if key else {})})


@dataclass
class Hall:
    engine: Engine
    service: HallService

    def app(self) -> FastAPI:
        return create_hall_app(self.service)

    def close(self) -> None:
        self.engine.dispose()


def open_hall(data: Path, config: HallConfig | None = None, clock=None) -> Hall:
    data.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{data / 'hall.sqlite3'}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _pragmas)
    Base.metadata.create_all(engine)
    service = HallService(sessionmaker(engine, expire_on_commit=False), config or load_config(data / "hall.json"),
                          clock or (lambda: datetime.now().astimezone()))
    return Hall(engine, service)

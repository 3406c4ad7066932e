"""Assembling a district server from a data directory, and running it (foreground or in a thread)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine

from district.api import create_app
from district.blobs import BlobStore
from district.catalog import bundled_catalog
from district.db import create_server_engine, sessions, sqlite_url, upgrade
from district.officers import OfficerService
from district.service import DistrictService, ServerConfig
from district.workdays import Workdays

log = logging.getLogger(__name__)
DATABASE_ENV = "ZONGCHUANG_DISTRICT_DATABASE"


@dataclass
class District:
    data: Path
    engine: Engine
    service: DistrictService
    officers: OfficerService
    catalog_dir: Path
    calendar_file: Path

    def app(self) -> FastAPI:
        return create_app(self.service, self.officers, self.catalog_dir, self.calendar_file)

    def close(self) -> None:
        self.engine.dispose()


def _private(data: Path) -> None:
    """The server's files hold personal data: its own account only (POSIX)."""
    if os.name != "posix":
        return
    os.umask(0o077)
    for p in (data, *data.rglob("*")):
        with contextlib.suppress(OSError):
            os.chmod(p, 0o700 if p.is_dir() else 0o600)


def open_district(data: Path, database: str | None = None, config: ServerConfig | None = None,
                  clock=None, password_hasher=None) -> District:
    """Open (and migrate) the server's database; attachments, catalogue and calendar live under `data`."""
    data = data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    _private(data)
    url = database or os.environ.get(DATABASE_ENV) or sqlite_url(data)
    engine = create_server_engine(url)
    upgrade(engine)
    catalog_dir = data / "catalog" if (data / "catalog" / "catalog.json").exists() else bundled_catalog()
    made = sessions(engine)
    clocked = {"clock": clock} if clock is not None else {}
    service = DistrictService(made, BlobStore(data), config or ServerConfig(), workdays=Workdays(data / "calendar.json"),
                              **clocked)
    service.sweep_partial_uploads()
    officers = OfficerService(made, hasher=password_hasher, **clocked)
    return District(data, engine, service, officers, catalog_dir, data / "calendar.json")


class ServerThread:
    """A uvicorn server on 127.0.0.1 in a background thread (training profile, tests, benchmarks)."""

    def __init__(self, app: FastAPI, port: int = 0, host: str = "127.0.0.1"):
        import uvicorn

        self.host, self.port = host, port
        # log_config=None: uvicorn's own logging set-up asks the console isatty(), and a windowed build has
        # no console at all; its records go to the process's (masked) handlers instead.
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                                log_config=None)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="district-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the district server did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

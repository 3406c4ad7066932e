"""Every filesystem location the workstation uses, resolved in one place.

`ZONGCHUANG_HOME` moves all data; each path can also be overridden by its own variable, so tests,
portable installs and the training profile simply point elsewhere.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import platformdirs

from app.i18n import _


class Profile(StrEnum):
    PRODUCTION = "production"
    TRAINING = "training"

    @property
    def label(self) -> str:
        return _("正式环境") if self is Profile.PRODUCTION else _("培训模式")


def resources_dir() -> Path:
    """Bundled resources: beside the package in a checkout, inside _MEIPASS in a frozen build."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def migrations_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "migrations"
    return Path(__file__).resolve().parents[2] / "migrations"


@dataclass(frozen=True)
class Paths:
    profile: Profile
    data: Path          # the profile's own data directory
    database: Path
    attachments: Path
    logs: Path
    backups: Path
    printouts: Path     # the printer simulator's output (training profile and tests)
    settings: Path
    resources: Path
    migrations: Path

    def ensure(self) -> Paths:
        for p in (self.data, self.attachments, self.logs, self.backups, self.printouts):
            p.mkdir(parents=True, exist_ok=True)
        self.database.parent.mkdir(parents=True, exist_ok=True)
        return self


_OVERRIDES = {
    "database": "ZONGCHUANG_DATABASE",
    "attachments": "ZONGCHUANG_ATTACHMENTS",
    "logs": "ZONGCHUANG_LOGS",
    "backups": "ZONGCHUANG_BACKUPS",
    "printouts": "ZONGCHUANG_PRINTOUTS",
    "settings": "ZONGCHUANG_SETTINGS",
}


def resolve_paths(profile: Profile, env: Mapping[str, str] | None = None) -> Paths:
    """The paths of a profile; each profile has its own data directory and database."""
    env = os.environ if env is None else env
    home = Path(env["ZONGCHUANG_HOME"]) if env.get("ZONGCHUANG_HOME") else Path(
        platformdirs.user_data_dir("Zongchuang", appauthor=False))
    data = home / profile.value
    defaults = {
        "database": data / "zongchuang.sqlite3",
        "attachments": data / "attachments",
        "logs": data / "logs",
        "backups": data / "backups",
        "printouts": data / "printouts",
        "settings": data / "settings.json",
    }
    chosen = {k: Path(env[var]) if env.get(var) else defaults[k] for k, var in _OVERRIDES.items()}
    return Paths(profile=profile, data=data, resources=resources_dir(), migrations=migrations_dir(), **chosen)

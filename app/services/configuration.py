"""The settings screen's use cases (管理员): every declared setting with its value, and saving a set of changes
that is either taken whole or refused naming each key that cannot be taken and why. Saved settings take effect
when the workstation starts next."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from app.config.settings import GROUPS, Declared, Settings, save_changes
from app.domain.accounts import Clerk, Role
from app.domain.errors import DomainError
from app.domain.rating import KeyMap, rating_stages
from app.i18n import _
from app.services.workers import Workers, runs_on

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SettingField(Declared):
    """One setting as the screen shows it: its declaration and the value the file holds."""

    value: Any = None


@dataclass(frozen=True)
class SaveOutcome:
    message: str
    problems: dict[str, str]          # setting → why its value is refused (nothing was saved then)


CHECKS = {"rating_keys": KeyMap.parse, "rating_at": rating_stages}     # what only the domain can tell


class ConfigurationService:
    groups = GROUPS

    def __init__(self, path, workers: Workers):
        self.path, self.workers = path, workers
        self.saved = Settings()           # what the file says (not this run's values, e.g. training's centre)

    @runs_on("read")
    def fields(self) -> list[SettingField]:
        self.saved = Settings.load(self.path) if self.path.exists() else Settings()
        return [SettingField(**vars(d), value=getattr(self.saved, d.name)) for d in Settings.declared()]

    @runs_on("db")
    def save(self, clerk: Clerk, changes: dict[str, Any]) -> SaveOutcome:
        if clerk.role is not Role.ADMIN:
            raise DomainError(_("只有管理员可以修改设置。"))
        declared = {d.name: d for d in Settings.declared()}
        problems, accepted = {}, {}
        for key, value in changes.items():
            d = declared.get(key)
            if d is None:
                problems[key] = _("不是综窗的设置项")
                continue
            value, why = d.accept(value)
            if not why and key in CHECKS:
                try:
                    CHECKS[key](value)
                except DomainError as e:
                    why = str(e)
            if why:
                problems[key] = why
            else:
                accepted[key] = value
        if problems:
            return SaveOutcome(_("设置未保存：{n_problems} 项的值不能使用（见红字）。").format(n_problems=len(problems)), problems)
        changed = {k: v for k, v in accepted.items() if getattr(self.saved, k) != v}
        if not changed:
            return SaveOutcome(_("设置没有改动。"), {})
        try:
            save_changes(self.path, changed)
        except ValueError as e:
            raise DomainError(_("设置未保存：{e}").format(e=e)) from e
        except OSError as e:
            raise DomainError(_("设置文件无法写入（{strerror}），设置未保存。").format(strerror=e.strerror)) from e
        log.info("settings changed by %s: %s", clerk.username, ", ".join(sorted(changed)))
        self.saved = Settings.load(self.path)
        return SaveOutcome(_("已保存 {n_changed} 项设置（{changed}），重新启动综窗后生效。").format(
                n_changed=len(changed), changed=_('、').join(sorted(changed))), {})

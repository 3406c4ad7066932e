"""Everything one desk needs, assembled by the composition root (app.main) and handed to the UI."""

from __future__ import annotations

from dataclasses import dataclass

from app.config.paths import Paths, Profile
from app.config.settings import Settings
from app.services.accounts import AccountService
from app.services.cases import CaseQueryService
from app.services.catalog import CatalogService
from app.services.clock import Clock
from app.services.devices import DeviceService
from app.services.intake import IntakeService
from app.services.queue import QueueService
from app.services.receipts import ReceiptService
from app.services.workers import Workers
from app.store.database import Store


@dataclass
class Desk:
    profile: Profile
    paths: Paths
    settings: Settings
    clock: Clock
    store: Store
    workers: Workers
    accounts: AccountService
    catalog: CatalogService
    queue: QueueService
    intake: IntakeService
    receipts: ReceiptService
    cases: CaseQueryService
    devices: DeviceService
    startup_warnings: list[str]

    @property
    def training(self) -> bool:
        return self.profile is Profile.TRAINING

    def close(self) -> None:
        self.devices.close()
        self.workers.shutdown()
        self.store.close()

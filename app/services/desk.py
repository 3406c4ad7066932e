"""Everything one desk needs, assembled by the composition root (app.main) and handed to the UI."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.config.paths import Paths, Profile
from app.config.settings import Settings, save_changes
from app.domain.accounts import Clerk
from app.i18n import LANGUAGES, _, language
from app.imaging.enhance import ColourMode
from app.imaging.motion import AutoCapture
from app.imaging.pipeline import PageOptions
from app.services.accounts import AccountService
from app.services.cannot_do import CannotDoService
from app.services.capture import CaptureListeners, CaptureSession
from app.services.cases import CaseQueryService
from app.services.catalog import CatalogService
from app.services.clock import Clock
from app.services.devices import DeviceService
from app.services.documents import DocumentService
from app.services.handout import HandoutService
from app.services.intake import IntakeService
from app.services.materials import MaterialPagesService
from app.services.printing import PrintService
from app.services.queue import QueueService
from app.services.rating import RatingService
from app.services.retention import RetentionService
from app.services.returns import ReturnService
from app.services.statistics import StatisticsService
from app.services.sync import SyncService
from app.services.workers import Workers
from app.store.database import Store
from app.version import PRODUCT, version

if TYPE_CHECKING:
    from app.services.configuration import ConfigurationService
    from app.services.setup import SetupService
    from app.services.training import TrainingService

log = logging.getLogger(__name__)


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
    returns: ReturnService
    cannot_do: CannotDoService
    documents: DocumentService
    printing: PrintService
    handout: HandoutService
    rating: RatingService
    statistics: StatisticsService
    cases: CaseQueryService
    devices: DeviceService
    materials: MaterialPagesService
    sync: SyncService
    retention: RetentionService
    startup_warnings: list[str]
    training_service: TrainingService | None = None     # scenarios, quizzes, results (training profile only)
    setup: SetupService | None = None                   # the first run's wizard
    configuration: ConfigurationService | None = None   # the settings screen

    @property
    def training(self) -> bool:
        return self.profile is Profile.TRAINING

    def capture_session(self, clerk: Clerk, listeners: CaptureListeners) -> CaptureSession:
        """A capture session on this desk's camera with the capture settings."""
        s = self.settings
        options = PageOptions(mode=ColourMode(s.capture_mode) if s.capture_mode in set(ColourMode) else ColourMode.COLOUR,
                              quality=s.jpeg_quality)
        auto = AutoCapture(still_seconds=s.capture_still_ms / 1000, continuous=s.capture_continuous,
                           enabled=s.capture_auto)
        return CaptureSession(self.devices.camera, self.materials, self.workers, clerk, options, auto, listeners)

    def choose_camera(self, name: str) -> None:
        """Switch to another camera and remember it for the next start."""
        self.devices.select_camera(name)
        self.remember(camera_name=name)

    def choose_printer(self, name: str, receipt: bool = False) -> None:
        """Print on another printer for this kind of paper and remember it for the next start."""
        self.devices.select_printer(name, receipt)
        if receipt and self.devices.receipt_printer is not self.devices.printer:
            self.remember(receipt_printer=name)
        else:
            self.remember(a4_printer=name)

    def number_cases_with(self, prefix: str) -> None:
        """The prefix of the case numbers issued from now on (the district's, from enrolment)."""
        self.intake.prefix = self.cannot_do.prefix = prefix

    def remember(self, **changes) -> None:
        """Keep a choice made at the desk for the next start: only these keys are written, and a settings file
        that cannot be read is not overwritten."""
        for key, value in changes.items():
            setattr(self.settings, key, value)
        try:
            save_changes(self.paths.settings, changes)
        except (OSError, ValueError) as e:
            log.warning("a choice made at the desk could not be remembered: %s", e)

    def about(self) -> list[tuple[str, str]]:
        """What the About dialog says: the program and its version, this workstation, the data it keeps."""
        catalog = self.catalog.catalog
        return [(_("程序"), _("{product} {version}").format(product=_(PRODUCT), version=version())),
                (_("环境"), self.profile.label),
                (_("窗口"), self.settings.window_name),
                (_("服务中心"), self.settings.centre_name or _("（未填写）")),
                (_("办件编号前缀"), self.intake.prefix),
                (_("事项目录"), _("版本 {version}：{n_items} 个事项").format(version=catalog.version,
                                                                        n_items=len(catalog.items))),
                (_("数据目录"), str(self.paths.data)),
                (_("界面语言"), LANGUAGES.get(language(), language()))]

    def close(self) -> None:
        self.sync.close()
        self.devices.close()
        self.workers.shutdown()
        self.store.close()

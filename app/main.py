"""The composition root: reads configuration, opens the store, picks drivers, builds the services."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from pathlib import Path

from app import i18n
from app.config.paths import Profile, resolve_paths
from app.config.settings import Settings, SettingsError
from app.devices import registry
from app.devices.errors import DeviceError
from app.documents.fonts import FontNotFound, ensure_cjk_font
from app.documents.layout import Letterhead
from app.domain.calendar import WorkingDayCalendar
from app.domain.errors import DomainError
from app.domain.rating import KeyMap, rating_stages
from app.i18n import _
from app.logging_setup import configure_logging
from app.memory import return_large_buffers
from app.services.accounts import AccountService
from app.services.cannot_do import CannotDoService
from app.services.cases import CaseQueryService
from app.services.catalog import CatalogService
from app.services.clock import Clock, TrainingClock, system_clock
from app.services.configuration import ConfigurationService
from app.services.desk import Desk
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
from app.services.setup import SetupService
from app.services.statistics import StatisticsService
from app.services.sync import SyncService, downloads_dir
from app.services.workers import Workers
from app.store.catalog_files import load_calendar_days, load_newest_catalog, load_pinyin_initials
from app.store.database import Store, open_store
from app.store.engine import is_plain_sqlite
from app.store.files import FileCipher, private_umask
from app.store.keys import open_key
from app.sync.engine import SyncEngine
from app.sync.hall import HallClient

log = logging.getLogger(__name__)

_DEFAULT = object()


def build_desk(profile: Profile, env: Mapping[str, str] | None = None, *, settings: Settings | None = None,
               clock: Clock | None = None, idcard=_DEFAULT, camera=_DEFAULT, printer=_DEFAULT,
               receipt_printer=_DEFAULT, sscard=_DEFAULT, password_hasher=None) -> Desk:
    """Assemble a desk; devices default to the drivers named in settings (tests pass their own)."""
    private_umask()                  # every file the workstation writes is readable by its own account only
    paths = resolve_paths(profile, env).ensure()
    if clock is None:                # training scenarios move the training profile's time forward
        clock = TrainingClock() if profile is Profile.TRAINING else system_clock
    settings = settings or Settings.load(paths.settings)
    configure_logging(paths.logs)
    return_large_buffers()
    i18n.install(settings.language, paths.resources)
    warnings = _settings_warnings(settings, profile)
    if profile is Profile.TRAINING:
        settings = settings.for_training()

    key = open_key(paths.data, settings.key_store,
                   has_data=lambda: paths.database.exists() and not is_plain_sqlite(paths.database))
    store = open_store(paths.database, paths.attachments, paths.migrations, paths.backups, key)
    downloads = downloads_dir(paths.data)
    catalog, catalog_problem = load_newest_catalog(paths.resources / "catalog", downloads / "catalog")
    if catalog_problem:
        warnings.append(catalog_problem)
    calendar = WorkingDayCalendar({**catalog.calendar_overrides, **load_calendar_days(downloads / "calendar.json")})

    def device(given, make):
        if given is not _DEFAULT:
            return given
        try:
            return make()
        except DeviceError as e:
            warnings.append(str(e))
            log.warning("device unavailable: %s", e)
            return None

    try:
        chosen = ensure_cjk_font(settings.font_path, paths.resources)
        font, font_file = chosen.name, str(chosen.path)
    except FontNotFound as e:
        font = font_file = None
        warnings.append(str(e))
        log.error("no CJK font; tried %s", e.tried)

    app_dir = Path(sys.executable).parent if getattr(sys, "frozen", False) else None
    reader = device(idcard, lambda: registry.make_idcard_reader(settings, profile, paths.resources, app_dir))
    ss_reader = device(sscard, lambda: registry.make_social_security_reader(settings, profile, paths.resources))
    photo_decoder = device(_DEFAULT, lambda: registry.make_photo_decoder(settings))
    cam = device(camera, lambda: registry.make_camera(settings, profile, font_file))
    prn = device(printer, lambda: registry.make_printer(settings, profile, paths.printouts, FileCipher(key.files).seal))
    receipt_prn = device(receipt_printer, lambda: registry.make_receipt_printer(settings, prn))
    workers = Workers()
    devices = DeviceService(workers, reader, cam, prn, settings.jpeg_quality, ss_reader, photo_decoder, receipt_prn)

    accounts = AccountService(store.clerks, clock, workers, password_hasher, audit=store.audit,
                              lockout_attempts=settings.lockout_attempts, lockout_minutes=settings.lockout_minutes)
    # The district assigns each workstation its own prefix at enrolment; until then the one set here.
    prefix = store.sync.meta().get("prefix") or settings.workstation_prefix
    intake = IntakeService(store, catalog, calendar, clock, workers, prefix, settings.defer_days)
    letterhead = Letterhead(settings.centre_name, settings.centre_address, settings.centre_phone, settings.window_name)
    documents = DocumentService(letterhead, font, profile is Profile.TRAINING, settings.archive_full_id, catalog,
                                store, clock)
    printing = PrintService(documents, devices, store, clock, workers, receipt_roll=settings.receipt_paper == "80mm")
    training = profile is Profile.TRAINING
    sync = SyncService(store.sync, SyncEngine(store.sync, store.attachments, workers.db, clock, downloads),
                       workers, clock, training=training, window_name=settings.window_name,
                       prefix=prefix, centre=settings.centre_name, timeout=settings.sync_timeout,
                       local_district=_training_district(paths.data, clock) if training else None)
    desk = Desk(
        profile=profile, paths=paths, settings=settings, clock=clock, store=store, workers=workers,
        accounts=accounts, catalog=CatalogService(catalog, load_pinyin_initials(paths.resources)),
        queue=QueueService(store.tickets, settings.ticket_prefix, settings.window_name, clock, workers,
                           hall=HallClient(settings.hall_url, settings.window_name, settings.hall_key)
                           if settings.hall_url.strip() else None,
                           categories=tuple(c.strip() for c in settings.hall_categories.split(",") if c.strip())),
        intake=intake,
        returns=ReturnService(store, intake, calendar, clock, workers, settings.withdraw_after_days),
        cannot_do=CannotDoService(store, intake, clock, workers, prefix),
        documents=documents, printing=printing,
        handout=HandoutService(store, clock, workers),
        rating=_rating_service(settings, store, clock, workers, warnings),
        statistics=StatisticsService(store, catalog, documents, clock, workers),
        cases=CaseQueryService(store, clock, workers, documents, printing), devices=devices, sync=sync,
        materials=MaterialPagesService(store, intake, workers, font_file, settings.jpeg_quality),
        retention=RetentionService(store, clock, workers, settings.retention_days, printouts=paths.printouts,
                                   backups=paths.backups),
        startup_warnings=warnings,
    )
    intake.ticket_times = desk.queue.times_of
    sync.prefix_assigned = desk.number_cases_with
    desk.configuration = ConfigurationService(paths.settings, workers)
    desk.setup = SetupService(profile, settings, paths.settings, paths.resources, accounts, sync, devices, workers, font)
    if training:
        desk.training_service = _training_service(desk, paths.resources, paths.data, workers, clock)
    return desk


def _settings_warnings(settings: Settings, profile: Profile) -> list[str]:
    """What reading the settings found. A production PC does not start on a file it cannot read at all: its
    defaults would print no centre (or a wrong one) on legal documents and pick no real device."""
    if settings.unreadable:
        if profile is Profile.PRODUCTION:
            raise SettingsError(_("{unreadable}请改正后重新启动综窗（文件未改动）。").format(unreadable=settings.unreadable))
        return [_("{unreadable}本次使用默认设置（文件未改动）。").format(unreadable=settings.unreadable), *settings.problems]
    return list(settings.problems)


def _rating_service(settings: Settings, store: Store, clock: Clock, workers: Workers,
                    warnings: list[str]) -> RatingService:
    """好差评 as configured; a setting that cannot be read falls back to its default and says so."""
    defaults = Settings()
    try:
        stages = rating_stages(settings.rating_at)
    except DomainError as e:
        warnings.append(_("{e}；按默认设置邀请评价。").format(e=e))
        stages = rating_stages(defaults.rating_at)
    try:
        keys = KeyMap.parse(settings.rating_keys)
    except DomainError as e:
        warnings.append(_("{e}；评价器按默认按键（1–5）使用。").format(e=e))
        keys = KeyMap.parse(defaults.rating_keys)
    screen = settings.rating_screen if settings.rating_screen in ("auto", "screen", "dialog") else "auto"
    return RatingService(store, clock, workers, stages=stages, keys=keys, screen=screen,
                         window=settings.window_name, centre=settings.centre_name)


def _training_service(desk: Desk, resources: Path, data: Path, workers: Workers, clock: Clock):
    """Scenarios shipped and the profile's own (authored by its trainers), on the simulated reader's roster."""
    from app.devices.idcard.simulator import load_roster
    from app.services.training import TrainingService

    service = TrainingService(desk, [resources / "training" / "scenarios", data / "training" / "scenarios"],
                              load_roster(resources), workers, clock)
    desk.startup_warnings.extend(service.problems)
    return service


def build_printing_desk(out: Path, printer_label: str) -> Desk:
    """A training desk whose printer writes its PDFs into `out` (the demo, scripted visits); what start-up
    could not set up is said on stderr."""
    from app.devices.printer.simulator import SimulatedPrinter

    out.mkdir(parents=True, exist_ok=True)
    desk = build_desk(Profile.TRAINING, printer=SimulatedPrinter(out, printer_label))
    for warning in desk.startup_warnings:
        print(_("警告：{warning}").format(warning=warning), file=sys.stderr)
    return desk


class _TrainingDistrict:
    """The district server of the training profile, in this process on 127.0.0.1, on the desk's clock."""

    def __init__(self, data: Path, clock: Clock):
        from datetime import UTC

        from district.server import ServerThread, open_district
        from district.service import ServerConfig

        self.district = open_district(data, config=ServerConfig(name=_("培训区级平台（本机）"), allow_training=True),
                                      clock=lambda: clock().astimezone(UTC))
        self.thread = ServerThread(self.district.app()).start()
        self.url = self.thread.url

    def enrolment_code(self) -> str:
        return self.district.service.create_enrolment_code(hours=1)

    def back_office(self, action: str, number: str, **values: str) -> str:
        """What the back office does to a case (or 办不成事) in a training scenario; returns its new decision."""
        from district.service import Refused

        service = self.district.service
        found = [c for c in service.cases() if c.case_number == number]
        if not found:
            raise DomainError(_("培训区级平台没有收到 {number}，请先同步").format(number=number))
        case_id, by = found[0].id, _("培训后台")
        try:
            if action == "processing":
                row = service.start_processing(case_id, by)
            elif action in ("approve", "deny"):
                row = service.decide(case_id, action == "approve", values.get("note", ""), by)
            elif action == "terminate":
                row = service.terminate(case_id, values.get("reason", ""), by)
            elif action == "resolve":
                row = service.resolve(case_id, values.get("outcome", ""), values.get("note", ""), by,
                                      assignee=values.get("assignee", ""), guidance=values.get("guidance", ""))
            elif action in ("callback", "rectify", "follow_up"):
                ratings = service.ratings
                if action == "callback":
                    ratings.call_back(case_id, values.get("note", ""), by)
                elif action == "rectify":
                    ratings.rectify(case_id, values.get("note", ""), by)
                else:
                    ratings.follow_up(case_id, int(values.get("level", 0)), values.get("comment", ""), by)
                return action
            else:
                raise DomainError(_("后台操作“{action}”无效：应为 processing / approve / deny / terminate / resolve / callback / rectify / follow_up").format(
                        action=action))
        except Refused as e:
            raise DomainError(e.reason) from e
        return row.decision

    def close(self) -> None:
        self.thread.stop()
        self.district.close()


def _training_district(data: Path, clock: Clock):
    """Started on first use (the first sync), so a training desk that never syncs never pays for it."""
    def start() -> _TrainingDistrict:
        return _TrainingDistrict(data / "district", clock)

    return start

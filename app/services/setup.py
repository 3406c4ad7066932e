"""The first run of a production workstation (设置向导): the centre printed on every document, the window,
enrolment at the district (which assigns the case-number prefix), the devices chosen and each tried once,
and the first administrator. The wizard's pages, a script and the tests call these methods."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.config.paths import Profile
from app.config.settings import Settings, save_changes
from app.devices import registry
from app.devices.errors import DeviceError
from app.devices.printer.base import PrintJob
from app.documents.layout import Issue, Letterhead
from app.documents.test_page import TestPage, render_test_page
from app.domain.accounts import Role
from app.domain.documents import Paper
from app.domain.errors import DomainError
from app.domain.identity import mask_id_number, mask_name
from app.i18n import _
from app.services.accounts import AccountService
from app.services.devices import DeviceService
from app.services.sync import SyncService
from app.services.workers import Workers, runs_on
from app.sync.client import SyncError

log = logging.getLogger(__name__)

PHONE = re.compile(r"[0-9][0-9\- /（）()转]{4,30}")


class SetupRefused(DomainError):
    """A value the wizard cannot take, said for the installer."""


@dataclass(frozen=True)
class Centre:
    name: str
    address: str
    phone: str
    window: str


class SetupService:
    def __init__(self, profile: Profile, settings: Settings, settings_path, resources, accounts: AccountService,
                 sync: SyncService, devices: DeviceService, workers: Workers, font: str | None):
        self.profile, self.settings, self.settings_path, self.resources = profile, settings, settings_path, resources
        self.accounts, self.sync, self.devices, self.workers, self.font = accounts, sync, devices, workers, font

    # --- whether it is needed ----------------------------------------------------------------------

    @runs_on("read")
    def needed(self) -> bool:
        """A production workstation nobody has set up: no centre to print, or nobody who can log in."""
        return self.profile is Profile.PRODUCTION and (self.settings.centre_missing or not self.accounts.has_accounts())

    # --- the centre and the window -----------------------------------------------------------------

    @runs_on("db")
    def save_centre(self, centre: Centre) -> None:
        name, address, phone, window = (v.strip() for v in (centre.name, centre.address, centre.phone, centre.window))
        if not 4 <= len(name) <= 60:
            raise SetupRefused(_("请填写服务中心的全称（4 到 60 个字），它打印在所有单据上。"))
        if not address:
            raise SetupRefused(_("请填写服务中心地址。"))
        if not PHONE.fullmatch(phone):
            raise SetupRefused(_("咨询电话“{phone}”不像电话号码（如 0571-12345678）。").format(phone=phone))
        if not 2 <= len(window) <= 30:
            raise SetupRefused(_("请填写本窗口名称（如 1号综合窗口）。"))
        self._save(centre_name=name, centre_address=address, centre_phone=phone, window_name=window)
        self.sync.window_name, self.sync.centre = window, name

    def _save(self, **changes: Any) -> None:
        try:
            save_changes(self.settings_path, changes)
        except ValueError as e:
            raise SetupRefused(_("设置未保存：{e}").format(e=e)) from e
        for key, value in changes.items():
            setattr(self.settings, key, value)

    # --- the district --------------------------------------------------------------------------------

    @runs_on("script")
    def enrol(self, server_url: str, code: str) -> str:
        """Enrol at the district; the sentence names the prefix it assigned."""
        if not re.fullmatch(r"https?://\S+", server_url.strip()):
            raise SetupRefused(_("区级平台地址应以 http:// 或 https:// 开头，如 http://10.1.2.3:8600"))
        if not code.strip():
            raise SetupRefused(_("请填写区级平台管理员提供的注册码。"))
        try:
            enrolment = asyncio.run(self.sync.enrol(server_url.strip(), code.strip()))
        except SyncError as e:
            raise SetupRefused(_("注册未完成：{message}").format(message=e.message)) from e
        return (_("已注册到 {server_name}；本工作站的办件编号前缀为 {prefix}。").format(
                server_name=enrolment.server_name or enrolment.server_url, prefix=self.sync.prefix))

    @runs_on("db")
    def use_prefix(self, prefix: str) -> str:
        """Not enrolled yet (no network at the centre): the prefix the district assigned on paper."""
        prefix = prefix.strip().upper()
        if not re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", prefix):
            raise SetupRefused(_("办件编号前缀“{prefix}”应为 2 到 8 位大写字母或数字，以字母开头（如 ZC07）。").format(prefix=prefix))
        self._save(workstation_prefix=prefix)
        self.sync.prefix = prefix
        return _("办件编号前缀为 {prefix}；联网后请用注册码注册到区级平台。").format(prefix=prefix)

    # --- the devices ---------------------------------------------------------------------------------

    @runs_on("idcard")
    def try_reader(self, driver: str, port: str = "") -> str:
        """One read with the chosen reader; the chosen driver is kept when the reader answers."""
        trial = self.settings.with_values(idcard_driver=driver, idcard_port=port.strip())
        try:
            reader = registry.make_idcard_reader(trial, self.profile, self.resources)
        except DeviceError as e:
            raise SetupRefused(str(e)) from e
        if reader is None:
            self._save(idcard_driver=driver, idcard_port=port.strip())
            return _("不使用身份证阅读器。")
        try:
            reader.open()
            try:
                card = reader.read_card()
            except DeviceError as e:
                self._save(idcard_driver=driver, idcard_port=port.strip())
                return _("阅读器已连接（{name}），但没有读到证件：{e}").format(name=reader.name, e=e)
            finally:
                reader.close()
        except DeviceError as e:
            raise SetupRefused(_("阅读器不可用：{e}").format(e=e)) from e
        self._save(idcard_driver=driver, idcard_port=port.strip())
        h = card.holder
        return _("读卡成功（{name}）：{mask_name}，{mask_id_number}。").format(
                name=reader.name, mask_name=mask_name(h.name), mask_id_number=mask_id_number(h.id_number))

    @runs_on("cpu")
    def cameras(self) -> list[str]:
        return self.devices.camera_choices()

    @runs_on("camera")
    def try_camera(self, name: str) -> str:
        """One still from the chosen camera, measured; the camera is remembered when it gives one."""
        if name:
            self.devices.select_camera(name)
        page = self.devices.capture_page()
        self._save(camera_name=name)
        width, height = page.size
        return _("拍摄成功：{width}×{height} 像素").format(
                width=width, height=height) + (_("，已找到纸张边缘。") if page.detected else _("。"))

    @runs_on("cpu")
    def printers(self) -> list[str]:
        """The system's printers, the default first."""
        from app.devices.printer.spooler import list_printers

        try:
            found = list_printers()
        except DeviceError as e:
            log.warning("printers could not be listed: %s", e)
            return []
        return [p.name for p in sorted(found, key=lambda p: not p.default)]

    @runs_on("printer")
    def try_printer(self, name: str, receipt: bool = False) -> str:
        """A test page (Chinese text, a QR code, a frame inside the paper edge) on the chosen printer, which is
        kept as this PC's A4 (or receipt) printer once the page went out."""
        if self.font is None:
            raise SetupRefused(_("没有可用的中文字体，无法打印测试页。"))
        try:
            printer = registry.printer_by_name(name)          # "" is the system's default printer
            roll = name.startswith(registry.ESC_POS_TARGETS)
            now = datetime.now().astimezone()
            s = self.settings
            page = TestPage(Issue(Letterhead(s.centre_name, s.centre_address, s.centre_phone, s.window_name), now,
                                  _("打印测试"), False), printer.name, f"ZC-TEST-{now:%Y%m%d-%H%M%S}", roll)
            result = printer.print_pdf(PrintJob(_("打印测试页"), render_test_page(page, self.font),
                                                Paper.ROLL_80 if roll else Paper.A4))
        except DeviceError as e:
            raise SetupRefused(str(e)) from e
        if receipt:
            self._save(receipt_printer=name, receipt_paper="80mm" if roll else self.settings.receipt_paper)
        else:
            self._save(a4_printer=name)
        return _("测试页已发送到 {printer}，请检查打印效果。").format(printer=result.printer)

    # --- the first administrator --------------------------------------------------------------------

    @runs_on("db")
    def create_admin(self, username: str, display_name: str, password: str, again: str) -> str:
        if password != again:
            raise SetupRefused(_("两次输入的密码不一致。"))
        clerk = self.accounts.create(username.strip(), display_name.strip() or _("管理员"), Role.ADMIN, password)
        return _("已创建管理员账号 {username}（{display_name}）。").format(
                username=clerk.username, display_name=clerk.display_name)

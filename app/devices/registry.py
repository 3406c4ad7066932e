"""Picks the driver of each device kind from settings; simulators exist only in training (and tests)."""

from __future__ import annotations

from pathlib import Path

from app.config.paths import Profile
from app.config.settings import Settings
from app.devices.errors import DeviceUnavailable
from app.i18n import _


def _refuse_simulator_in_production(profile: Profile, kind: str) -> None:
    if profile is Profile.PRODUCTION:
        raise DeviceUnavailable(_("正式环境不能使用模拟{kind}，请在设置中选择真实设备驱动").format(kind=kind))


def _chosen(driver: str, profile: Profile, production: str) -> str:
    """A driver setting left empty means the simulator in training and `production` in production."""
    return driver or ("simulator" if profile is Profile.TRAINING else production)


def make_idcard_reader(settings: Settings, profile: Profile, resources: Path, app_dir: Path | None = None):
    """The ID-card reader named by settings.idcard_driver (None for "none")."""
    driver = _chosen(settings.idcard_driver, profile, "sam")
    if driver == "none":
        return None
    if driver == "simulator":
        _refuse_simulator_in_production(profile, _("身份证阅读器"))
        from app.devices.idcard.simulator import SimulatedIdCardReader, load_roster

        return SimulatedIdCardReader(load_roster(resources))
    if driver == "sam":
        from app.devices.idcard.serial_sam import AutoDetectSamReader

        return AutoDetectSamReader(settings.idcard_port, settings.idcard_baud)
    from app.devices.idcard import vendor_dll

    if driver in vendor_dll.APIS:
        return _dll_reader(driver, settings, app_dir)
    raise DeviceUnavailable(_("未知的身份证阅读器驱动“{driver}”，请在设置中选择 sam / sdtapi / termb / syn").format(driver=driver))


def _dll_reader(api: str, settings: Settings, app_dir: Path | None):
    from app.devices.idcard import vendor_dll
    from app.devices.idcard.dll_helper import HelperProcessReader, helper_command

    dll = Path(settings.idcard_dll or vendor_dll.DEFAULT_DLL[api])
    try:
        port = int(settings.idcard_port or 0)
    except ValueError:
        raise DeviceUnavailable(_("身份证阅读器端口“{idcard_port}”应为数字（如 1001）").format(
                idcard_port=settings.idcard_port)) from None
    if dll.is_absolute() and dll.exists() and vendor_dll.dll_machine(dll) != vendor_dll.process_machine():
        helper = Path(settings.idcard_helper) if settings.idcard_helper else None
        if helper is None and app_dir is not None and (app_dir / HELPER_EXE).exists():
            helper = app_dir / HELPER_EXE
        return HelperProcessReader(helper_command(api, dll, port, helper))
    return vendor_dll.make_dll_reader(api, dll, port)


HELPER_EXE = "zongchuang-idcard32.exe"


def make_photo_decoder(settings: Settings):
    """The licensed WLT decoder, if configured (otherwise photos show as 照片不可用)."""
    if not settings.idcard_photo_dll:
        return None
    from app.devices.idcard.photo import WltDllPhotoDecoder

    return WltDllPhotoDecoder(Path(settings.idcard_photo_dll))


def make_social_security_reader(settings: Settings, profile: Profile, resources: Path):
    """The 社保卡 reader: with no driver set, the simulator in training and none in production."""
    driver = _chosen(settings.sscard_driver, profile, "none")
    if driver == "none":
        return None
    if driver == "simulator":
        _refuse_simulator_in_production(profile, _("社保卡读卡器"))
        from app.devices.idcard.simulator import load_roster
        from app.devices.sscard.simulator import SimulatedSocialSecurityReader

        return SimulatedSocialSecurityReader(load_roster(resources))
    if driver == "pcsc":
        from app.devices.sscard.reader import PcscCardReader

        return PcscCardReader(settings.sscard_reader)
    raise DeviceUnavailable(_("未知的社保卡读卡器驱动“{driver}”，请在设置中选择 pcsc").format(driver=driver))


def make_camera(settings: Settings, profile: Profile, font_path: str | None = None):
    driver = _chosen(settings.camera_driver, profile, "qt")
    if driver == "simulator":
        _refuse_simulator_in_production(profile, _("高拍仪"))
        from app.devices.camera.simulator import SimulatedCamera

        return SimulatedCamera(font_path=font_path)
    if driver == "qt":
        from app.devices.camera.qt_camera import QtCamera

        return QtCamera(settings.camera_name)
    if driver == "video":
        _refuse_simulator_in_production(profile, _("高拍仪（录像回放）"))
        if not settings.camera_video:
            raise DeviceUnavailable(_("请在设置 camera_video 中填写回放录像的路径"))
        from app.devices.camera.qt_camera import QtCamera

        return QtCamera(video_file=Path(settings.camera_video))
    raise DeviceUnavailable(_("未知的高拍仪驱动“{driver}”，请在设置中选择 qt（USB 高拍仪）").format(driver=driver))


ESC_POS_TARGETS = ("tcp://", "serial:", "usb:", "win32:")


def make_printer(settings: Settings, profile: Profile, printouts: Path, seal=None):
    """The A4 printer: the spooler's printer named in settings ("" = system default), or the simulator.

    With no driver set, production prints on the spooler and training writes PDF files (sealed with `seal`,
    the workstation's file cipher, when given)."""
    driver = _chosen(settings.printer_driver, profile, "spooler")
    if driver == "simulator":
        _refuse_simulator_in_production(profile, _("打印机"))
        from app.devices.printer.simulator import SimulatedPrinter

        return SimulatedPrinter(printouts, seal=seal)
    if driver == "spooler":
        from app.devices.printer.spooler import SpoolerPrinter

        return SpoolerPrinter(settings.a4_printer)
    raise DeviceUnavailable(_("未知的打印机驱动“{driver}”，请在设置中选择 spooler（系统打印机）").format(driver=driver))


def printer_by_name(name: str):
    """A spooler printer by name, or an ESC/POS printer by its connection target."""
    if name.startswith(ESC_POS_TARGETS):
        from app.devices.printer.escpos_printer import EscPosPrinter

        return EscPosPrinter(name)
    from app.devices.printer.spooler import SpoolerPrinter

    return SpoolerPrinter(name)


def make_receipt_printer(settings: Settings, a4_printer):
    """The receipt printer: the A4 printer itself, another spooler printer, or an ESC/POS thermal printer."""
    target = settings.receipt_printer.strip()
    if not target or a4_printer is None or not hasattr(a4_printer, "select"):
        return a4_printer          # the simulator writes every document to the same folder
    return printer_by_name(target)

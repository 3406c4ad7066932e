"""Picks the driver of each device kind from settings; simulators exist only in training (and tests)."""

from __future__ import annotations

from pathlib import Path

from app.config.paths import Profile
from app.devices.errors import DeviceUnavailable


def _refuse_simulator_in_production(profile: Profile, kind: str) -> None:
    if profile is Profile.PRODUCTION:
        raise DeviceUnavailable(f"正式环境不能使用模拟{kind}，请在设置中选择真实设备驱动")


def make_idcard_reader(driver: str, profile: Profile, resources: Path):
    if driver == "simulator":
        _refuse_simulator_in_production(profile, "身份证阅读器")
        from app.devices.idcard.simulator import SimulatedIdCardReader, load_roster

        return SimulatedIdCardReader(load_roster(resources))
    raise DeviceUnavailable(f"身份证阅读器驱动“{driver}”尚不可用")


def make_camera(driver: str, profile: Profile):
    if driver == "simulator":
        _refuse_simulator_in_production(profile, "高拍仪")
        from app.devices.camera.simulator import SimulatedCamera

        return SimulatedCamera()
    raise DeviceUnavailable(f"高拍仪驱动“{driver}”尚不可用")


def make_printer(driver: str, profile: Profile, printouts: Path):
    if driver == "simulator":
        _refuse_simulator_in_production(profile, "打印机")
        from app.devices.printer.simulator import SimulatedPrinter

        return SimulatedPrinter(printouts)
    raise DeviceUnavailable(f"打印机驱动“{driver}”尚不可用")

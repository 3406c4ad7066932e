"""Shared fixtures: a desk on simulators in a fresh data directory, with a fast password hasher."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

import pytest

# Offscreen, on a screen the size of a hall PC's (1366×768), so layouts meet the space they will have.
SCREEN = Path(__file__).with_name("desk-screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
# Keys go to a 0600 file in each test's folder, never into the desktop keyring of whoever runs the tests.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from argon2 import PasswordHasher  # noqa: E402

from app.config.paths import Profile, resources_dir  # noqa: E402
from app.config.settings import Settings  # noqa: E402
from app.devices.camera.simulator import SimulatedCamera  # noqa: E402
from app.devices.idcard.simulator import SimulatedIdCardReader, load_roster  # noqa: E402
from app.devices.printer.simulator import SimulatedPrinter  # noqa: E402
from app.documents.fonts import candidate_paths  # noqa: E402
from app.domain.accounts import Role  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FONT = next((str(p) for p in candidate_paths("", resources_dir()) if p.exists()), None)
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def bench_module(name: str):
    """A benchmark of bench/ as a module, for tests that share its measures."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class FixedClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, working_days: int, calendar) -> datetime:
        """Like the training clock: the same time of day `working_days` working days later."""
        target = calendar.add_working_days(self.now.date(), working_days).day
        self.now = self.now.replace(year=target.year, month=target.month, day=target.day)
        return self.now


@pytest.fixture
def home(tmp_path) -> dict[str, str]:
    return {"ZONGCHUANG_HOME": str(tmp_path / "home")}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 24, 9, 30).astimezone())


@pytest.fixture
def language() -> str:
    """The interface language of the desk (tests parametrize it to look at the English interface too)."""
    return "zh_CN"


@pytest.fixture(autouse=True)
def chinese_after_each_test():
    """A test that switched the interface to another language leaves it Chinese for the next one."""
    yield
    from app import i18n

    i18n.install("zh_CN", resources_dir())


@pytest.fixture
def desk(home, clock, tmp_path, language):
    from app.main import build_desk

    settings = Settings(idcard_poll=False, sscard_driver="simulator",   # tests that poll start it themselves
                        capture_still_ms=300, capture_sound=False, language=language)
    d = build_desk(Profile.TRAINING, home, settings=settings, clock=clock, password_hasher=FAST_HASHER,
                   idcard=SimulatedIdCardReader(load_roster(resources_dir())), camera=SimulatedCamera(
                       still_size=(1600, 1200), preview_size=(480, 360), fps=15, seed=7, lay_seconds=0.25,
                       leave_seconds=0.2, font_path=FONT),
                   printer=SimulatedPrinter(tmp_path / "printed"))
    yield d
    d.close()


@contextlib.contextmanager
def main_window(qtbot, desk, who):
    """The main window, shown, for `who`; closed once its background work is done."""
    from app.ui.main_window import MainWindow

    w = MainWindow(desk, who)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    try:
        yield w
    finally:
        w.close()
        qtbot.waitUntil(lambda: w.ops.idle, timeout=15000)


@pytest.fixture
def window(qtbot, desk, clerk):
    """The main window for the clerk "wang"."""
    with main_window(qtbot, desk, clerk) as w:
        yield w


@pytest.fixture
def clerk(desk):
    return desk.accounts.create("wang", "王小明", Role.CLERK, "clerk-pass-1")


@pytest.fixture
def supervisor(desk):
    return desk.accounts.create("zhao", "赵主任", Role.SUPERVISOR, "super-pass-1")

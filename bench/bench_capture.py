"""The capture view under load: GUI-thread stalls during continuous capture, and memory after 200 pages.

Run: .venv/bin/python bench/bench_capture.py [--pages 200] [--seconds 30]

Phase 1 — the capture view runs on the QtMultimedia driver replaying a 2592×1944 MJPEG desk video
(documents laid down by a hand, left still, taken away, in a loop); auto-capture in continuous
mode takes every page at full resolution. A 5 ms timer on the GUI thread records how late each
tick fires: the worst lateness is the longest the GUI thread was unable to respond (target ≤ 50 ms).
The same probe on the idle window first measures the machine's own jitter, for comparison.

Phase 2 — pages are captured one after another (as with F3) onto one material until it holds 200;
the process's resident memory is printed before, after and at its peak (target ≤ 350 MB after),
and the probe reports the GUI thread's stalls while the page list grows.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false;qt.qpa.*=false")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.config.paths import Profile, resources_dir  # noqa: E402
from app.config.settings import Settings  # noqa: E402
from app.devices.camera.qt_camera import QtCamera  # noqa: E402
from app.devices.idcard.simulator import SimulatedIdCardReader, load_roster  # noqa: E402
from app.devices.printer.simulator import SimulatedPrinter  # noqa: E402
from app.main import build_desk  # noqa: E402
from app.ui.capture_view import CaptureDialog  # noqa: E402
from app.ui.operations import Operations  # noqa: E402

SIZE = (2592, 1944)
PROBE_MS = 5
STALL_TARGET_MS = 50
RSS_TARGET_MB = 350


class StallProbe(QObject):
    """A precise timer on the GUI thread; a tick that fires late means the thread was busy."""

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.late: list[float] = []

    def start(self) -> None:
        self.late = []
        self.clock.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        gap = self.clock.nsecsElapsed() / 1e6
        self.clock.restart()
        self.late.append(max(0.0, gap - PROBE_MS))

    def summary(self) -> str:
        late = sorted(self.late)
        p99 = late[int(len(late) * 0.99)] if late else 0.0
        return f"{len(late)} ticks, worst {max(late, default=0):.1f} ms, p99 {p99:.1f} ms, median {statistics.median(late or [0]):.1f} ms"


def run_for(app: QApplication, seconds: float, until=lambda: False) -> None:
    end = time.monotonic() + seconds
    loop = QEventLoop()
    while time.monotonic() < end and not until():
        loop.processEvents(QEventLoop.AllEvents, 5)
        time.sleep(0.001)


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory (VmRSS) or its peak so far (VmHWM), from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the continuous-capture phase")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])

    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "desk.avi"           # written by another process: its renderer's memory is not ours
        subprocess.run([sys.executable, "-m", "app", "camera", "sample-video", str(video), "--documents",
                        "居民户口簿,结婚证,出生医学证明", "--size", f"{SIZE[0]}x{SIZE[1]}"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        home = {"ZONGCHUANG_HOME": str(Path(tmp) / "home")}
        # The installer creates the database and the accounts beforehand, as on a real workstation.
        subprocess.run([sys.executable, "-m", "app", "--profile", "training", "clerk", "add", "bench", "--name",
                        "测试员", "--password-stdin"], cwd=ROOT, check=True, input="desk-pass-7q\n",
                       text=True, env={**os.environ, **home}, stdout=subprocess.DEVNULL)
        camera = QtCamera(video_file=video)
        desk = build_desk(Profile.TRAINING, home,
                          settings=Settings(idcard_poll=False, capture_sound=False, capture_still_ms=600),
                          password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
                          idcard=SimulatedIdCardReader(load_roster(resources_dir())), camera=camera,
                          printer=SimulatedPrinter(Path(tmp) / "printed"))
        gc.freeze()                             # as the app does after start-up (app/cli.py)
        clerk = desk.accounts.login("bench", "desk-pass-7q")
        application = desk.intake.start("bundle", "BD-BIRTH", clerk)
        code = next(m.code for m in application.materials if not m.from_id_card)
        ops = Operations(lambda message: print("error:", message))
        view = CaptureDialog(desk, clerk, ops)
        view.show_material(application, code)
        print(f"desk video: {SIZE[0]}×{SIZE[1]} MJPEG, {video.stat().st_size / 2**20:.0f} MB")

        probe = StallProbe()
        view.show()
        run_for(app, 1.0)
        probe.start()
        run_for(app, 5.0)
        probe.stop()
        print(f"idle window: {probe.summary()}")

        view.start()
        run_for(app, 3.0, until=lambda: view.preview.preview is not None)
        probe.start()
        started = view.captures
        run_for(app, args.seconds)
        probe.stop()
        worst = max(probe.late, default=0)
        print(f"continuous capture ({view.captures - started} pages in {args.seconds:.0f} s, preview "
              f"{camera.preview_size[0]}×{camera.preview_size[1]}, stills {camera.still_size[0]}×{camera.still_size[1]}): "
              f"{probe.summary()}")
        print(f"worst GUI stall {worst:.1f} ms (target ≤ {STALL_TARGET_MS} ms) "
              f"{'OK' if worst <= STALL_TARGET_MS else 'OVER'}")
        print(f"RESULT name=capture_gui_stall value={worst:.1f} unit=ms target<={STALL_TARGET_MS} "
              f"pass={'yes' if worst <= STALL_TARGET_MS else 'no'}")

        view.auto_box.setChecked(False)
        run_for(app, 1.0)
        before = rss_mb()
        count = len(application.attachments_of(code))
        started_at = time.monotonic()
        probe.start()
        while count < args.pages:
            taken = view.captures
            view.capture_now()
            run_for(app, 10.0, until=lambda taken=taken: view.captures > taken)
            run_for(app, 0.02)
            count = len(application.attachments_of(code))
            if count % 50 == 0:
                print(f"  {count} pages: RSS {rss_mb():.0f} MB", flush=True)
        run_for(app, 2.0, until=lambda: ops.idle)
        probe.stop()
        elapsed = time.monotonic() - started_at
        after, peak = rss_mb(), rss_mb("VmHWM")
        print(f"{count} pages on one material ({view.thumbs.count()} thumbnails shown) in {elapsed:.0f} s: "
              f"RSS before {before:.0f} MB, after {after:.0f} MB, peak of the whole run {peak:.0f} MB "
              f"(target ≤ {RSS_TARGET_MB} MB) {'OK' if after <= RSS_TARGET_MB else 'OVER'}")
        print(f"RESULT name=capture_rss_after_pages value={after:.0f} unit=MB target<={RSS_TARGET_MB} "
              f"pass={'yes' if after <= RSS_TARGET_MB else 'no'}")
        print(f"GUI thread while the pages were taken back to back ({count / elapsed:.1f} pages/s, far beyond a "
              f"clerk's pace; information): {probe.summary()}")
        view.close()
        desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

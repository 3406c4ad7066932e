"""A workstation process that syncs and can be killed at any moment (used by test_sync_faults)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.config.paths import Profile  # noqa: E402
from app.main import build_desk  # noqa: E402


def main() -> int:
    desk = build_desk(Profile.TRAINING, idcard=None, camera=None, printer=None, receipt_printer=None, sscard=None)
    desk.sync.engine.chunk = 64 * 1024          # several requests per attachment: more places to be cut
    desk.sync.engine.batch_cases = 4
    print("syncing", flush=True)
    try:
        report = asyncio.run(desk.sync.drain(rounds=20, pause=0.2))
    finally:
        desk.close()
    print(f"synced {report.cases_synced} cases, {report.attachments_uploaded} attachments, {report.left} left")
    return 0 if report.left == 0 and report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

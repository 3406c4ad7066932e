"""Looking cases up after years at a busy window: 200,000 cases in the encrypted store, as in production.

Run: .venv/bin/python bench/bench_lookup.py [--cases 200000] [--lookups 60]
The store is built through the project's own repository (about 5 minutes for 200,000 cases) and kept under
the temp folder (or BENCH_TMP) for the next run. Each lookup goes through the case list's service method, on
the read worker, as the window calls it (the audit entry included): the list's first page, the list filtered
by state, and a search by full ID number, by case number, by name (a whole name and a surname with the
first given character). Prints the median and p95 of each; target: p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_encryption import fill, person  # noqa: E402  (bench/ is the script's own folder)

from app.domain.accounts import Clerk, Role  # noqa: E402
from app.domain.case import CaseState  # noqa: E402
from app.services.cases import CaseQueryService  # noqa: E402
from app.services.workers import Workers  # noqa: E402
from app.store.database import open_store  # noqa: E402
from app.store.keys import open_key  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 20.0
SEED = 20


def store_of(folder: Path):
    return open_store(folder / "zc.sqlite3", folder / "att", ROOT / "migrations", folder / "backups",
                      open_key(folder / "profile", "file"))


def built(cases: int) -> Path:
    """The folder of a store with `cases` cases, built once and reused."""
    folder = Path(os.environ.get("BENCH_TMP", tempfile.gettempdir())) / f"zongchuang-lookup-{cases}"
    if (folder / "complete").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("zc.sqlite3*"):
        old.unlink()
    print(f"storing {cases} cases (four years of a busy window) in {folder}…", flush=True)
    t = time.perf_counter()
    store = store_of(folder)
    fill(store, cases, SEED)
    store.close()
    (folder / "complete").write_text("")
    print(f"  stored in {time.perf_counter() - t:.0f} s", flush=True)
    return folder


def people(cases: int):
    """The applicants `fill` gave the cases, in order (the same seed draws the same people)."""
    rng = random.Random(SEED)
    return [person(rng, n) for n in range(cases)]


def case_number(n: int) -> str:
    at = datetime(2026, 1, 5, 9, 0).astimezone() + timedelta(minutes=n)
    return f"ZC01-{at:%Y%m%d}-{n:06d}"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=60)
    args = parser.parse_args()
    folder = built(args.cases)
    store = store_of(folder)
    size = sum(f.stat().st_size for f in folder.glob("zc.sqlite3*"))
    workers = Workers()
    service = CaseQueryService(store, lambda: datetime.now().astimezone(), workers, None, None)
    clerk = Clerk("wang", "王小明", Role.CLERK)
    rng = random.Random(1)
    everyone = people(args.cases)
    picks = [rng.randrange(args.cases) for _ in range(args.lookups)]
    queries = {
        "list_first_page": [("", None)] * args.lookups,
        "list_by_state": [("", CaseState.DRAFT)] * args.lookups,
        "search_id_number": [(everyone[n].id_number, None) for n in picks],
        "search_case_number": [(case_number(n), None) for n in picks],
        "search_name": [(everyone[n].name, None) for n in picks],
        "search_name_prefix": [(everyone[n].name[:2], None) for n in picks],
    }
    samples: dict[str, list[float]] = {name: [] for name in queries}
    found: dict[str, int] = {name: 0 for name in queries}
    service.search(clerk, "", None)                      # warm: the first read opens the read worker's connection
    for name, asked in queries.items():
        for text, state in asked:
            t = time.perf_counter()
            result = service.search(clerk, text, state)
            samples[name].append((time.perf_counter() - t) * 1000)
            found[name] += bool(result)
    workers.shutdown()
    store.close()
    print(f"{args.cases} cases, database {size / 2**20:.0f} MB ({size / args.cases / 1024:.1f} KB per case)")
    print(f"{'lookup':<22}{'median ms':>10}{'p95 ms':>9}{'found':>7}")
    for name, values in samples.items():
        print(f"{name:<22}{statistics.median(values):>10.1f}{percentile(values, 0.95):>9.1f}"
              f"{found[name]:>4}/{len(values)}")
    for name, values in samples.items():
        for stat, value in (("p50", statistics.median(values)), ("p95", percentile(values, 0.95))):
            print(f"RESULT name=lookup_{name}_{stat} value={value:.1f} unit=ms target=<={TARGET_MS:g} "
                  f"pass={'yes' if value <= TARGET_MS else 'no'}")
    per_case = size / args.cases / 1024
    print(f"RESULT name=database_per_case value={per_case:.1f} unit=KB target=<=4 pass={'yes' if per_case <= 4 else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

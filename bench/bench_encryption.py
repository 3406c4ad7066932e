"""What encryption at rest costs the desk: the same work on a plain store and on an encrypted one (SQLCipher
with the workstation key, AES-GCM scans), in the same run, alternating which goes first.

Run: .venv/bin/python bench/bench_encryption.py [--cases 20000] [--saves 300] [--scans 200]
Measured, each on both stores:
- saving a case as the desk does (one durable transaction: opened, applicant, form, three materials);
- the case list's search by name and by ID number over `--cases` stored cases;
- opening a case (replaying its events);
- storing and reading back 300 KB scans.
Prints medians, the encrypted/plain ratio and a RESULT line per figure.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import timed  # noqa: E402  (bench/ is the script's own folder)

from app.domain.case import Case, MaterialStatus  # noqa: E402
from app.domain.identity import Identity, check_digit  # noqa: E402
from app.store.catalog_files import load_catalog  # noqa: E402
from app.store.database import open_store  # noqa: E402
from app.store.keys import open_key  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog(ROOT / "resources" / "catalog")
ITEM = CATALOG.item("MZ001")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
TARGETS = {"save": 1.6, "search_name": 1.6, "search_id": 1.6, "open": 1.6, "scans": 1.6}


def person(rng: random.Random, n: int) -> Identity:
    first17 = f"330106{1950 + n % 50:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return Identity(name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    id_number=first17 + check_digit(first17), phone=f"138{n:08d}"[:11],
                    address=f"杭州市拱墅区和睦路{n % 300}号{n % 20}幢")


def a_case(rng: random.Random, n: int, at: datetime) -> Case:
    case = Case.open(case_id=str(uuid.uuid4()), case_number=f"ZC01-{at:%Y%m%d}-{n:06d}", item=ITEM,
                     catalog_version=CATALOG.version, clerk="wang", at=at)
    who = person(rng, n)
    case.set_applicant(who, "wang", at, from_card=True)
    case.fill_fields({"name": who.name, "id_number": who.id_number, "phone": who.phone, "address": who.address,
                      "household_size": "3", "monthly_income": "860"}, "wang", at)
    for m in ITEM.materials[:3]:
        case.mark_material(m, MaterialStatus.RECEIVED, "wang", at)
    return case


def fill(store, count: int, seed: int) -> list[Identity]:
    rng = random.Random(seed)
    at = datetime(2026, 1, 5, 9, 0).astimezone()
    people = []
    batch = []
    for n in range(count):
        case = a_case(rng, n, at + timedelta(minutes=n))
        people.append(case.applicant)
        batch.append(case)
        if len(batch) == 500:
            store.cases.save(*batch)
            batch = []
    if batch:
        store.cases.save(*batch)
    return people


def measure(store, people: list[Identity], case_ids: list[str], args, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    at = datetime(2026, 11, 2, 9, 0).astimezone()
    saves = [a_case(rng, 900_000 + seed * 10_000 + n, at) for n in range(args.saves)]
    it = iter(saves)
    out = {"save": timed(lambda: store.cases.save(next(it)), args.saves)}
    names = [p.name for p in rng.sample(people, 50)]
    ids = [p.id_number for p in rng.sample(people, 50)]
    ni, ii = iter(names * 3), iter(ids * 3)
    out["search_name"] = timed(lambda: store.cases.search(next(ni)), 50)
    out["search_id"] = timed(lambda: store.cases.search(next(ii)), 50)
    oi = iter(rng.sample(case_ids, 100))
    out["open"] = timed(lambda: store.cases.get(next(oi)), 100)
    pages = [rng.randbytes(300_000) for _ in range(args.scans)]
    t = time.perf_counter()
    hashes = [store.attachments.put(p) for p in pages]
    for h in hashes:
        store.attachments.get(h)
    out["scans"] = (time.perf_counter() - t) * 1000 / args.scans
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--scans", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        folder = Path(tmp)
        key = open_key(folder / "profile", "file")
        stores = {}
        for label, k in (("plain", None), ("encrypted", key)):
            stores[label] = open_store(folder / f"{label}.sqlite3", folder / f"{label}-att", ROOT / "migrations",
                                       folder / "backups", k)
        print(f"filling both stores with {args.cases} cases…", flush=True)
        people = {label: fill(store, args.cases, seed=1) for label, store in stores.items()}
        from sqlalchemy import select

        from app.store.models import CaseRow

        ids = {}
        for label, store in stores.items():
            with store.engine.connect() as conn:
                ids[label] = [r[0] for r in conn.execute(select(CaseRow.id))]
        figures: dict[str, dict[str, list[float]]] = {"plain": {}, "encrypted": {}}
        for round_ in range(2):                    # alternate which store goes first
            order = ("plain", "encrypted") if round_ == 0 else ("encrypted", "plain")
            for label in order:
                for name, value in measure(stores[label], people[label], ids[label], args, seed=round_).items():
                    figures[label].setdefault(name, []).append(value)
        for store in stores.values():
            store.close()
    print(f"{'figure':<14}{'plain ms':>10}{'encrypted ms':>14}{'ratio':>8}")
    ok = True
    for name, target in TARGETS.items():
        plain = statistics.median(figures["plain"][name])
        sealed = statistics.median(figures["encrypted"][name])
        ratio = sealed / plain if plain else float("inf")
        passed = ratio <= target
        ok &= passed
        print(f"{name:<14}{plain:>10.2f}{sealed:>14.2f}{ratio:>8.2f}")
        print(f"RESULT name=encryption_{name}_ratio value={ratio:.2f} unit=x target<={target} "
              f"pass={'yes' if passed else 'no'}")
        print(f"RESULT name=encryption_{name}_ms value={sealed:.2f} unit=ms target=none pass=yes")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

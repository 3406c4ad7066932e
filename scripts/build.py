"""Build the Windows (or Linux) distribution: the PyInstaller onedir folder with its four programs, then the
NSIS installer around it.

    python scripts/build.py                    # dist/zongchuang/ and dist/zongchuang-<version>-setup.exe
    python scripts/build.py --fast             # an uncompressed installer (CI's proof that the script builds)
    python scripts/build.py --no-installer     # the folder only

Needs PyInstaller (in the dev extras) and makensis (NSIS: the Windows installer, or Debian's `nsis` package)
on PATH. Prints the folder's size and file count, and where the installer went.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.version import numeric, version  # noqa: E402


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]   # Linux links .so names
    return sum(p.stat().st_size for p in files), len(files)


def build_folder(dist: Path, work: Path) -> Path:
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")], check=True)
    folder = dist / "zongchuang"
    size, count = folder_size(folder)
    print(f"bundle: {folder} — {size / 2**20:.0f} MB in {count} files", flush=True)
    return folder


def build_installer(folder: Path, dist: Path, fast: bool) -> Path:
    makensis = shutil.which("makensis")
    if makensis is None:
        raise SystemExit("makensis not found: install NSIS (https://nsis.sourceforge.io) or Debian's nsis package")
    out = dist / f"zongchuang-{version()}-setup.exe"
    subprocess.run([makensis, "-V2", "-INPUTCHARSET", "UTF8", f"-DSOURCE={folder}", f"-DVERSION={version()}",
                    "-DNUMERIC_VERSION=" + ".".join(map(str, numeric())), f"-DOUTFILE={out}",
                    *(["-DCOMPRESSOR=none"] if fast else []), str(ROOT / "installer" / "zongchuang.nsi")], check=True)
    print(f"installer: {out} — {out.stat().st_size / 2**20:.0f} MB", flush=True)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    p.add_argument("--work", type=Path, default=ROOT / "build")
    p.add_argument("--fast", action="store_true", help="an uncompressed installer")
    p.add_argument("--no-installer", action="store_true")
    args = p.parse_args()
    os.chdir(ROOT)
    folder = build_folder(args.dist, args.work)
    if not args.no_installer:
        build_installer(folder, args.dist, args.fast)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The layering of DESIGN.md as import-linter contracts (pyproject.toml), run on every test run, and proof
that each contract catches the violations a simpler check misses: an upward import through `from app
import X`, a relative import, services reaching into the window, the domain importing SQLAlchemy."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(where: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=where, capture_output=True, text=True, env=env, timeout=300)


def test_the_import_contracts_hold():
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "0 broken" in run.stdout and "6 kept" in run.stdout


PLANTED = {
    "app/services/planted.py": "from app.ui import case_view\n",                    # services → window
    "app/store/planted.py": "from app import main\n",                               # store → composition root
    "app/sync/planted.py": "from ..services import desk\n",                         # a relative upward import
    "app/documents/planted.py": "import district.service\n",                        # the district, not by HTTP
    "app/domain/planted.py": "import sqlalchemy\n",                                  # the domain stays pure
    "app/ui/planted.py": "from app.store.cases import CaseRepository\n",            # the window past the services
    "district/planted.py": "from app.domain.case import Case\n",                     # the district needs no app
    "hall/planted.py": "from app.domain.queue import Ticket\n",                       # nor does the hall service
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> subprocess.CompletedProcess:
    where = tmp_path_factory.mktemp("layers")
    for name in ("app", "district", "hall"):
        shutil.copytree(ROOT / name, where / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", where)
    for path, line in PLANTED.items():
        (where / path).write_text(line, encoding="utf-8")
    return lint(where)


@pytest.mark.parametrize("path", sorted(PLANTED))
def test_each_planted_violation_is_caught(planted, path):
    module = path.removesuffix(".py").replace("/", ".")
    assert planted.returncode != 0
    assert f"{module} ->" in planted.stdout or f"{module} is not allowed" in planted.stdout, planted.stdout[-4000:]


def test_qt_widgets_only_in_ui():
    """import-linter sees external packages whole (PySide6), so QtWidgets is checked on the source itself."""
    for path in (ROOT / "app").rglob("*.py"):
        if path.is_relative_to(ROOT / "app" / "ui"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] + [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else [])
            assert not any("QtWidgets" in n for n in names), path

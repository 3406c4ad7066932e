"""The layering of DESIGN.md, checked on every import statement of app/."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "app"
COMPOSITION = {"app.main", "app.cli", "app.cli_idcard", "app.cli_camera", "app.cli_print", "app.cli_sync", "app.cli_desk", "app.demo", "app.__main__"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def modules():
    for path in ROOT.rglob("*.py"):
        name = ".".join(("app", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
        yield name, path, imports_of(path)


def test_domain_imports_nothing_of_the_app_qt_or_sqlalchemy():
    for name, _, imports in modules():
        if name.startswith("app.domain"):
            bad = {i for i in imports if (i.startswith("app.") and not i.startswith("app.domain"))
                   or i.startswith(("PySide6", "sqlalchemy", "qasync"))}
            assert not bad, f"{name} imports {bad}"


def test_qt_widgets_only_in_ui():
    for name, _, imports in modules():
        if not name.startswith("app.ui"):
            assert not any("QtWidgets" in i for i in imports), f"{name} imports QtWidgets"


def test_ui_talks_to_services_only():
    allowed = ("app.ui", "app.services", "app.domain", "app.i18n")
    for name, _, imports in modules():
        if name.startswith("app.ui"):
            bad = {i for i in imports if i.startswith("app.") and not i.startswith(allowed)}
            assert not bad, f"{name} imports {bad}"


def test_layers_below_services_do_not_reach_up():
    upper = ("app.services", "app.ui", "app.main", "app.cli", "app.demo")
    for name, _, imports in modules():
        if name.startswith(("app.store", "app.devices", "app.imaging", "app.documents", "app.sync", "app.domain")):
            bad = {i for i in imports if i.startswith(upper)}
            assert not bad, f"{name} imports {bad}"


def test_only_the_composition_root_builds_everything():
    for name, _, imports in modules():
        if name not in COMPOSITION:
            assert "app.main" not in imports, f"{name} imports the composition root"


def test_the_rule_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from app.store.cases import CaseRepository\nimport PySide6.QtWidgets\n")
    assert {"app.store.cases", "PySide6.QtWidgets"} <= imports_of(bad)


def test_only_the_composition_root_starts_a_district_server():
    """The workstation speaks to the district over HTTP only; the training profile's in-process server is
    started by the composition root."""
    for name, _, imports in modules():
        if name not in COMPOSITION:
            assert not any(i == "district" or i.startswith("district.") for i in imports), name


def test_the_district_server_does_not_import_the_workstation():
    root = Path(__file__).resolve().parents[1] / "district"
    for path in root.rglob("*.py"):
        assert not any(i == "app" or i.startswith("app.") for i in imports_of(path)), path

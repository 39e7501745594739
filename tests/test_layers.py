"""Which way imports run: communes ← targets ← reports ← entry ← api (the JSON API may import every
app, none imports it); coverage_portal wires them, bench and ops stand outside. A lower app never
imports a higher one, and nothing of the product imports the tooling."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ORDER = ["communes", "targets", "reports", "entry", "api"]
OUTSIDE = {"bench", "coverage_portal", "ops", "tests"}


def imported_apps(path: Path) -> set[str]:
    """The project's top-level packages a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & (set(ORDER) | OUTSIDE)


def modules(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_the_apps_below_it(app):
    allowed = set(ORDER[: ORDER.index(app) + 1])
    wrong = {str(p.relative_to(ROOT)): sorted(imported_apps(p) - allowed) for p in modules(app)}
    assert {path: apps for path, apps in wrong.items() if apps} == {}


def test_operations_import_no_app_above_communes():
    wrong = {str(p.relative_to(ROOT)): sorted(imported_apps(p) - {"communes", "ops"}) for p in modules("ops")}
    assert {path: apps for path, apps in wrong.items() if apps} == {}


def test_every_module_stays_small():
    """Apps, tooling and tests alike: a module past 400 lines is split by concern."""
    long = {
        str(p.relative_to(ROOT)): n
        for app in [*ORDER, "bench", "ops", "coverage_portal", "tests"]
        for p in modules(app)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}

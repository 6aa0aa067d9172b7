"""Dependencies point one way, floor by floor: accounts → altm → mediation → partners → reporting → demo.

Each app may import only from the apps below it. Every module is read, function-level imports included.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["accounts", "altm", "mediation", "partners", "reporting", "demo"]
FORBIDDEN = {app: set(LAYERS[index + 1 :]) for index, app in enumerate(LAYERS) if index + 1 < len(LAYERS)}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_layer_is_guarded():
    assert FORBIDDEN["accounts"] == {"altm", "mediation", "partners", "reporting", "demo"}
    assert FORBIDDEN["reporting"] == {"demo"}
    assert "demo" not in FORBIDDEN  # the top floor may import every app


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_does_not_import_the_apps_built_on_it(app):
    offenders = {
        str(path.relative_to(ROOT)): imported_apps(path) & FORBIDDEN[app]
        for path in (ROOT / app).rglob("*.py")
        if imported_apps(path) & FORBIDDEN[app]
    }
    assert offenders == {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_graph() -> dict[str, set[str]]:
    """Project module -> project modules it imports, function-level imports included (they only hide a circle)."""
    paths = [path for app in LAYERS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    modules = {module_name(path): path for path in paths}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.update(
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                    for alias in node.names
                )
        graph[name] = {target for target in targets if target in modules and target != name}
    return graph


def test_no_import_circle_between_modules():
    graph = module_graph()
    circles, state = [], {}

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                circles.append(" → ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []

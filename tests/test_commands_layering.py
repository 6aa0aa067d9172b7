"""Management commands are thin wrappers over plain modules: they never import a view module."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_command_imports_a_view_module():
    commands = [p for p in ROOT.glob("*/management/commands/*.py") if ".venv" not in p.parts]
    assert commands
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if ".views" in m or "views" == m)
        for path in commands
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}

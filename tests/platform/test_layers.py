"""The floors of docs/architecture.md, held against the code: every import — at module level
or inside a function — goes down a floor or stays in its own package."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "qiao"

#: Floor of each top-level package of qiao (higher stands on lower).
FLOORS = {
    "__init__": 1,
    "wsgi": 1,
    "asgi": 1,
    "cli": 1,
    "__main__": 1,  # entry points, no imports
    "engines": 1,
    "core": 2,
    "settings": 2,
    "accounts": 3,
    "events": 4,
    "notes": 5,
    "translation": 6,
    "social": 7,
    "fixes": 8,
    "search": 8,
    "feed": 8,
    "creators": 8,
    "names": 8,
    "glossary": 8,
    "moderation": 9,
    "messages": 10,
    "api": 11,
    "web": 11,
    "ops": 12,
    "urls": 13,
}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "qiao" else ""


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):  # every import, inside functions too
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def test_no_import_runs_up_a_floor() -> None:
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        own = path.relative_to(SRC).parts[0].removesuffix(".py")
        if own not in FLOORS:
            bad.append(f"{path}: package {own!r} has no floor in this test (add it)")
            continue
        for line, module in _imports(path):
            other = _package(module)
            if not other or other == own:
                continue
            if other not in FLOORS:
                bad.append(f"{path}:{line}: imports {module} (no floor)")
            elif FLOORS[other] > FLOORS[own] or (
                FLOORS[other] == FLOORS[own] and FLOORS[own] not in (1, 2, 11)
            ):
                bad.append(
                    f"{path.relative_to(SRC)}:{line}: {own} (floor {FLOORS[own]}) "
                    f"imports {module} (floor {FLOORS[other]})"
                )
    assert not bad, "\n".join(bad)


def test_engines_know_nothing_of_django() -> None:
    bad = [
        f"{path.relative_to(SRC)}:{line}: {module}"
        for path in sorted((SRC / "engines").rglob("*.py"))
        for line, module in _imports(path)
        if module.split(".")[0] == "django" or (_package(module) not in ("", "engines"))
    ]
    assert not bad, "\n".join(bad)

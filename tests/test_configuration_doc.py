"""docs/configuration.md documents every environment variable the code reads, and nothing else.

The variables read are found in the source itself (its syntax tree, not a list kept by hand):
the settings helpers `env_str/env_bool/env_int/env_list("NAME", ...)`, `os.environ.get`,
`os.environ["NAME"]`, `os.getenv`, and `.get` on a mapping of the environment passed in
(`config_from_env(env)`), with names given as literals or as module-level string constants.
A documented variable is one named in the first column of a table row of the doc.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "qiao"
DOC = REPO / "docs" / "configuration.md"
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}
ENV_MAPPINGS = {"environ", "env"}  # os.environ, or the environment handed to a function
NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
# Set by Qiao for itself or for a library, never read from the operator.
INTERNAL = {
    "DJANGO_SETTINGS_MODULE",  # cli/wsgi/celery point Django at qiao.settings
    "QIAO_HOME_RESOLVED",  # settings hand the resolved home to child processes
}


def _is_environment(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "environ"
    return isinstance(node, ast.Name) and node.id in ENV_MAPPINGS


def variables_read(source: str) -> set[str]:
    tree = ast.parse(source)
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def text(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else (func.attr if isinstance(func, ast.Attribute) else "")
            )
            if (
                name in ENV_HELPERS
                or name == "getenv"
                or (
                    name == "get"
                    and isinstance(func, ast.Attribute)
                    and _is_environment(func.value)
                )
            ):
                found.add(text(node.args[0]))
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and _is_environment(node.value)
        ):
            found.add(text(node.slice))
    return {n for n in found if n and NAME.match(n)}


def variables_documented(markdown: str) -> set[str]:
    names: set[str] = set()
    for line in markdown.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first = line.split("|")[1]
            names |= {n for n in re.findall(r"`([^`]+)`", first) if NAME.match(n)}
    return names


def test_the_finder_sees_every_way_the_code_reads_a_variable() -> None:
    source = """
import os
from os import environ
KEY = "QIAO_F"
a = env_str("QIAO_A", "x")
b = env_bool(
    "QIAO_B", True)
c = os.environ.get("QIAO_C")
d = os.environ["QIAO_D"]
e = os.getenv("QIAO_E")
f = os.environ.get(KEY)
def config(env):
    return env.get("QIAO_G", "1")
os.environ.setdefault("QIAO_NOT_READ", "1")
os.environ["QIAO_WRITTEN"] = "1"
other = {"QIAO_H": 1}.get("QIAO_H")
"""
    assert variables_read(source) == {f"QIAO_{c}" for c in "ABCDEFG"}
    doc = "| `QIAO_A` / `QIAO_B` | `QIAO_DEFAULT_IS_NOT_A_NAME_HERE` |\n|---|---|\nsee `QIAO_C`\n"
    assert variables_documented(doc) == {"QIAO_A", "QIAO_B"}


@functools.cache  # both tests below read the same source
def _read_by_the_code() -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for name in variables_read(path.read_text(encoding="utf-8")):
            where.setdefault(name, []).append(str(path.relative_to(REPO)))
    return where


def test_every_variable_the_code_reads_is_documented() -> None:
    read = _read_by_the_code()
    documented = variables_documented(DOC.read_text(encoding="utf-8"))
    missing = {
        name: files
        for name, files in read.items()
        if name not in documented and name not in INTERNAL
    }
    assert not missing, f"read but not in {DOC.name}: {missing}"
    assert len(read) > 60  # the finder still finds the settings module's variables


def test_every_documented_variable_is_read_by_the_code() -> None:
    read = _read_by_the_code()
    documented = variables_documented(DOC.read_text(encoding="utf-8"))
    stale = sorted(documented - set(read))
    assert not stale, f"in {DOC.name} but read nowhere: {stale}"

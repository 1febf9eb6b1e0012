"""Rules of the code base that no linter checks: every suppression says why."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOQA = re.compile(r"#\s*noqa\b(?P<rest>.*)$")
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")


def _python_files() -> list[Path]:
    return sorted(
        p
        for folder in ("src", "tests", "bench", "scripts")
        for p in (ROOT / folder).rglob("*.py")
        if ".venv" not in p.parts
    )


def test_every_noqa_names_its_rules_and_a_reason() -> None:
    bad = []
    for path in _python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = NOQA.search(line)
            if found and not re.match(
                r":\s*[A-Z]+[0-9]+(,\s*[A-Z]+[0-9]+)*\s+-\s+\S", found.group("rest")
            ):
                bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bad, "noqa without `: CODE - reason`:\n" + "\n".join(bad)


def test_every_type_ignore_names_its_error_codes_and_a_reason() -> None:
    bad = []
    for path in _python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = IGNORE.search(line)
            if found and (
                not found.group("codes") or not re.match(r"\s*(#|-)\s*\S", found.group("rest"))
            ):
                bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bad, "type: ignore without `[code] # reason`:\n" + "\n".join(bad)

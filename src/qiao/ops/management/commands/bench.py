"""`qiao bench NAME [ARGS...]`: run one of the benchmark scripts in bench/.

Each script prints JSON lines and appends to docs/BENCHMARKS.md only with --append-md.
Names: names, recommend, translate, bridge (issue 13's language-bridge table), search,
discovery, surge, images, video, live (see `ls bench/`); `qiao bench NAME --help` shows a
benchmark's own options."""

from __future__ import annotations

import argparse
import importlib.util
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

import qiao
from qiao.ops.commands import QiaoCommand

BENCH_DIR = Path(qiao.__file__).resolve().parents[2] / "bench"
#: Where each benchmark's data format is described (for errors about --data/--dataset).
DATA_DOCS = {
    "names": "docs/names.md",
    "recommend": "docs/recommender.md",
    "translate": "docs/translation.md",
}


def bench_extra() -> set[str]:
    """Import names of the packages the `bench` extra installs (sacrebleu, implicit…)."""
    names: set[str] = set()
    try:
        requires = metadata.requires("qiao") or []
    except metadata.PackageNotFoundError:
        return names
    for req in requires:
        if re.search(r"extra\s*==\s*['\"]bench['\"]", req):
            match = re.match(r"[A-Za-z0-9_.\-]+", req)
            if match:
                names.add(match.group().lower().replace("-", "_"))
    return names


def _missing(name: str, exc: ModuleNotFoundError) -> CommandError:
    module = (exc.name or "").split(".")[0]
    if module.lower() in bench_extra():
        return CommandError(
            f"the {name} benchmark needs {module}, from the bench extra. Install it with:\n"
            f"    pip install -e '.[bench]'"
        )
    return CommandError(
        f"the {name} benchmark needs the Python module {module!r}, which is not installed ({exc})."
    )


class Command(QiaoCommand):
    help = "Run a benchmark from bench/ (names, recommend, translate, …); prints JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "name",
            help="benchmark script in bench/, without .py "
            "(`qiao bench NAME --help` for its options)",
        )
        parser.add_argument(
            "script_args", nargs=argparse.REMAINDER, help="passed to the benchmark script"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        name = opts["name"]
        path = BENCH_DIR / f"{name}.py"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in BENCH_DIR.glob("*.py"))) or "none found"
            raise CommandError(f"no benchmark {name!r} in {BENCH_DIR} (known: {known})")
        spec = importlib.util.spec_from_file_location(f"qiao_bench_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            main = getattr(module, "main", None)
            if main is None:
                raise CommandError(f"{path} has no main(argv)")
            code = main(list(opts["script_args"]))
        except ModuleNotFoundError as exc:
            raise _missing(name, exc) from exc
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
            doc = DATA_DOCS.get(name, "docs/BENCHMARKS.md")
            raise CommandError(
                f"the {name} benchmark cannot read its data: {exc}\n"
                f"Give --data (or --dataset) a folder or file in the format {doc} describes, "
                f"or set QIAO_DATA_DIR."
            ) from exc
        if code:
            raise CommandError(f"{path.name} exited with {code}")

"""`qiao bench NAME [ARGS...]`: run one of the benchmark scripts in bench/.

Each script prints JSON lines and appends to docs/BENCHMARKS.md only with --append-md.
Names: names, recommend, translate, bridge (issue 13's language-bridge table), search,
discovery, surge, images, video (see `ls bench/`)."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import qiao

BENCH_DIR = Path(qiao.__file__).resolve().parents[2] / "bench"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="benchmark script in bench/ (without .py)")
        parser.add_argument("script_args", nargs=argparse.REMAINDER, help="passed to the script")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = BENCH_DIR / f"{opts['name']}.py"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in BENCH_DIR.glob("*.py"))) or "none found"
            raise CommandError(f"no benchmark {opts['name']!r} in {BENCH_DIR} (known: {known})")
        spec = importlib.util.spec_from_file_location(f"qiao_bench_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        main = getattr(module, "main", None)
        if main is None:
            raise CommandError(f"{path} has no main(argv)")
        code = main(list(opts["script_args"]))
        if code:
            raise CommandError(f"{path.name} exited with {code}")

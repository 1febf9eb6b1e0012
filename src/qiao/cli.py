"""`qiao`: the one command-line entry point.

    qiao serve [--host H] [--port P] [--no-seed]   migrate, seed a demo on first run, serve
    qiao seed --users N --notes M --seed S        bulk demo data (deterministic for a seed)
    qiao bench names|recommend|translate|feed ...  benchmarks
    qiao <any Django management command>           e.g. qiao migrate, qiao createsuperuser
"""

from __future__ import annotations

import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    from django.core.management import execute_from_command_line

    # Every subcommand (serve, seed, bench, train, translate, ...) is a Django management
    # command, so `qiao X` and `python -m django X` are the same thing.
    execute_from_command_line(["qiao", *argv])


if __name__ == "__main__":
    main()

"""`qiao periodic NAME`: run one periodic job now (the embedded scheduler runs them this way;
`qiao periodic --list` shows them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from qiao.ops.commands import QiaoCommand
from qiao.ops.periodic import jobs, run


class Command(QiaoCommand):
    help = "Run one periodic job now (recommender training, translation retries, clean-ups)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="the job to run (see --list)")
        parser.add_argument(
            "--list", action="store_true", help="list the jobs and how often they run"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        known = {job.name: job for job in jobs()}
        if opts["list"] or not opts["name"]:
            for job in known.values():
                self.stdout.write(f"{job.name:28} every {job.every / 60:g} min  {job.function}")
            return
        chosen = known.get(opts["name"])
        if chosen is None:
            raise CommandError(f"unknown job {opts['name']!r}; one of: {', '.join(known)}")
        result = run(chosen.function)
        self.stdout.write(f"{chosen.name}: {result}")

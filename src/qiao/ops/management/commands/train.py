"""`qiao train`: retrain the "For you" recommender now, show versions, or roll back."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from qiao.ops.commands import QiaoCommand


class Command(QiaoCommand):
    help = "Train the recommender on the engagement log and publish a new model version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="learn from the events of the last N days (default: QIAO_RECOMMEND_TRAIN_DAYS)",
        )
        parser.add_argument(
            "--rollback", action="store_true", help="serve the previous model version again"
        )
        parser.add_argument("--status", action="store_true", help="list model versions")

    def handle(self, *args: Any, **opts: Any) -> None:
        from qiao.feed import services as feed
        from qiao.feed.store import registry

        reg = registry()
        if opts["status"]:
            current = reg.current()
            for v in reg.versions():
                self.stdout.write(f"{'*' if v == current else ' '} {v}")
            if current is None:
                self.stdout.write("No model yet: `qiao train` makes one.")
            return
        if opts["rollback"]:
            try:
                version = feed.rollback()
            except Exception as exc:
                raise CommandError(f"cannot roll back: {exc}") from exc
            self.stdout.write(self.style.SUCCESS(f"Now serving {version}."))
            return
        bar = tqdm(total=100, desc="training", unit="%")

        def progress(stage: str, fraction: float) -> None:
            bar.set_description(stage)
            bar.update(max(0, int(fraction * 100) - bar.n))

        try:
            version, report = feed.train(days=opts["days"], progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Published recommender {version}."))
        if report is not None:
            self.stdout.write(
                f"Learned from {report.n_interactions} events ({report.n_positive} positive) "
                f"of {report.n_users} people on {report.n_notes} notes in "
                f"{report.seconds:.1f} s."
            )
            if opts["verbosity"] > 1:  # the whole report, for whoever tunes the engine
                self.stdout.write(json.dumps(asdict(report), default=str, indent=1))

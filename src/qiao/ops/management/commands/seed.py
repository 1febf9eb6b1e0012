"""`qiao seed`: the curated demo community, or a bulk site for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from qiao.ops.commands import QiaoCommand, migrate_if_needed


class Command(QiaoCommand):
    help = (
        "Create the bilingual demo community, or with --users/--notes a bulk site for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--users",
            type=int,
            default=None,
            help="bulk mode: this many generated users (with --notes; e.g. 100000)",
        )
        parser.add_argument(
            "--notes",
            type=int,
            default=None,
            help="bulk mode: this many notes, copies of the demo's written notes with their "
            "real photos (texts repeat by design; e.g. 1000000)",
        )
        parser.add_argument(
            "--events-per-user",
            type=int,
            default=30,
            help="bulk mode: notes shown to each user (each an impression; opens, likes and "
            "dwell follow, about 1.8 events per note shown)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="bulk mode: random seed (the same seed gives the same site)",
        )
        parser.add_argument(
            "--images",
            type=int,
            default=None,
            help="bulk mode: process only this many of the demo photos and share them among "
            "the notes (quick test sites; default: every photo)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes that render the photos (default: the CPU cores, at most 4)",
        )
        parser.add_argument(
            "--no-search-index",
            dest="search_index",
            action="store_false",
            help="do not index the new notes for search (indexing adds about 1 s to load the "
            "dictionaries, then 0.06-0.1 ms per note: one to two minutes at 1M notes); "
            "`qiao serve` or `qiao search reindex --missing` fills the index later",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **opts: Any) -> None:
        if migrate_if_needed() and not opts["quiet"]:
            self.stdout.write("Prepared a new database.")
        started = time.perf_counter()
        if opts["users"] is not None or opts["notes"] is not None:
            self._bulk(opts, started)
        else:
            self._demo(opts, started)

    def _demo(self, opts: dict[str, Any], started: float) -> None:
        from qiao.ops.demo.seed import AlreadySeeded, seed_demo

        bar = tqdm(desc="demo photos", unit="photo", disable=opts["quiet"])

        def progress(_stage: str, done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            report = seed_demo(
                workers=opts["workers"], search_index=opts["search_index"], progress=progress
            )
        except AlreadySeeded as exc:
            raise CommandError(f"Nothing to do: {exc}.") from exc
        finally:
            bar.close()
        self.stdout.write(
            f"Seeded the demo community: {report.summary()} in "
            f"{time.perf_counter() - started:.1f} s."
        )

    def _bulk(self, opts: dict[str, Any], started: float) -> None:
        from qiao.ops.demo.bulk import BulkSeeder

        users, notes = opts["users"] or 0, opts["notes"] or 0
        if users < 0 or notes < 0 or opts["events_per_user"] < 0:
            raise CommandError("--users, --notes and --events-per-user cannot be negative")
        made_users, made_notes, events = BulkSeeder(
            users=users,
            notes=notes,
            events_per_user=opts["events_per_user"],
            seed=opts["seed"],
            images=opts["images"],
            search_index=opts["search_index"],
            quiet=opts["quiet"],
            workers=opts["workers"],
        ).run()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {made_users} users, {made_notes} notes and {events} events in "
            f"{elapsed:.1f}s ({made_notes / max(elapsed, 1e-9):.0f} notes/s)."
        )

"""`qiao search reindex|status|query` — build and inspect the note search index."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from qiao.ops.commands import QiaoCommand


class Command(QiaoCommand):
    help = "Build the note search index, show its state, or try a query."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="(re)index every published note, in batches")
        reindex.add_argument(
            "--missing",
            action="store_true",
            help="only notes without a document (fast when none are missing)",
        )
        reindex.add_argument(
            "--stale",
            action="store_true",
            help="notes without a document or cut by an older version of "
            "the word lists (after an upgrade; fast when none are)",
        )
        reindex.add_argument(
            "--batch", type=int, default=1000, help="notes indexed per transaction"
        )
        sub.add_parser("status", help="documents indexed and notes waiting")
        query = sub.add_parser("query", help="run a search as an anonymous visitor")
        query.add_argument("text", help="what to search for")
        query.add_argument("--limit", type=int, default=10, help="results to show")

    def handle(self, *args: Any, **opts: Any) -> None:
        from qiao.notes.models import Note
        from qiao.search import index
        from qiao.search.models import NoteSearchDocument

        action = opts["action"]
        if action == "status":
            self.stdout.write(
                f"{NoteSearchDocument.objects.count()} notes indexed, "
                f"{index.count_pending()} published notes waiting, "
                f"{index.count_stale() - index.count_pending()} to re-cut"
            )
            return
        if action == "query":
            from qiao.search.services import search

            started = time.perf_counter()
            page = search(None, opts["text"], "notes", None, opts["limit"])
            took = (time.perf_counter() - started) * 1000
            if page.expanded:
                self.stdout.write("also searching: " + ", ".join(page.expanded))
            for note in page.items:
                self.stdout.write(f"{note.pk:>8}  {note.like_count:>5} likes  {note.title}")
            self.stdout.write(f"({took:.1f} ms)")
            return
        from qiao.engines.search import warm_up

        if opts["stale"]:
            total = index.count_stale()
            if not total:
                return
        elif opts["missing"]:
            total = index.count_pending()
            if not total:
                return
        else:
            total = Note.objects.filter(status=Note.Status.PUBLISHED).count()
        warm_up()
        started = time.perf_counter()
        with tqdm(total=total, desc="indexing notes", unit="note", disable=total < 5000) as bar:
            done = index.reindex(
                missing_only=opts["missing"],
                stale_only=opts["stale"],
                batch=max(1, opts["batch"]),
                progress=bar.update,
            )
        took = time.perf_counter() - started
        self.stdout.write(
            f"Indexed {done} notes in {took:.1f} s ({done / max(took, 1e-9):.0f} notes/s)."
        )

"""Note search latency on a seeded database: the full-text index vs the old substring scan.

    QIAO_HOME=/tmp/qiao-bench qiao seed --users 2000 --notes 20000
    QIAO_HOME=/tmp/qiao-bench python bench/search.py [--runs 5] [--append-md]

Builds the index first if notes are missing from it (`qiao search reindex --missing`, timed:
notes/s; `qiao seed` indexes what it writes, so seed with `--no-search-index` to time this —
the demo texts repeat and are segmented once each, so the rate is higher than on real notes),
then runs a fixed set of queries (English, Chinese, cross-language, several words,
a miss) through `qiao.search.services.search` as an anonymous visitor and as a signed-in
user, and the same queries through the substring query search used before (``icontains``
on title and body, exact topic, ordered by likes and date, one page) in the same process.
Prints one JSON line: p50/p99 milliseconds for each, and results per query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

QUERIES = [
    "dumplings",
    "hot pot",
    "cat",
    "coffee",
    "ramen",
    "sunday pancakes",
    "travel",
    "火锅",
    "饺子",
    "猫",
    "成都美食",
    "奶茶",
    "咖啡",
    "早餐",
    "#food",
    "zzzunknownword",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="passes over the query set")
    parser.add_argument("--append-md", action="store_true")
    args = parser.parse_args(argv)
    from qiao.ops.benchmarking import append_row, percentile, setup_django

    setup_django()
    from django.db import connection
    from django.db.models import Q

    from qiao.accounts.models import User
    from qiao.core.text import normalize_topic
    from qiao.engines.search import warm_up
    from qiao.notes.access import visible_notes
    from qiao.notes.models import Note
    from qiao.search import index
    from qiao.search.services import search

    n_notes = Note.objects.count()
    if n_notes == 0:
        print("no notes: run `qiao seed` into this QIAO_HOME first", file=sys.stderr)
        return 2
    warm_up()
    pending = index.count_pending()
    index_rate = None
    if pending:
        started = time.perf_counter()
        index.reindex(missing_only=True)
        index_rate = round(pending / (time.perf_counter() - started))
    member = User.objects.filter(is_active=True).order_by("id")[1:2].get()

    def old(viewer: Any, term: str) -> int:
        term = term.lstrip("#@").strip() or term
        qs = (
            visible_notes(viewer)
            .filter(
                Q(title__icontains=term)
                | Q(body__icontains=term)
                | Q(topics__name=normalize_topic(term))
            )
            .distinct()
            .select_related("author")
            .prefetch_related("images", "topics")
            .order_by("-like_count", "-published_at", "-id")
        )
        return len(list(qs[:21]))

    def new(viewer: Any, term: str) -> int:
        return len(search(viewer, term, "notes", None, 20).items)

    result: dict[str, Any] = {
        "bench": "search",
        "vendor": connection.vendor,
        "notes": n_notes,
        "indexed_now": pending,
        "index_notes_per_s": index_rate,
        "queries": len(QUERIES),
        "runs": args.runs,
    }
    hits: dict[str, list[int]] = {}
    for name, fn in (("old", old), ("new", new)):
        for who, viewer in (("anon", None), ("member", member)):
            for q in QUERIES:  # warm: caches, dictionary, prepared plans
                fn(viewer, q)
            times: list[float] = []
            for _ in range(args.runs):
                for q in QUERIES:
                    start = time.perf_counter()
                    found = fn(viewer, q)
                    times.append((time.perf_counter() - start) * 1000)
                    if who == "anon":
                        hits.setdefault(q, [0, 0])[0 if name == "old" else 1] = found
            result[f"{name}_{who}_p50_ms"] = percentile(times, 0.5)
            result[f"{name}_{who}_p99_ms"] = percentile(times, 0.99)
    result["page_hits_old_new"] = hits
    print(json.dumps(result, ensure_ascii=False))
    if args.append_md:
        append_row(
            ROOT / "docs" / "BENCHMARKS.md",
            "Search (bench/search.py)",
            f"| {dt.datetime.now(dt.UTC).date()} | {connection.vendor} | {n_notes} notes "
            f"| {result['old_anon_p50_ms']} / {result['old_anon_p99_ms']} ms "
            f"| {result['new_anon_p50_ms']} / {result['new_anon_p99_ms']} ms "
            f"| {result['new_member_p50_ms']} / {result['new_member_p99_ms']} ms "
            f"| {index_rate or '—'} |",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

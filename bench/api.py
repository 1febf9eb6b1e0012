"""API latency on a seeded database: note list, note detail, For you (server time, in-process).

    QIAO_HOME=/tmp/qiao-bench qiao seed --users 10000 --notes 100000
    QIAO_HOME=/tmp/qiao-bench python bench/api.py [--requests 200] [--append-md]

Prints one JSON line: p50/p99 milliseconds per endpoint, measured through Django's test
client (the whole middleware and view stack, no network), plus the seed size. "For you" is
asked by a different signed-in user each time (`for_you`: a fresh ranked list, the expensive
case; `for_you_next`: the next page of that user's list, a cursor into the shared cache);
whether a trained model served it is in `for_you_model`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--append-md", action="store_true")
    args = parser.parse_args(argv)
    from qiao.ops.benchmarking import append_row, percentile, setup_django

    setup_django()
    from django.test import Client

    from qiao.accounts.models import User
    from qiao.accounts.services import issue_token
    from qiao.events.models import EngagementEvent
    from qiao.feed import adapter
    from qiao.notes.models import Note

    n_notes = Note.objects.count()
    if n_notes == 0:
        print("no notes: run `qiao seed` into this QIAO_HOME first", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    max_id = Note.objects.order_by("-id").values_list("id", flat=True).first() or 1
    user = User.objects.order_by("id")[1:2].get()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'bench')}"}
    client = Client()
    # "For you" readers: distinct users, so every first page ranks a fresh list
    user_ids = list(User.objects.order_by("?").values_list("id", flat=True)[: args.requests + 1])
    readers = [
        {"HTTP_AUTHORIZATION": f"Bearer {issue_token(u, 'bench')}"}
        for u in User.objects.filter(pk__in=user_ids)
    ]
    turn = {"i": 0, "next": {}}

    def for_you() -> tuple[str, dict[str, str]]:
        turn["i"] += 1
        return "/api/v1/feed/for-you?limit=20", readers[turn["i"] % len(readers)]

    def for_you_next() -> tuple[str, dict[str, str]]:
        turn["i"] += 1
        who = readers[turn["i"] % len(readers)]
        cursor = turn["next"].get(who["HTTP_AUTHORIZATION"])
        return f"/api/v1/feed/for-you?limit=20&cursor={cursor}", who

    endpoints: dict[str, Any] = {
        "note_list": lambda: "/api/v1/notes?limit=20",
        "note_list_page5": None,
        "note_detail": lambda: f"/api/v1/notes/{rng.randint(1, max_id)}",
        "for_you": for_you,
        "for_you_next": for_you_next,
    }
    cursor_path = "/api/v1/notes?limit=20"
    for _ in range(4):
        cursor_path = (
            "/api/v1/notes?limit=20&cursor="
            + client.get(cursor_path, **headers).json()["next_cursor"]
        )
    endpoints["note_list_page5"] = lambda: cursor_path
    result: dict[str, Any] = {
        "bench": "api",
        "notes": n_notes,
        "users": User.objects.count(),
        "events": EngagementEvent.objects.count(),
        "requests": args.requests,
        "for_you_model": adapter.current_model() is not None,
    }
    for name, make in endpoints.items():
        turn["i"] = 0  # for_you_next asks the same readers, in the same order, as for_you

        def call(make: Any = make, name: str = name) -> Any:
            target = make()
            path, who = target if isinstance(target, tuple) else (target, headers)
            start = time.perf_counter()
            response = client.get(path, **who)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code in (200, 404), (path, response.status_code)
            if name == "for_you":
                turn["next"][who["HTTP_AUTHORIZATION"]] = response.json()["next_cursor"]
            return elapsed

        call()  # warm caches, model load
        times = [call() for _ in range(args.requests)]
        result[f"{name}_p50_ms"] = percentile(times, 0.5)
        result[f"{name}_p99_ms"] = percentile(times, 0.99)
        result[f"{name}_mean_ms"] = round(statistics.fmean(times), 2)
    print(json.dumps(result))
    if args.append_md:
        r = result
        served = "trained model" if r["for_you_model"] else "untrained fallback"
        append_row(
            ROOT / "docs" / "BENCHMARKS.md",
            "Platform: seeding and API latency",
            f"| {dt.datetime.now(dt.UTC).date()} | {n_notes} notes, {r['users']} users,"
            f" {r['events']} events | — "
            f"| {r['note_list_p50_ms']} / {r['note_list_p99_ms']} ms "
            f"| {r['note_list_page5_p50_ms']} / {r['note_list_page5_p99_ms']} ms "
            f"| {r['note_detail_p50_ms']} / {r['note_detail_p99_ms']} ms "
            f"| {served}: fresh list {r['for_you_p50_ms']} / {r['for_you_p99_ms']} ms,"
            f" next page {r['for_you_next_p50_ms']} / {r['for_you_next_p99_ms']} ms |",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

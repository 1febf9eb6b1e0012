"""Creator analytics latency for one account with ~100k events, on a seeded database.

    python bench/creators.py                        # seeds a temp QIAO_HOME first (~1 min)
    QIAO_HOME=/tmp/qiao-bench python bench/creators.py --no-seed   # reuse a seeded home

Seeding is `qiao seed --users 2000 --notes 20000 --events-per-user 50` (about 145k events,
spread over ~2000 authors). The busiest seeded author is then topped up to `--account-events`
(default 100,000) events over the last 90 days — impressions from seeded readers of both
languages, opens, dwells, likes, collects, comments, shares, follows — and half of their notes
get a version in the other language (every fourth one author-written), so every query path is
exercised. The top-up is marked by a surface of "bench" and is not repeated on a second run.

Measures `creators.services.account_analytics` (7, 28 and 90 days), `note_analytics` for the
account's busiest note, and the whole `/creator/` page through Django's test client: median
and max wall milliseconds over `--repeats` runs after one warm-up, plus process CPU
milliseconds (SQLite runs in-process, so CPU time is the work itself when the machine is
shared). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
KIND_MIX = [
    ("open", 0.30),
    ("dwell", 0.25),
    ("like", 0.06),
    ("collect", 0.025),
    ("comment", 0.01),
    ("share", 0.01),
    ("unlike", 0.005),
    ("hide", 0.005),
]


def _qiao(*args: str) -> None:
    exe = Path(sys.executable).with_name("qiao")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "qiao.cli"]
    subprocess.run([*cmd, *args], check=True, env=os.environ.copy())


def _measure(fn: Callable[[], Any], repeats: int) -> dict[str, float]:
    fn()  # warm-up: connection, template and query-plan caches
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {
        "p50_ms": round(statistics.median(wall), 1),
        "max_ms": round(max(wall), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
    }


def _top_up(account_id: int, target: int, rng: random.Random) -> int:
    """Add events for one account until it has `target` in the last 90 days."""
    from django.db import transaction
    from django.utils import timezone

    from qiao.accounts.models import User
    from qiao.events.models import EngagementEvent
    from qiao.notes.models import Note
    from qiao.translation.models import NoteVersion

    now = timezone.now()
    since = now - dt.timedelta(days=90)
    have = EngagementEvent.objects.filter(author_id=account_id, created_at__gte=since).count()
    if have >= target:
        return have
    notes = list(Note.objects.filter(author_id=account_id).values_list("id", "language"))
    readers = list(User.objects.exclude(pk=account_id).values_list("id", flat=True))
    weights = [1.0 / (i + 1) ** 0.5 for i in range(len(notes))]  # a few notes do best
    rows: list[EngagementEvent] = []
    while have + len(rows) < target:
        nid, _lang = rng.choices(notes, weights=weights)[0]
        uid = rng.choice(readers)
        at = now - dt.timedelta(seconds=rng.randrange(90 * 86400))
        rows.append(
            EngagementEvent(
                user_id=uid,
                note_id=nid,
                author_id=account_id,
                kind="impression",
                surface="bench",
                created_at=at,
            )
        )
        for kind, p in KIND_MIX:
            if rng.random() < p:
                value = round(rng.uniform(2, 90), 1) if kind == "dwell" else 0.0
                rows.append(
                    EngagementEvent(
                        user_id=uid,
                        note_id=nid,
                        author_id=account_id,
                        kind=kind,
                        value=value,
                        surface="bench",
                        created_at=at,
                    )
                )
        if rng.random() < 0.004:
            rows.append(
                EngagementEvent(
                    user_id=uid, author_id=account_id, kind="follow", surface="bench", created_at=at
                )
            )
    with transaction.atomic():
        EngagementEvent.objects.bulk_create(rows[: target - have], batch_size=2000)
        versions = []
        for i, (nid, lang) in enumerate(notes[::2]):
            other = "en" if lang == "zh" else "zh"
            versions.append(
                NoteVersion(
                    note_id=nid,
                    language=other,
                    title="v",
                    is_machine=i % 4 != 0,
                    created_at=now - dt.timedelta(days=rng.randrange(120)),
                )
            )
        NoteVersion.objects.bulk_create(versions, ignore_conflicts=True)
    return EngagementEvent.objects.filter(author_id=account_id, created_at__gte=since).count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--events-per-user", type=int, default=50)
    parser.add_argument("--account-events", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-seed", action="store_true", help="use the QIAO_HOME as it is")
    args = parser.parse_args(argv)
    if not os.environ.get("QIAO_HOME"):
        os.environ["QIAO_HOME"] = tempfile.mkdtemp(prefix="qiao-bench-creators-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    os.environ.setdefault("QIAO_RATE_LIMITS_ENABLED", "0")
    if not args.no_seed:
        _qiao("migrate", "-v", "0")
        _qiao(
            "seed",
            "--users",
            str(args.users),
            "--notes",
            str(args.notes),
            "--events-per-user",
            str(args.events_per_user),
            "--quiet",
        )
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from qiao.accounts.models import User
    from qiao.creators import services
    from qiao.events.models import EngagementEvent

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # No collectstatic manifest in a bench home: plain static URLs, as in the tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    busiest = (
        EngagementEvent.objects.exclude(author_id=None)
        .values("author_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        print("no events: seed this QIAO_HOME first", file=sys.stderr)
        return 2
    account = User.objects.get(pk=busiest["author_id"])
    started = time.perf_counter()
    n_events = _top_up(account.pk, args.account_events, random.Random(args.seed))
    top_up_s = round(time.perf_counter() - started, 1)
    with connection.cursor() as cur:
        # Fresh statistics; on PostgreSQL also the visibility map, so the covering index
        # gives index-only scans as it would on a table autovacuum has seen.
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    results: dict[str, Any] = {}
    for days in services.PERIODS:
        results[f"account_{days}d"] = _measure(
            lambda d=days: services.account_analytics(account, days=d), args.repeats
        )
    data = services.account_analytics(account, days=90)
    top_note = data["top_notes"][0]["id"]
    results["note_90d"] = _measure(
        lambda: services.note_analytics(account, top_note, days=90), args.repeats
    )
    client = Client()
    client.force_login(account)

    def page() -> None:
        r = client.get("/creator/?days=28")
        assert r.status_code == 200, r.status_code

    results["page_28d"] = _measure(page, args.repeats)
    print(
        json.dumps(
            {
                "bench": "creators",
                "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "db": connection.vendor,
                "seed": {"users": User.objects.count(), "events": EngagementEvent.objects.count()},
                "account": {
                    "id": account.pk,
                    "events_90d": n_events,
                    "impressions_90d": data["summary"]["impressions"],
                    "viewers_90d": data["summary"]["viewers"],
                    "notes_with_events": len(
                        services.account_analytics(account, days=90, top=50)["top_notes"]
                    ),
                },
                "top_up_s": top_up_s,
                "repeats": args.repeats,
                "load_avg_1m": round(os.getloadavg()[0], 2),
                "cpu_count": os.cpu_count(),
                **results,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

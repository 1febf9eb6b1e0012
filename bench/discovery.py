"""Discovery page server time on a seeded site (issue 3's target: under 50 ms).

Seeds `--users` users and `--notes` notes into a fresh temporary QIAO_HOME (or reuses
`--home`), then renders the discovery page in-process through Django's full middleware stack
(sessions, CSRF, locale, CSP) for an anonymous visitor and for a signed-in user, and the next
page of infinite scroll. Prints median and 95th-percentile server time per page. No network,
no browser: this is the server's share of a page view.

    .venv/bin/python bench/discovery.py                # 1,000 users, 10,000 notes
    .venv/bin/python bench/discovery.py --notes 2000   # quicker
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _seed(home: Path, users: int, notes: int) -> None:
    if (home / "qiao.sqlite3").exists():
        print(f"reusing {home}")
        return
    env = {**os.environ, "QIAO_HOME": str(home)}
    qiao = [sys.executable, "-m", "qiao"]
    subprocess.run([*qiao, "migrate", "--verbosity", "0"], check=True, env=env)
    started = time.perf_counter()
    subprocess.run(
        [*qiao, "seed", "--users", str(users), "--notes", str(notes), "--quiet"],
        check=True,
        env=env,
    )
    print(f"seeded {users} users / {notes} notes in {time.perf_counter() - started:.0f}s")


def _timed(client: object, url: str, runs: int, **headers: str) -> tuple[list[float], str]:
    times: list[float] = []
    body = ""
    for i in range(runs + 3):
        started = time.perf_counter()
        response = client.get(url, **headers)  # type: ignore[attr-defined] # Django test client
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        if i >= 3:  # the first requests warm template and query caches
            times.append(elapsed)
    return times, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--home", help="QIAO_HOME to seed into or reuse (default: a temp dir)")
    args = parser.parse_args()

    home = Path(args.home or tempfile.mkdtemp(prefix="qiao-bench-discovery-"))
    home.mkdir(parents=True, exist_ok=True)
    _seed(home, args.users, args.notes)

    os.environ["QIAO_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    os.environ["QIAO_RATE_LIMITS_ENABLED"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from qiao.accounts.models import User
    from qiao.notes.models import Note

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    print(f"{Note.objects.count()} notes, {User.objects.count()} users")

    anon = Client()
    member = Client()
    member.force_login(User.objects.filter(onboarded=True).order_by("pk").first())

    rows = []
    times, body = _timed(anon, "/", args.runs)
    rows.append(("discovery, anonymous", times))
    more = re.search(r'hx-get="(/feed\?[^"]+)"', body)
    times, _ = _timed(member, "/", args.runs)
    rows.append(("discovery, signed in", times))
    if more:
        times, _ = _timed(
            anon, more.group(1).replace("&amp;", "&"), args.runs, HTTP_HX_REQUEST="true"
        )
        rows.append(("next page (infinite scroll)", times))
    times, _ = _timed(anon, "/?topic=food", args.runs)
    rows.append(("topic chip #food", times))

    print(f"\n{'page':32} {'median ms':>10} {'p95 ms':>8}")
    for name, values in rows:
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"{name:32} {statistics.median(values):10.1f} {p95:8.1f}")
    target = statistics.median(rows[0][1])
    print(f"\ntarget < 50 ms: {'met' if target < 50 else 'NOT met'} ({target:.1f} ms)")


if __name__ == "__main__":
    main()

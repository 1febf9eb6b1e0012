"""`qiao serve`: prepare the database and static files, seed the demo once, run gunicorn."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser

from qiao.ops.commands import QiaoCommand, migrate_if_needed

logger = logging.getLogger("qiao.serve")


class Command(QiaoCommand):
    help = "Run Qiao with a production-grade server (gunicorn); seeds the demo on first run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("QIAO_HOST", "127.0.0.1"),
            help="address to listen on (QIAO_HOST; 0.0.0.0 for every interface)",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("QIAO_PORT", "8000")),
            help="port to listen on (QIAO_PORT)",
        )
        # Embedded (no REDIS_URL): one process, so live events fan out in memory; pages get
        # more threads instead. With Redis, events cross processes and nodes.
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("QIAO_WORKERS", "2" if settings.REDIS_URL else "1")),
            help="web worker processes (QIAO_WORKERS; 1 without Redis, else 2)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("QIAO_THREADS", "4" if settings.REDIS_URL else "8")),
            help="threads for pages per worker (QIAO_THREADS; 8 without Redis, else 4)",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=int(os.environ.get("QIAO_TIMEOUT", "30")),
            help="seconds before a stuck request's worker is restarted (QIAO_TIMEOUT)",
        )
        parser.add_argument(
            "--no-seed",
            action="store_true",
            help="do not create the demo community on an empty database",
        )

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        settings.QIAO_HOME.mkdir(parents=True, exist_ok=True)
        migrate_if_needed()
        call_command("collectstatic", interactive=False, verbosity=0)
        from qiao.accounts.models import User

        if not opts["no_seed"] and not User.objects.exists():
            self._first_run()
        # Notes the search index has not seen (bulk seeding can skip it; an upgrade from a
        # version without the index) or cut with older word lists (an upgrade that changed
        # jieba's user dictionary or the starter glossary): one query when there are none.
        call_command("search", "reindex", "--stale", verbosity=0)
        from qiao.core.db import refresh_planner_stats

        refresh_planner_stats()
        from qiao.translation.autoinstall import operator_line, start_background_install

        line = operator_line()
        if line:
            self._say(line)
        start_background_install()
        if not settings.CELERY_BROKER_URL:
            from qiao.ops.scheduler import start_embedded_scheduler

            start_embedded_scheduler()
        if opts["workers"] > 1 and not (settings.REDIS_URL or settings.QIAO_LIVE_REDIS_URL):
            logger.warning(
                "%d worker processes without REDIS_URL: live events reach a member on another "
                "process within QIAO_LIVE_SWEEP_SECONDS, and typing indicators only within "
                "one process; set REDIS_URL (or serve with --workers 1)",
                opts["workers"],
            )
        self._warm_up_shared_tables()
        from qiao.ops.server import run_gunicorn

        run_gunicorn(
            bind=f"{opts['host']}:{opts['port']}",
            workers=opts["workers"],
            threads=opts["threads"],
            timeout=opts["timeout"],
            ready_message=self._ready_message(opts["host"], opts["port"]),
            started=started,
            interactive=settings.QIAO_LOG_FORMAT == "plain",
        )

    def _first_run(self) -> None:
        """Seed the demo community and train the first recommender on it."""
        from qiao.ops.demo.seed import seed_demo

        self._say("First start: creating the demo community (photos, people, notes)…")
        bar = None
        if sys.stdout.isatty():
            from tqdm import tqdm

            bar = tqdm(desc="photos", unit="photo", leave=False)

        def progress(_stage: str, done: int, total: int) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        started = time.perf_counter()
        try:
            report = seed_demo(progress=progress)
        finally:
            if bar is not None:
                bar.close()
        self._say(f"Created {report.summary()} in {time.perf_counter() - started:.0f} s.")
        started = time.perf_counter()
        from qiao.feed import services as feed

        try:
            feed.train()
        except Exception as exc:  # noqa: BLE001 - the site works without a model
            logger.warning(
                "first training failed (the feed ranks by engagement until "
                "`qiao train` succeeds): %s",
                exc,
            )
        else:
            self._say(f"Trained the For-you recommender in {time.perf_counter() - started:.0f} s.")

    def _ready_message(self, host: str, port: int) -> str:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a display name, not a bind
        url = f"http://{shown}:{port}/"
        return f"Serving on {url}{self._demo_sign_in()}"

    def _demo_sign_in(self) -> str:
        """ " — sign in as demo / …" while the demo account still has the documented
        password (not after its owner changed it, nor on a site without the demo)."""
        from qiao.accounts.demo import DEMO_PASSWORD, DEMO_USERNAME, demo_sign_in_works

        if not demo_sign_in_works():
            return ""
        return f" — sign in as {DEMO_USERNAME} / {DEMO_PASSWORD}"

    def _warm_up_shared_tables(self) -> None:
        """Load the read-only language tables (word look-up dictionary and segmenter,
        language detector, name tables: ~250 MB) once, here, before gunicorn forks its
        workers: they then share the pages instead of each loading its own copy."""
        from django.db import connections

        try:
            from qiao.engines.translate import warm_up

            warm_up(settings.QIAO_CONTENT_LANGUAGES)
            from qiao.names.services import suggester

            suggester().warm_up()
        except Exception as exc:  # noqa: BLE001 - a cold cache is slower, never fatal
            logger.warning("warm-up skipped: %s", exc)
        connections.close_all()  # workers must not share the parent's database connection
        # What the parent loaded stays shared with the forked workers only if nothing writes
        # to its pages; the cyclic collector does (it updates every object's header).
        gc.freeze()

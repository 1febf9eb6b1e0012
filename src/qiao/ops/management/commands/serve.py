"""`qiao serve`: prepare the database and static files, seed a demo once, run gunicorn."""

from __future__ import annotations

import gc
import logging
import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

logger = logging.getLogger("qiao.serve")


class Command(BaseCommand):
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

    help = "Run Qiao with a production-grade server (gunicorn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("QIAO_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("QIAO_PORT", "8000")))
        # Embedded (no REDIS_URL): one process, so live events fan out in memory; pages get
        # more threads instead. With Redis, events cross processes and nodes.
        parser.add_argument("--workers", type=int, default=int(os.environ.get(
            "QIAO_WORKERS", "2" if settings.REDIS_URL else "1")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get(
            "QIAO_THREADS", "4" if settings.REDIS_URL else "8")))
        parser.add_argument("--timeout", type=int,
                            default=int(os.environ.get("QIAO_TIMEOUT", "30")))
        parser.add_argument("--no-seed", action="store_true",
                            help="do not create the demo content on an empty database")
        parser.add_argument("--seed-users", type=int, default=40)
        parser.add_argument("--seed-notes", type=int, default=240)

    def handle(self, *args: Any, **opts: Any) -> None:
        settings.QIAO_HOME.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from qiao.accounts.models import User

        if not opts["no_seed"] and not User.objects.exists():
            self.stdout.write("First run: seeding a bilingual demo…")
            call_command("seed", users=opts["seed_users"], notes=opts["seed_notes"], seed=1)
            self.stdout.write("Training the For-you recommender on the demo…")
            try:
                call_command("train")
            except Exception as exc:  # noqa: BLE001 - the site works without a model
                logger.warning("first training failed: %s", exc)
        # Notes the search index has not seen (the seed writes rows directly; an upgrade
        # from a version without the index) or cut with older word lists (an upgrade that
        # changed jieba's user dictionary or the starter glossary, issue 13): one query
        # when there are none.
        call_command("search", "reindex", "--stale")
        from qiao.core.db import refresh_planner_stats

        refresh_planner_stats()
        self.stdout.write(
            f"Qiao is serving on http://{opts['host']}:{opts['port']}/ "
            f"(demo sign-in: demo / qiao-demo-pass)"
        )
        from qiao.translation.autoinstall import start_background_install

        start_background_install()
        if not settings.CELERY_BROKER_URL:
            from qiao.ops.scheduler import start_embedded_scheduler

            start_embedded_scheduler()
        if opts["workers"] > 1 and not (settings.REDIS_URL or settings.QIAO_LIVE_REDIS_URL):
            logger.warning(
                "%d worker processes without REDIS_URL: live events reach a member on another "
                "process within QIAO_LIVE_SWEEP_SECONDS, and typing indicators only within "
                "one process; set REDIS_URL (or serve with --workers 1)", opts["workers"])
        self._warm_up_shared_tables()
        from qiao.ops.server import run_gunicorn

        run_gunicorn(
            bind=f"{opts['host']}:{opts['port']}", workers=opts["workers"],
            threads=opts["threads"], timeout=opts["timeout"],
        )

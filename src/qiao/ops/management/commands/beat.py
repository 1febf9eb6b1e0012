"""`qiao beat`: the Celery scheduler for periodic work (run exactly one per deployment)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from qiao.ops.commands import QiaoCommand


class Command(QiaoCommand):
    help = "Run Celery beat: recommender training and repair jobs on a schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loglevel",
            default=settings.LOG_LEVEL,
            help="Celery log level: DEBUG, INFO, WARNING or ERROR",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.CELERY_BROKER_URL:
            raise CommandError("CELERY_BROKER_URL is not set.")
        from qiao.ops.celery import app

        settings.QIAO_HOME.mkdir(parents=True, exist_ok=True)
        app.start(
            [
                "beat",
                "--loglevel",
                opts["loglevel"],
                "--schedule",
                str(settings.QIAO_HOME / "celerybeat-schedule"),
            ]
        )

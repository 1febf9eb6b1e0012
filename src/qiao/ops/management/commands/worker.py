"""`qiao worker`: a Celery worker for the background tasks (production profile)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from qiao.ops.commands import QiaoCommand


class Command(QiaoCommand):
    help = "Run a Celery worker (needs CELERY_BROKER_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency",
            type=int,
            default=int(os.environ.get("QIAO_WORKER_CONCURRENCY", "0")) or None,
            help="pool processes (default: the number of cores)",
        )
        parser.add_argument(
            "--loglevel",
            default=settings.LOG_LEVEL,
            help="Celery log level: DEBUG, INFO, WARNING or ERROR",
        )
        parser.add_argument("--hostname", default=None, help="node name, e.g. w1@%%h")
        parser.add_argument(
            "--queues",
            default=os.environ.get("QIAO_WORKER_QUEUES", ""),
            help="comma-separated queues to take: qiao (everything but "
            "video), video (transcoding); default both",
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=int(os.environ.get("QIAO_WORKER_METRICS_PORT", "0")),
            help="serve Prometheus metrics on 127.0.0.1:PORT (0: off)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "CELERY_BROKER_URL is not set: the embedded profile runs tasks inside "
                "`qiao serve`, no worker needed."
            )
        from qiao.ops.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(settings.QIAO_HOME / "prometheus" / f"worker-{os.getpid()}")
        if opts["metrics_port"]:
            from qiao.ops.metrics import start_worker_metrics_server

            start_worker_metrics_server(opts["metrics_port"])
        from qiao.ops.broker import VIDEO_QUEUE
        from qiao.ops.celery import app

        queues = opts["queues"] or f"{app.conf.task_default_queue},{VIDEO_QUEUE}"
        argv = [
            "worker",
            "--loglevel",
            opts["loglevel"],
            "--without-gossip",
            "--without-mingle",
            "--queues",
            queues,
        ]
        if opts["concurrency"]:
            argv += ["--concurrency", str(opts["concurrency"])]
        if opts["hostname"]:
            argv += ["--hostname", opts["hostname"]]
        app.worker_main(argv)

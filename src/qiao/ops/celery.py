"""Celery for the production profile: Django's tasks API on workers fed by Redis.

`CeleryBackend` (qiao.ops.tasks_backend) sends every `@task` as one generic Celery task,
`run_django_task(module_path, args, kwargs)`, so Qiao code never imports Celery and the
embedded in-process worker keeps working unchanged.

Nothing is lost when a worker dies: messages are acknowledged *after* the task ran
(`task_acks_late`), a task whose worker process died is re-queued
(`task_reject_on_worker_lost`), and a message whose whole worker vanished (kill -9, power
loss) goes back on the queue once the broker's visibility timeout has passed. That means a
task can run twice, which is why every task takes ids and is idempotent.

Start workers with `qiao worker` and the scheduler with `qiao beat`.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django
from django.apps import apps

if not apps.ready:  # started as `celery -A qiao.ops.celery ...` rather than `qiao worker`
    django.setup()

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings
from django.utils.module_loading import import_string

from qiao.ops import periodic
from qiao.ops.broker import QUEUE, broker_url

logger = logging.getLogger("qiao.tasks")

app = Celery("qiao")
app.conf.update(
    broker_url=broker_url(),
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=settings.QIAO_REDIS_CONNECT_TIMEOUT,
    broker_transport_options={
        # A message whose worker vanished is re-delivered after this many seconds; it must
        # be longer than the slowest task (see task_time_limit below).
        "visibility_timeout": settings.QIAO_CELERY_VISIBILITY_TIMEOUT,
        # Look for such messages on every 10-second tick, not every 100 seconds.
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": settings.QIAO_REDIS_CONNECT_TIMEOUT,
        "socket_timeout": max(settings.QIAO_REDIS_SOCKET_TIMEOUT, 5.0),
        "retry_on_timeout": True,
    },
    # A web request that enqueues while Redis is down must not hang: try briefly, then let
    # enqueue_on_commit log it (the periodic repair job re-enqueues missing image work).
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
    worker_max_tasks_per_child=settings.QIAO_CELERY_MAX_TASKS_PER_CHILD,
    # A worker process past the memory limit is replaced after its current task.
    worker_max_memory_per_child=settings.QIAO_WORKER_MAX_MEMORY_MB * 1024 or None,
    task_time_limit=settings.QIAO_CELERY_TASK_TIME_LIMIT,
    task_soft_time_limit=max(1, settings.QIAO_CELERY_TASK_TIME_LIMIT - 30),
    task_default_queue=QUEUE,
    worker_send_task_events=False,
    beat_schedule={
        job.name: {"task": "qiao.run_periodic", "schedule": job.every, "args": [job.function]}
        for job in periodic.jobs()
    },
    timezone="UTC",
)


def _tolerate_restore_failure() -> None:
    """Keep a worker alive when Redis vanishes while it holds unacknowledged messages.

    On losing the broker, kombu closes the channel and tries to push the messages the worker
    holds back onto the queue; with Redis gone that raises (in kombu 5.7 an AttributeError
    from a half-closed channel) and the worker exits with "Unrecoverable error". Giving up
    on that push is safe: the messages are still in Redis's unacked index and come back
    after the visibility timeout. The worker then reconnects when Redis returns.
    """
    from kombu.transport import redis as kombu_redis

    original = kombu_redis.QoS.restore_unacked
    if getattr(original, "_qiao_tolerant", False):
        return

    def restore_unacked(self: Any, client: Any = None) -> Any:
        try:
            return original(self, client)
        except Exception as exc:  # noqa: BLE001 - broker gone: see the docstring
            logger.warning(
                "could not hand back %d unacked messages now (%r); they return "
                "after the visibility timeout",
                len(self._delivered),
                exc,
            )
            self._delivered.clear()
            return None

    restore_unacked._qiao_tolerant = True  # type: ignore[attr-defined] # marks our wrapper
    kombu_redis.QoS.restore_unacked = restore_unacked  # type: ignore[method-assign] # the patch


_tolerate_restore_failure()


@setup_logging.connect
def _keep_django_logging(**_kw: Any) -> None:
    """Celery keeps Django's LOGGING (JSON lines) instead of installing its own."""
    from logging.config import dictConfig

    dictConfig(settings.LOGGING)


@app.task(
    bind=True,
    name="qiao.run_django_task",
    autoretry_for=(Exception,),
    dont_autoretry_for=(ImportError, TypeError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=settings.QIAO_CELERY_MAX_RETRIES,
)
def run_django_task(self: Any, module_path: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Run the django-tasks Task at `module_path` with JSON arguments (idempotent tasks)."""
    from qiao.ops import metrics

    task = import_string(module_path)
    func = getattr(task, "func", task)
    attempt = self.request.retries + 1
    logger.info(
        "task start",
        extra={
            "task": module_path,
            "task_args": repr(args)[:200],
            "attempt": attempt,
            "task_id": self.request.id,
        },
    )
    started = time.perf_counter()
    try:
        func(*args, **kwargs)
    except Exception as exc:
        metrics.observe_task(module_path, time.perf_counter() - started, ok=False)
        logger.warning(
            "task failed",
            extra={
                "task": module_path,
                "attempt": attempt,
                "task_id": self.request.id,
                "error": repr(exc),
            },
        )
        raise
    elapsed = time.perf_counter() - started
    metrics.observe_task(module_path, elapsed, ok=True)
    logger.info(
        "task done",
        extra={
            "task": module_path,
            "task_args": repr(args)[:200],
            "seconds": round(elapsed, 3),
            "task_id": self.request.id,
        },
    )


@app.task(name="qiao.run_periodic")
def run_periodic(function_path: str) -> None:
    """Call a periodic job by dotted path; skip quietly when it is not installed."""
    periodic.run(function_path)

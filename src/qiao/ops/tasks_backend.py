"""Task backends for Django's tasks API (django-tasks backport).

`ThreadBackend` is the embedded default: tasks run in one in-process worker thread after the
enqueueing transaction commits, retried with exponential backoff. Celery replaces it by setting
CELERY_BROKER_URL (see `CeleryBackend`). Task functions take ids and are idempotent, so a retry
or a second delivery does no harm.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus

from qiao.ops.broker import VIDEO_QUEUE

logger = logging.getLogger("qiao.tasks")


class ThreadBackend(ImmediateBackend):
    """Run tasks on a daemon worker thread in this process, with retries."""

    supports_defer = False

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.max_attempts = int(self.options.get("MAX_ATTEMPTS", 4))
        self.base_delay = float(self.options.get("BASE_DELAY", 0.5))
        self._queue: queue.Queue[tuple[TaskResult[Any], int]] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="qiao-task-worker", daemon=True
                )
                self._thread.start()

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        from django_tasks.utils import get_random_id

        result: TaskResult[Any] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        self._idle.clear()
        self._queue.put((result, 1))
        self._ensure_thread()
        return result

    def _run(self) -> None:
        while True:
            try:
                result, attempt = self._queue.get(timeout=1.0)
            except queue.Empty:
                if self._queue.empty():
                    self._idle.set()
                continue
            close_old_connections()
            try:
                self._execute_task(result)
            finally:
                close_old_connections()
            if result.status == TaskResultStatus.FAILED and attempt < self.max_attempts:
                delay = self.base_delay * (2 ** (attempt - 1))
                logger.warning(
                    "task %s failed (attempt %d), retrying in %.1fs",
                    result.task.name,
                    attempt,
                    delay,
                )
                object.__setattr__(result, "status", TaskResultStatus.READY)
                timer = threading.Timer(delay, self._queue.put, args=((result, attempt + 1),))
                timer.daemon = True
                timer.start()
            elif result.status == TaskResultStatus.FAILED:
                logger.error("task %s failed after %d attempts", result.task.name, attempt)
            self._queue.task_done()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until the queue is drained (used by `qiao seed` and tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.02)
        return False


class CeleryBackend(ImmediateBackend):
    """Hand tasks to Celery workers (CELERY_BROKER_URL); see qiao.ops.celery."""

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        from django_tasks.utils import get_random_id

        from qiao.ops.celery import run_django_task

        result: TaskResult[Any] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        options: dict[str, Any] = {}
        if task.queue_name == VIDEO_QUEUE:
            # Transcoding has its own queue (workers started with `--queues video` take only
            # that) and a time limit that covers the longest clip.
            limit = settings.QIAO_VIDEO_TASK_TIME_LIMIT
            options = {
                "queue": VIDEO_QUEUE,
                "time_limit": limit,
                "soft_time_limit": max(1, limit - 30),
            }
        run_django_task.apply_async(
            args=[task.module_path, list(args), dict(kwargs)], task_id=result.id, **options
        )
        return result

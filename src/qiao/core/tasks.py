"""The one way Qiao code schedules background work."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import default_task_backend
from django_tasks.base import Task

#: Tests set this to run tasks at once: a test's transaction never commits.
EAGER = False


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits (nothing if it rolls back)."""
    if EAGER:
        task.enqueue(*args, **kwargs)
        return
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=True)


def wait_for_tasks(timeout: float = 60.0) -> bool:
    """Wait until the in-process worker has drained its queue (no-op for other backends)."""
    wait = getattr(default_task_backend, "wait_idle", None)
    return bool(wait(timeout)) if wait else True

"""Run the WSGI app under gunicorn from inside the `qiao` process."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


class _App(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from qiao.wsgi import application

        return application


def resident_mb() -> float:
    """This process's resident memory now (not its peak), in MiB; 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Recycle a worker that has grown past QIAO_WORKER_MAX_MEMORY_MB: it finishes what it
    is serving and the master starts a fresh one (freed memory is not always returned to
    the system, so one huge request would otherwise be paid for until the next restart)."""
    from django.conf import settings

    limit = settings.QIAO_WORKER_MAX_MEMORY_MB
    if limit and worker.alive and resident_mb() > limit:
        worker.log.info("worker %s uses more than %s MiB; recycling it", worker.pid, limit)
        worker.alive = False


def _child_exit(server: Any, worker: Any) -> None:
    from qiao.ops.metrics import mark_process_dead

    mark_process_dead(worker.pid)


def run_gunicorn(*, bind: str, workers: int, threads: int, timeout: int) -> None:
    from django.conf import settings

    from qiao.ops.metrics import prepare_multiprocess_dir

    # Every gunicorn worker writes its metrics here; /metrics adds them up.
    prepare_multiprocess_dir(settings.QIAO_HOME / "prometheus" / f"web-{os.getpid()}")
    _App({
        "child_exit": _child_exit,
        "post_request": _post_request,
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": timeout,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": "-",
        "access_log_format": ('{"access": "%(m)s %(U)s", "status": %(s)s, "ms": %(M)s, '
                              '"request_id": "%({x-request-id}o)s"}'),
        "max_requests": 5000,
        "max_requests_jitter": 500,
    }).run()

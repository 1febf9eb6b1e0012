"""Run Qiao under gunicorn from inside the `qiao` process: the ASGI application
(`qiao.ops.asgi`) on gunicorn's asyncio worker, so live streams are held on the event loop while
pages run on a fixed pool of threads per worker (docs/messages.md)."""

from __future__ import annotations

import http.client
import os
import sys
import threading
import time
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
        from qiao.ops.asgi import application

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
        from qiao.api.live import drain

        drain()  # its live streams resume on another worker now, not after the timeout


def _post_worker_init(worker: Any) -> None:
    """On SIGTERM (shutdown, or max_requests/memory recycling) end the worker's live streams
    at once, so clients resume on another worker instead of waiting out the graceful
    timeout; then gunicorn's own handler."""
    import signal

    loop = getattr(worker, "loop", None)
    if loop is None:
        return
    original = worker.handle_exit_signal

    def on_term() -> None:
        from qiao.api.live import drain

        drain()
        original()

    loop.add_signal_handler(signal.SIGTERM, on_term)


def _child_exit(server: Any, worker: Any) -> None:
    from qiao.ops.metrics import mark_process_dead

    mark_process_dead(worker.pid)


def _probe_host(bind: str) -> tuple[str, int]:
    host, _sep, port = bind.rpartition(":")
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - where to knock, not where to bind
        host = "127.0.0.1"
    return host, int(port)


def announce_when_serving(
    bind: str, message: str, started: float | None = None, timeout: float = 120.0
) -> threading.Thread:
    """Print `message` once, as soon as the site answers on `bind` (a worker has booted and
    served /healthz), not when the server merely starts: the URL printed is one that works."""
    host, port = _probe_host(bind)

    def wait() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(host, port, timeout=2)
                conn.request("GET", "/healthz")
                ok = conn.getresponse().status == 200
                conn.close()
            except OSError:
                ok = False
            if ok:
                took = f" (ready in {time.perf_counter() - started:.0f} s)" if started else ""
                sys.stdout.write(f"{message}{took}\n")
                sys.stdout.flush()
                return
            time.sleep(0.2)

    thread = threading.Thread(target=wait, name="qiao-announce", daemon=True)
    thread.start()
    return thread


def run_gunicorn(
    *,
    bind: str,
    workers: int,
    threads: int,
    timeout: int,
    ready_message: str = "",
    started: float | None = None,
    interactive: bool = False,
) -> None:
    """Serve until stopped. `ready_message` is printed once the site answers. On a terminal
    (`interactive`) gunicorn says only what needs attention and writes no access log; in
    production every request is a JSON line."""
    from django.conf import settings

    os.environ["QIAO_THREADS"] = str(threads)  # read by qiao.ops.asgi in each worker
    _raise_open_files_limit()
    from qiao.ops.metrics import prepare_multiprocess_dir

    # Every gunicorn worker writes its metrics here; /metrics adds them up.
    prepare_multiprocess_dir(settings.QIAO_HOME / "prometheus" / f"web-{os.getpid()}")

    def when_ready(server: Any) -> None:
        if ready_message:
            announce_when_serving(bind, ready_message, started)

    options: dict[str, Any] = {
        "child_exit": _child_exit,
        "post_request": _post_request,
        "when_ready": when_ready,
        "post_worker_init": _post_worker_init,
        "bind": bind,
        "workers": workers,
        # Pages keep `threads` threads per worker (qiao.ops.asgi); streams need no thread.
        "worker_class": "asgi",
        "worker_connections": 10_000,
        "asgi_lifespan": "on",
        "timeout": timeout,
        "graceful_timeout": 20,
        "keepalive": 5,
        "max_requests": 5000,
        "max_requests_jitter": 500,
        # No control socket: its default path is per user, so two sites on one machine
        # would fight over it, and nothing here uses it.
        "control_socket_disable": True,
    }
    if interactive:
        options.update(loglevel="warning", accesslog=None)
    else:
        options.update(
            accesslog="-",
            access_log_format=(
                '{"access": "%(m)s %(U)s", "status": %(s)s, "ms": %(M)s, '
                '"request_id": "%({x-request-id}o)s"}'
            ),
        )
    _App(options).run()


def _raise_open_files_limit() -> None:
    """Each held stream is an open socket: allow as many as the hard limit does."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass

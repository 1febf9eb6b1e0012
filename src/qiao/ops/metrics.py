"""Prometheus metrics: request latency, task latency and failures, task queue depth.

Served at /metrics to 127.0.0.1 (a Prometheus agent on the same host) or to anyone sending
`Authorization: Bearer $QIAO_METRICS_TOKEN`. Under gunicorn every worker process writes to
PROMETHEUS_MULTIPROC_DIR (set by `qiao serve` when the operator did not), and a scrape
adds them up, so the numbers cover the whole server and not one random worker.
"""

from __future__ import annotations

import hmac
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_tasks.signals import task_finished

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir(path: Path) -> None:
    """Point this process and its children at a fresh multi-process metrics folder.

    Call before any worker is forked (gunicorn master, Celery main process)."""
    if os.environ.get(MULTIPROC_ENV):
        return
    _remove_stale_dirs(path)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(path)
    # prometheus_client may already be imported (Django's checks load the URLconf): switch
    # the storage of label children, which are all created later, in the workers.
    from prometheus_client import values

    values.ValueClass = values.get_value_class()


def _remove_stale_dirs(path: Path) -> None:
    """Drop `<kind>-<pid>` folders left by servers or workers that are no longer running."""
    kind = path.name.rsplit("-", 1)[0]
    if not path.parent.is_dir():
        return
    for sibling in path.parent.glob(f"{kind}-*"):
        pid = sibling.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or sibling == path:
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(sibling, ignore_errors=True)
        except PermissionError:
            continue


def mark_process_dead(pid: int) -> None:
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


from prometheus_client import (  # noqa: E402 - after the multiprocess switch above
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily  # noqa: E402 - after the multiprocess switch above

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUEST_LATENCY = Histogram(
    "qiao_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route", "status"],
    buckets=_BUCKETS,
)
TASK_LATENCY = Histogram(
    "qiao_task_duration_seconds",
    "Time a background task ran.",
    ["task", "outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
TASK_FAILURES = Counter(
    "qiao_task_failures_total", "Background task attempts that failed.", ["task"]
)


def observe_task(task: str, seconds: float, *, ok: bool) -> None:
    TASK_LATENCY.labels(task=task, outcome="ok" if ok else "error").observe(seconds)
    if not ok:
        TASK_FAILURES.labels(task=task).inc()


def _on_task_finished(sender: object, task_result: Any, **_kw: Any) -> None:
    """Task metrics for the in-process backend (Celery tasks are timed in celery.py)."""
    started = task_result.last_attempted_at or task_result.started_at
    finished = task_result.finished_at
    seconds = (finished - started).total_seconds() if started and finished else 0.0
    ok = str(getattr(task_result.status, "value", task_result.status)) == "SUCCESSFUL"
    observe_task(task_result.task.module_path, seconds, ok=ok)


task_finished.connect(_on_task_finished, dispatch_uid="qiao-metrics-task-finished")


class QueueDepthCollector:
    """Tasks waiting: the Celery queue length in Redis, or the in-process queue."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth: int | None = None
        if settings.CELERY_BROKER_URL:
            from qiao.ops.broker import queue_depth

            depth = queue_depth()
        else:
            from django_tasks import default_task_backend

            q = getattr(default_task_backend, "_queue", None)
            depth = q.qsize() if q is not None else None
        gauge = GaugeMetricFamily("qiao_task_queue_depth", "Tasks waiting to run.")
        if depth is not None:
            gauge.add_metric([], depth)
        yield gauge
        if settings.CELERY_BROKER_URL:
            from qiao.ops.broker import VIDEO_QUEUE, queue_depth

            video = queue_depth(VIDEO_QUEUE)
            videos = GaugeMetricFamily(
                "qiao_video_queue_depth", "Video tasks (transcodes, captions) waiting to run."
            )
            if video is not None:
                videos.add_metric([], video)
            yield videos


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unknown"


class MetricsMiddleware:
    """Time every request, labelled by URL pattern (never the raw path: bounded labels)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_LATENCY.labels(
            method=request.method or "?",
            route=_route(request)[:80],
            status=str(response.status_code),
        ).observe(time.perf_counter() - started)
        return response


def _allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "QIAO_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if given and hmac.compare_digest(given, token):
            return True
    addr = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return addr in {"127.0.0.1", "::1"} and not forwarded


_registry: CollectorRegistry | None = None


def registry() -> CollectorRegistry:
    global _registry
    if _registry is not None:
        return _registry
    reg = CollectorRegistry()
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(reg)
    else:
        from prometheus_client import REGISTRY

        for collector in list(REGISTRY._collector_to_names):
            reg.register(collector)
    reg.register(QueueDepthCollector())
    _registry = reg
    return reg


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


def start_worker_metrics_server(port: int) -> None:
    """Serve a Celery worker's metrics (all its pool processes) on 127.0.0.1:port."""
    from prometheus_client import start_http_server

    start_http_server(port, addr="127.0.0.1", registry=registry())

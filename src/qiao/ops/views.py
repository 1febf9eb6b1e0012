"""Operational endpoints: liveness and readiness."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        key = f"readyz:{time.time()}"
        cache.set(key, 1, 5)
        checks["cache"] = "ok" if cache.get(key) == 1 else "error: no round trip"
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check
        checks["cache"] = f"error: {type(exc).__name__}"
    try:
        default_storage.exists("readyz-probe")
        checks["storage"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check
        checks["storage"] = f"error: {type(exc).__name__}"
    if settings.CELERY_BROKER_URL:
        from qiao.ops.broker import queue_depth

        checks["broker"] = "ok" if queue_depth() is not None else "error: unreachable"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )

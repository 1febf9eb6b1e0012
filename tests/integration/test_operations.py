"""Operational pieces that need no external service: /metrics and its protection, task
metrics, a database outage outside any view answered with a 503 (runs in every stage)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django_tasks import task


@pytest.mark.django_db
def test_metrics_only_for_loopback_or_token(settings: Any) -> None:
    assert Client(REMOTE_ADDR="127.0.0.1").get("/healthz").status_code == 200
    ok = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert ok.status_code == 200
    text = ok.content.decode()
    assert 'qiao_http_request_duration_seconds_count{method="GET",route="healthz"' in text
    assert "qiao_task_queue_depth" in text
    assert Client(REMOTE_ADDR="198.51.100.7").get("/metrics").status_code == 403
    # Behind a proxy on the same host the peer is 127.0.0.1 but the client is not.
    assert (
        Client(REMOTE_ADDR="127.0.0.1")
        .get("/metrics", HTTP_X_FORWARDED_FOR="198.51.100.7")
        .status_code
        == 403
    )
    settings.QIAO_METRICS_TOKEN = "scrape-secret"
    assert (
        Client(REMOTE_ADDR="198.51.100.7")
        .get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
        .status_code
        == 200
    )
    assert (
        Client(REMOTE_ADDR="198.51.100.7")
        .get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
        .status_code
        == 403
    )


@task()
def sample_task(x: int) -> int:
    if x < 0:
        raise ValueError("negative")
    return x


def test_task_metrics_from_the_tasks_api() -> None:
    from prometheus_client import REGISTRY

    from qiao.ops import metrics  # noqa: F401 - connects the signal

    def count(outcome: str) -> float:
        return (
            REGISTRY.get_sample_value(
                "qiao_task_duration_seconds_count",
                {"task": f"{__name__}.sample_task", "outcome": outcome},
            )
            or 0.0
        )

    before_ok, before_err = count("ok"), count("error")
    sample_task.enqueue(1)
    sample_task.enqueue(-1)
    assert count("ok") == before_ok + 1
    assert count("error") == before_err + 1


def test_database_outage_outside_a_view_is_a_clean_503(rf: Any) -> None:
    from qiao.ops.middleware import server_error

    for path, is_json in (("/api/v1/notes", True), ("/notes/1", False)):
        request = rf.get(path)
        try:
            raise OperationalError("connection to server was lost")
        except OperationalError:
            response = server_error(request)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert (response["Content-Type"] == "application/json") is is_json
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/api/v1/notes"))
    assert response.status_code == 500
    assert b'"server_error"' in response.content


def test_object_store_failure_is_a_503_not_a_500(rf: Any) -> None:
    from botocore.exceptions import ClientError, EndpointConnectionError

    from qiao.ops.middleware import DatabaseUnavailableMiddleware

    mw = DatabaseUnavailableMiddleware(lambda r: None)  # type: ignore[arg-type,return-value] # never called
    request = rf.post("/api/v1/notes")
    down = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    assert mw.process_exception(request, down).status_code == 503
    internal = ClientError(
        {"Error": {"Code": "InternalError"}, "ResponseMetadata": {"HTTPStatusCode": 500}},
        "PutObject",
    )
    assert mw.process_exception(request, internal).status_code == 503
    denied = ClientError(
        {"Error": {"Code": "AccessDenied"}, "ResponseMetadata": {"HTTPStatusCode": 403}},
        "PutObject",
    )
    assert mw.process_exception(request, denied) is None  # a configuration bug: a real 500


@pytest.mark.django_db
def test_request_id_on_every_log_line_of_a_request(caplog: Any) -> None:
    import logging

    from qiao.core.logging import RequestIdFilter

    handler_filter = RequestIdFilter()
    caplog.handler.addFilter(handler_filter)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        r = Client().get("/api/v1/notes/999999", HTTP_X_REQUEST_ID="trace-abc")
    assert r.status_code == 404 and r["X-Request-Id"] == "trace-abc"
    lines = [rec for rec in caplog.records if rec.name == "django.request"]
    assert lines and all(getattr(rec, "request_id", "") == "trace-abc" for rec in lines)

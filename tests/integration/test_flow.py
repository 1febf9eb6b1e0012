"""The full API flow on the production profile: sign-up, a note with photos, variants made
by the Celery worker land in the S3 bucket, the browser gets direct cacheable URLs."""

from __future__ import annotations

import re
import time
import urllib.request

import pytest

from tests.integration.conftest import WIDTHS, Stack, photo

pytestmark = [pytest.mark.integration]


def test_ready_and_metrics(stack: Stack) -> None:
    r = stack.http.request("GET", "/readyz")
    assert r.status == 200, r.body
    assert r.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        **({"broker": "ok"} if "broker" in r.json()["checks"] else {}),
    }
    stack.http.request("GET", "/")
    metrics = stack.http.request("GET", "/metrics")
    assert metrics.status == 200
    text = metrics.body.decode()
    assert "qiao_http_request_duration_seconds_bucket" in text
    assert re.search(r"^qiao_task_queue_depth \d", text, re.M), text[-2000:]
    # Only loopback (or a bearer token) may scrape.
    assert (
        stack.http.request("GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status
        == 403
    )


def test_signup_note_variants_in_bucket_on_celery(stack: Stack) -> None:
    token, user = stack.sign_up()
    me = stack.http.api("GET", "/me", token=token)
    assert me.status == 200 and me.json()["username"] == user["username"]

    r = stack.http.post_note(
        token,
        "桥 on the production profile #bridge",
        [photo(1), photo(2)],
        body="Two photos, made by a worker.",
    )
    assert r.status == 201, r.body
    note_id = r.json()["id"]
    note = stack.wait_variants(note_id, token)

    # Every file is in the bucket: one original and one WebP + one JPEG per width, per image,
    # and nothing else (no duplicates from a retried task).
    keys = stack.keys(f"notes/{note_id}/")
    assert len(keys) == len(note["images"]) * (1 + 2 * len(WIDTHS)), keys
    for img in note["images"]:
        for v in img["variants"]:
            for url in (v["webp"], v["jpeg"]):
                assert url.startswith(stack.env["S3_ENDPOINT_URL"] + "/" + stack.bucket + "/")
                key = url.split(f"/{stack.bucket}/", 1)[1]
                assert key in keys
    # The browser fetches media straight from the object store, cacheable for a year.
    with urllib.request.urlopen(note["images"][0]["variants"][0]["webp"], timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "image/webp"
        assert "max-age=31536000" in resp.headers["Cache-Control"]
        assert resp.read(4) == b"RIFF"

    # The tasks ran on the Celery worker, not in the web process.
    worker_log = stack.logs["worker"].read_text()
    for img in note["images"]:
        assert f'"task_args": "[{img["id"]}]"' in worker_log

    # Translation work (language detection of the new note) ran on the worker as well.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log = stack.logs["worker"].read_text()
        if (
            '"task": "qiao.translation.tasks.translate_note"' in log
            and f'"task_args": "[{note_id}]"' in log
        ):
            break
        time.sleep(0.5)
    else:
        raise AssertionError("translate_note never ran on the worker")
    deadline = time.monotonic() + 30
    while stack.http.api("GET", f"/notes/{note_id}", token=token).json()["language"] is None:
        assert time.monotonic() < deadline, "the note's language was never detected"
        time.sleep(0.5)

    # The note shows up for other readers: API list and the server-rendered note page.
    other, _ = stack.sign_up()
    listed = stack.http.api("GET", "/notes?limit=50", token=other)
    assert note_id in [n["id"] for n in listed.json()["items"]]
    page = stack.http.request("GET", f"/notes/{note_id}")
    assert page.status == 200
    assert "桥 on the production profile".encode() in page.body
    # The page's Content-Security-Policy lets the browser load photos from the object store.
    img_src = [
        d
        for d in page.headers["content-security-policy"].split(";")
        if d.strip().startswith("img-src")
    ][0]
    assert stack.env["S3_ENDPOINT_URL"] in img_src

"""Video notes on the production profile: a clip uploaded in chunks through gunicorn, the
transcode run by the Celery worker from the `video` queue, renditions and poster in the S3
bucket (the upload as received only in the private prefix, and gone afterwards), the
browser served direct S3 URLs that answer range requests, no GPS or device metadata."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from qiao.engines.media.video import synth
from tests.integration.conftest import Stack, clip

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_video_note_on_celery_and_s3(stack: Stack, tmp_path: Path) -> None:
    token, _user = stack.sign_up()
    data = clip(tmp_path / "phone.mov")
    assert any(m in data for m in synth.LEAK_MARKERS)
    upload = stack.http.upload_video(token, data, chunk=200_000, filename="phone.mov")
    assert upload["video"]["duration"] == pytest.approx(3.0, abs=0.2)
    # With no worker running, the note waits for its clip: only its author sees it.
    stack.stop("worker")
    try:
        r = stack.http.post_form(
            token,
            "/notes",
            {
                "title": "Night market",
                "video_upload": upload["id"],
                "captions": "0:00 Hello\n0:01 from the market",
            },
        )
        assert r.status == 201, r.body
        note = r.json()
        assert note["status"] == "processing"
        other, _ = stack.sign_up()
        assert stack.http.api("GET", f"/notes/{note['id']}", token=other).status == 404
        private = stack.keys("private/video-sources/")
        assert any(k.endswith("/source.mp4") for k in private), private
        assert not stack.keys(f"clips/{note['id']}/")
    finally:
        stack.start_worker()

    note = stack.wait_video(note["id"], token)
    video = note["video"]
    assert video["state"] == "ready", video
    assert note["status"] == "published"
    assert [x["label"] for x in video["renditions"]] == ["360p"]
    # Everything public is in the bucket under the clip's prefix; the source is gone.
    keys = stack.keys(f"clips/{note['id']}/")
    assert any(k.endswith("/360p.mp4") for k in keys) and any(
        k.endswith("/poster.jpg") for k in keys
    ), keys
    assert not stack.keys("private/video-sources/")
    s3 = stack.s3()
    for key in keys:
        body = s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read()
        assert not [m for m in synth.LEAK_MARKERS if m in body], key
    # The browser gets the bucket's own URL and can seek: a range request is a 206.
    url = video["renditions"][0]["url"]
    assert url.startswith(stack.env["S3_ENDPOINT_URL"] + "/" + stack.bucket + "/clips/")
    request = urllib.request.Request(url, headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 206 and len(resp.read()) == 100
        assert resp.headers["Content-Range"].startswith("bytes 100-199/")
    # The transcode ran on the worker, taken from the video queue.
    log = stack.logs["worker"].read_text()
    assert '"task": "qiao.notes.tasks.process_clip"' in log
    # Captions are served by the site (same origin as the player's <track>).
    caption = video["captions"][0]
    r = stack.http.request("GET", caption["url"], headers={"Authorization": f"Bearer {other}"})
    assert r.status == 200 and r.body.startswith(b"WEBVTT")
    assert other and stack.http.api("GET", f"/notes/{note['id']}", token=other).status == 200

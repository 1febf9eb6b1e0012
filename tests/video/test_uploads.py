"""Resumable uploads through the API, the way a phone on a poor connection sends a clip.

Categories: the happy path in chunks; resuming (a chunk cut off half way keeps its bytes, a
client asks where to carry on, a wrong offset is a 409 that names the right one); two
chunks at once; limits before anything is read (size, chunk size, more bytes than
declared, the per-member quota, the rate of new uploads); ownership (another member's
upload is a 404, anonymous is a 401); cancelling and expiry (rows and files go); and a
finished upload checked at once by content.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qiao.notes import uploads
from qiao.notes.models import VideoUpload

pytestmark = pytest.mark.django_db


def _patch(client: Any, upload_id: str, offset: int, data: bytes) -> Any:
    return client.client.patch(
        f"/api/v1/uploads/{upload_id}",
        data,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        **client._headers(),
    )


def _start(client: Any, size: int, filename: str = "walk.mp4") -> Any:
    return client.post("/uploads", {"size": size, "filename": filename})


def test_a_clip_in_chunks_completes_and_is_checked(
    api_as: Any, user: Any, clip_bytes: Callable[..., bytes]
) -> None:
    data = clip_bytes()
    c = api_as(user)
    r = _start(c, len(data))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["offset"] == 0 and body["state"] == "receiving" and body["chunk_size"] > 0
    step = len(data) // 3 + 1
    for offset in range(0, len(data), step):
        r = _patch(c, body["id"], offset, data[offset : offset + step])
        assert r.status_code == 200, r.content
    done = r.json()
    assert done["state"] == "complete" and done["offset"] == len(data)
    assert 1.8 < done["video"]["duration"] < 2.2 and done["video"]["has_audio"]
    assert c.get(f"/uploads/{body['id']}").json()["state"] == "complete"


def test_a_cut_off_chunk_keeps_its_bytes_and_the_client_resumes(
    user: Any, clip_bytes: Callable[..., bytes], api_as: Any
) -> None:
    data = clip_bytes()
    upload = uploads.start_upload(user, filename="a.mp4", size=len(data))
    # The request said 30 000 bytes, the connection died after 12 345.
    uploads.upload_chunk(user, upload.pk, 0, io.BytesIO(data[:12345]), 30000)
    c = api_as(user)
    state = c.get(f"/uploads/{upload.pk}").json()
    assert state["offset"] == 12345 and state["state"] == "receiving"
    r = _patch(c, str(upload.pk), 0, data[:100])  # a stale client
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "offset_mismatch"
    assert r.json()["error"]["fields"]["offset"] == ["12345"]
    r = _patch(c, str(upload.pk), 12345, data[12345:])
    assert r.status_code == 200 and r.json()["state"] == "complete"
    assert uploads.upload_path(VideoUpload.objects.get()).read_bytes() == data


def test_a_second_chunk_at_the_same_time_is_told_to_wait(user: Any) -> None:
    upload = uploads.start_upload(user, size=100)
    path = uploads.upload_path(upload)
    import fcntl

    with open(path, "ab") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(uploads.Conflict) as exc:
            uploads.upload_chunk(user, upload.pk, 0, io.BytesIO(b"x" * 10), 10)
    assert exc.value.code == "upload_busy"
    assert path.stat().st_size == 0


@pytest.mark.parametrize(
    ("size", "code", "status"),
    [
        (0, "video_empty", 400),
        (-5, "video_empty", 400),
        (2 * 1024**3, "video_too_large", 413),
    ],
)
def test_sizes_refused_before_anything_is_sent(
    api_as: Any, user: Any, size: int, code: str, status: int
) -> None:
    r = _start(api_as(user), size)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code
    assert not VideoUpload.objects.exists()


def test_chunk_limits_are_checked_before_reading(api_as: Any, user: Any, settings: Any) -> None:
    settings.QIAO_VIDEO_CHUNK_BYTES = 1000
    c = api_as(user)
    upload_id = _start(c, 5000).json()["id"]
    r = _patch(c, upload_id, 0, b"x" * 1001)
    assert r.status_code == 413 and r.json()["error"]["code"] == "chunk_too_large"
    small = _start(c, 10).json()["id"]
    r = _patch(c, small, 0, b"x" * 11)
    assert r.status_code == 413 and r.json()["error"]["code"] == "upload_too_long"
    assert c.get(f"/uploads/{small}").json()["offset"] == 0


def test_quota_of_unused_uploads(api_as: Any, user: Any, settings: Any) -> None:
    settings.QIAO_VIDEO_UPLOAD_QUOTA_BYTES = 10_000
    c = api_as(user)
    assert _start(c, 6000).status_code == 201
    r = _start(c, 6000)
    assert r.status_code == 413 and r.json()["error"]["code"] == "upload_quota"
    for _ in range(uploads.MAX_OPEN_UPLOADS - 1):
        assert _start(c, 10).status_code == 201
    assert _start(c, 10).json()["error"]["code"] == "upload_quota"


def test_new_uploads_are_rate_limited(api_as: Any, user: Any, settings: Any) -> None:
    settings.QIAO_RATE_LIMITS_ENABLED = True
    settings.QIAO_RATE_LIMITS = {**settings.QIAO_RATE_LIMITS, "video": "2/3600"}
    c = api_as(user)
    assert [_start(c, 10).status_code for _ in range(3)] == [201, 201, 429]


def test_only_the_owner_sees_or_touches_an_upload(api_as: Any, make_user: Any) -> None:
    owner, other = make_user(), make_user()
    upload_id = _start(api_as(owner), 100).json()["id"]
    c = api_as(other)
    assert c.get(f"/uploads/{upload_id}").status_code == 404
    assert _patch(c, upload_id, 0, b"x").status_code == 404
    assert c.delete(f"/uploads/{upload_id}").status_code == 404
    assert c.get(f"/uploads/{uuid.uuid4()}").status_code == 404
    anonymous = Client()
    assert (
        anonymous.post("/api/v1/uploads", {"size": 10}, content_type="application/json").status_code
        == 401
    )
    assert anonymous.get(f"/api/v1/uploads/{upload_id}").status_code == 401


def test_session_writes_need_the_csrf_token(user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    r = client.post("/api/v1/uploads", {"size": 10}, content_type="application/json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"


def test_cancel_removes_the_row_and_the_file(api_as: Any, user: Any) -> None:
    c = api_as(user)
    upload_id = _start(c, 100).json()["id"]
    _patch(c, upload_id, 0, b"x" * 40)
    path = uploads.upload_path(VideoUpload.objects.get())
    assert path.stat().st_size == 40
    assert c.delete(f"/uploads/{upload_id}").status_code == 204
    assert not path.exists() and not VideoUpload.objects.exists()


def test_abandoned_uploads_expire_with_their_files(user: Any, settings: Any, clock: Any) -> None:
    fresh = uploads.start_upload(user, size=100)
    old = uploads.start_upload(user, size=100)
    VideoUpload.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.QIAO_VIDEO_UPLOAD_EXPIRY + 5)
    )
    stray = Path(settings.QIAO_VIDEO_UPLOAD_DIR) / "999-deadbeef.part"
    stray.write_bytes(b"left by a crash")
    import os

    ancient = (timezone.now() - timedelta(days=3)).timestamp()
    os.utime(stray, (ancient, ancient))
    assert uploads.expire_uploads() == 2
    assert list(VideoUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not uploads.upload_path(old).exists() and not stray.exists()
    assert uploads.upload_path(fresh).exists()


def test_a_finished_upload_that_is_not_a_video_is_refused_at_once(api_as: Any, user: Any) -> None:
    data = b"<!doctype html><p>not a video</p>" * 10
    c = api_as(user)
    upload_id = _start(c, len(data), "trick.mp4").json()["id"]
    r = _patch(c, upload_id, 0, data)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "video_not_a_video"
    state = c.get(f"/uploads/{upload_id}").json()
    assert state["state"] == "rejected" and state["error"]["code"] == "not_a_video"
    assert not uploads.upload_path(VideoUpload.objects.get()).exists()

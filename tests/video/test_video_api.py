"""Video notes over the JSON API: create with a finished upload (and AI labels, captions),
the `video` object (state, poster, renditions, captions, error), who sees a note while it is
processing, edits (labels, captions, a new clip before publishing) and caption files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qiao.notes.models import Note, NoteClip
from tests.factories import image_bytes
from tests.video.conftest import upload_via_service

pytestmark = pytest.mark.django_db


def _create(c: Any, data: dict[str, Any]) -> Any:
    return c.client.post("/api/v1/notes", data, **c._headers())


def test_create_a_video_note_and_read_it_back(
    api_as: Any, make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None, api: Any
) -> None:
    author = make_user()
    upload = upload_via_service(author, clip_bytes(width=640, height=360))
    c = api_as(author)
    r = _create(
        c,
        {
            "title": "Night market",
            "video_upload": str(upload.pk),
            "video_ai_generated": "true",
            "video_alt_text": "Stalls at night",
            "captions": "0:00 Hello\n0:01 everyone",
            "images": [SimpleUploadedFile("p.jpg", image_bytes(seed=1), "image/jpeg")],
            "ai_generated_images": ["0"],
        },
    )
    assert r.status_code == 201, r.content
    note = r.json()
    # The response comes after the (inline) worker ran: ready and published.
    assert note["status"] == "published"
    video = note["video"]
    assert video["state"] == "ready" and video["ai_generated"] is True
    assert video["alt_text"] == "Stalls at night" and video["has_audio"]
    assert [x["label"] for x in video["renditions"]] == ["360p"]
    assert video["renditions"][0]["url"].endswith("/360p.mp4")
    assert video["poster"]["blurhash"] and video["poster"]["variants"]
    assert [(x["source"], x["url"].endswith(".vtt")) for x in video["captions"]] == [
        ("author", True)
    ]
    assert note["images"][0]["ai_generated"] is True
    listed = api.get("/notes").json()["items"][0]
    assert listed["video"]["state"] == "ready" and listed["video"]["captions"] == []


def test_while_processing_only_the_author_sees_the_note(
    api_as: Any,
    make_user: Any,
    clip_bytes: Callable[..., bytes],
    django_capture_on_commit_callbacks: Any,
    api: Any,
) -> None:
    author = make_user()
    upload = upload_via_service(author, clip_bytes())
    c = api_as(author)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = _create(c, {"title": "Soon", "video_upload": str(upload.pk)})
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "processing" and body["video"]["state"] == "uploaded"
    assert body["video"]["renditions"] == [] and body["video"]["poster"] is None
    assert c.get(f"/notes/{body['id']}").status_code == 200
    assert api_as(make_user()).get(f"/notes/{body['id']}").status_code == 404
    assert api.get("/notes").json()["items"] == []
    for callback in callbacks:
        callback()
    assert api.get(f"/notes/{body['id']}").json()["status"] == "published"


def test_a_failed_clip_says_why_to_its_author(
    api_as: Any, make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None, monkeypatch: Any
) -> None:
    from qiao.engines.media.video import VideoRejected
    from qiao.notes import clips

    def refuse(*a: Any, **k: Any) -> Any:
        raise VideoRejected("resource_limit", "memory")

    monkeypatch.setattr(clips, "transcode", refuse)
    author = make_user()
    upload = upload_via_service(author, clip_bytes())
    c = api_as(author)
    body = _create(c, {"title": "Big", "video_upload": str(upload.pk)}).json()
    note = c.get(f"/notes/{body['id']}").json()
    assert note["status"] == "draft" and note["video"]["state"] == "failed"
    assert note["video"]["error"]["code"] == "resource_limit"
    assert "memory" in note["video"]["error"]["message"]


def test_patch_labels_captions_and_swap_the_clip_of_a_draft(
    api_as: Any, make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    author = make_user()
    c = api_as(author)
    first = upload_via_service(author, clip_bytes())
    body = _create(c, {"title": "Draft", "video_upload": str(first.pk), "status": "draft"}).json()
    second = upload_via_service(author, clip_bytes(seconds=1.0))
    r = c.patch(
        f"/notes/{body['id']}",
        {"video_upload": str(second.pk), "video_ai_generated": True, "captions": "0:00 One"},
    )
    assert r.status_code == 200, r.content
    note = r.json()
    assert note["video"]["duration"] < 1.5 and note["video"]["ai_generated"]
    assert NoteClip.objects.count() == 1
    r = c.patch(f"/notes/{body['id']}", {"status": "published"})
    assert r.json()["status"] == "published"
    r = c.patch(f"/notes/{body['id']}", {"captions": "nonsense without times"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "captions_bad_timestamp"
    r = c.patch(f"/notes/{body['id']}", {"remove_captions": True})
    assert r.json()["video"]["captions"] == []
    r = c.patch(
        f"/notes/{body['id']}", {"video_upload": str(upload_via_service(author, clip_bytes()).pk)}
    )
    assert r.status_code == 400 and "video" in r.json()["error"]["fields"]


def test_caption_files_through_the_api(
    api_as: Any, make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    author = make_user()
    c = api_as(author)
    upload = upload_via_service(author, clip_bytes())
    body = _create(c, {"title": "Subs", "video_upload": str(upload.pk)}).json()
    srt = b"1\n00:00:00,500 --> 00:00:01,500\n<i>Hi</i>\n"
    r = c.client.post(
        f"/api/v1/notes/{body['id']}/captions",
        {"file": SimpleUploadedFile("a.srt", srt)},
        **c._headers(),
    )
    assert r.status_code == 200, r.content
    url = r.json()["video"]["captions"][0]["url"]
    vtt = c.client.get(url, **c._headers())
    assert vtt.content.decode() == "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nHi\n"
    big = SimpleUploadedFile("big.vtt", b"WEBVTT\n\n" + b"x" * 600_000)
    r = c.client.post(f"/api/v1/notes/{body['id']}/captions", {"file": big}, **c._headers())
    assert r.status_code == 400 and r.json()["error"]["code"] == "captions_too_large"
    other = api_as(make_user())
    r = other.client.post(
        f"/api/v1/notes/{body['id']}/captions",
        {"file": SimpleUploadedFile("a.srt", srt)},
        **other._headers(),
    )
    assert r.status_code == 403


def test_captions_without_a_video_and_a_note_with_nothing(api_as: Any, user: Any) -> None:
    c = api_as(user)
    r = _create(c, {"title": "Words only", "captions": "0:00 hi"})
    assert r.status_code == 400
    assert set(r.json()["error"]["fields"]) == {"images", "captions"}
    assert not Note.objects.exists()


def test_openapi_documents_the_upload_protocol(api: Any) -> None:
    spec = api.get("/openapi.json").json()
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/api/v1/uploads/{upload_id}"])
    assert "post" in spec["paths"]["/api/v1/uploads"]
    assert "VideoOut" in spec["components"]["schemas"]
    assert "Upload-Offset" in spec["paths"]["/api/v1/uploads/{upload_id}"]["patch"]["description"]


def test_the_autoplay_preference_through_the_api(api_as: Any, user: Any) -> None:
    c = api_as(user)
    assert c.get("/me").json()["autoplay_videos"] is False
    assert c.patch("/me", {"autoplay_videos": True}).json()["autoplay_videos"] is True
    r = c.patch("/me", {"autoplay_videos": None})
    assert r.status_code == 400 and "autoplay_videos" in r.json()["error"]["fields"]

"""A note with a clip, through the services and the API: upload → note "processing" (only its
author sees it) → transcode on the task worker → ready and published; a clip the engine
refuses fails with its code and the note goes back to the author's drafts; a worker that
dies is retried and two deliveries never transcode at once; what is stored carries no
metadata (GPS, device) and is upright; deleting a note or an account removes every file.

Clips are made with the engine's `synth`: H.264 MP4, HEVC MOV and VP9 WebM; portrait with
rotation metadata; the iPhone's QuickTime location keys and the classic udta atoms.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from django.core.files.storage import default_storage

from qiao.core.errors import Invalid, NotFound
from qiao.engines.media.video import VideoUnavailable, synth
from qiao.notes import access, clips, services, uploads
from qiao.notes.models import Note, NoteClip
from qiao.notes.read import list_notes
from qiao.notes.services import ClipInput, ImageInput
from qiao.notes.tasks import repair_clips
from tests.factories import image_bytes
from tests.video.conftest import upload_via_service

pytestmark = pytest.mark.django_db


def _post(author: Any, data: bytes, **kw: Any) -> Note:
    upload = upload_via_service(author, data)
    kw.setdefault("title", "A walk")
    kw.setdefault("images", [])
    return services.create_note(author, clip=ClipInput(upload_id=str(upload.pk)), **kw)


def test_a_clip_note_is_processing_until_its_clip_is_ready(
    make_user: Any, clip_bytes: Callable[..., bytes], django_capture_on_commit_callbacks: Any
) -> None:
    author, other = make_user(), make_user()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = _post(author, clip_bytes())
    note.refresh_from_db()
    clip = NoteClip.objects.get(note=note)
    assert note.status == Note.Status.PROCESSING and note.published_at is None
    assert clip.state == NoteClip.State.UPLOADED and clip.source
    assert not access.can_see_note(other, note.pk) and not access.can_see_note(None, note.pk)
    assert access.get_note_for(author, note.pk) == note  # its author sees it
    assert [n.pk for n in list_notes(author, drafts=True)[0]] == [note.pk]
    author.refresh_from_db()
    assert author.note_count == 0
    assert not uploads.VideoUpload.objects.exists()  # the note took the upload
    for callback in callbacks:  # the worker runs now
        callback()
    note.refresh_from_db()
    clip.refresh_from_db()
    assert clip.state == NoteClip.State.READY, clip.error_code
    assert note.status == Note.Status.PUBLISHED and note.published_at is not None
    assert access.can_see_note(other, note.pk)
    author.refresh_from_db()
    assert author.note_count == 1
    assert clip.source == ""  # the upload as received is gone once renditions exist
    assert [r["label"] for r in clip.renditions] == ["source"]  # 90 px: under 360p
    assert default_storage.exists(clip.poster) and clip.blurhash and clip.poster_variants
    assert 1.8 < clip.duration < 2.2 and clip.has_audio


@pytest.mark.parametrize(
    "options",
    [
        {"container": "mov", "vcodec": "libx265", "acodec": "aac"},
        {"container": "webm", "vcodec": "libvpx-vp9", "acodec": "libopus"},
    ],
    ids=["hevc-mov", "vp9-webm"],
)
def test_phone_formats_come_out_as_h264_mp4(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None, options: dict[str, Any]
) -> None:
    note = _post(make_user(), clip_bytes(**options))
    clip = NoteClip.objects.get(note=note)
    assert clip.state == NoteClip.State.READY, clip.error_code
    with av.open(default_storage.path(clip.renditions[-1]["path"])) as c:
        assert c.streams.video[0].codec_context.name == "h264"
        assert c.streams.audio[0].codec_context.name == "aac"


def test_no_location_or_device_survives_and_portrait_is_upright(
    make_user: Any, clips_dir: Path, run_tasks: None
) -> None:
    phone = synth.make_clip(
        clips_dir / "phone.mov",
        container="mov",
        width=160,
        height=96,
        rotation=90,
        seconds=1.0,
        metadata=synth.PHONE_METADATA,
        options={"movflags": "use_metadata_tags"},
    )
    classic = synth.make_clip(
        clips_dir / "udta.mp4", width=160, height=96, seconds=1.0, metadata=synth.UDTA_METADATA
    )
    author = make_user()
    for path in (phone, classic):
        data = path.read_bytes()
        assert any(m in data for m in synth.LEAK_MARKERS)  # the input does carry them
        clip = NoteClip.objects.get(note=_post(author, data))
        assert clip.state == NoteClip.State.READY, clip.error_code
        for r in clip.renditions:
            out = default_storage.open(r["path"]).read()
            assert not [m for m in synth.LEAK_MARKERS if m in out], path.name
        assert not [m for m in synth.LEAK_MARKERS if m in default_storage.open(clip.poster).read()]
    portrait = NoteClip.objects.get(note__title="A walk", renditions__isnull=False, height__gt=100)
    assert portrait.height > portrait.width  # rotation applied to the pixels


def test_a_clip_the_engine_refuses_fails_and_the_note_goes_back_to_drafts(
    make_user: Any, clips_dir: Path, run_tasks: None, monkeypatch: Any
) -> None:
    from qiao.engines.media.video import VideoRejected

    def refuse(*args: Any, **kw: Any) -> Any:
        raise VideoRejected("corrupt", "damaged")

    monkeypatch.setattr(clips, "transcode", refuse)
    author, other = make_user(), make_user()
    data = synth.make_clip(clips_dir / "ok.mp4", width=160, height=90).read_bytes()
    note = _post(author, data)
    note.refresh_from_db()
    clip = NoteClip.objects.get(note=note)
    assert (clip.state, clip.error_code, clip.attempts) == (NoteClip.State.FAILED, "corrupt", 1)
    assert note.status == Note.Status.DRAFT and not access.can_see_note(other, note.pk)
    assert clip.source == ""
    with pytest.raises(Invalid) as exc:
        services.update_note(author, note.pk, status=Note.Status.PUBLISHED)
    assert exc.value.fields["video"]


def test_infrastructure_errors_are_retried_then_the_clip_gives_up(
    make_user: Any,
    clip_bytes: Callable[..., bytes],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    settings.QIAO_VIDEO_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=False):
        note = _post(make_user(), clip_bytes())
    clip = NoteClip.objects.get(note=note)

    def unavailable(*args: Any, **kw: Any) -> Any:
        raise VideoUnavailable("video_unavailable", "PyAV missing")

    monkeypatch.setattr(clips, "transcode", unavailable)
    for _ in range(2):
        with pytest.raises(VideoUnavailable):  # the task runner retries this
            clips.process_clip(clip.pk)
    clip.refresh_from_db()
    assert clip.state == NoteClip.State.PROCESSING and clip.lease_until is None
    assert clips.process_clip(clip.pk) == NoteClip.State.FAILED
    clip.refresh_from_db()
    assert clip.error_code == "processing_failed"


def test_a_second_delivery_waits_while_a_worker_holds_the_clip(
    make_user: Any,
    clip_bytes: Callable[..., bytes],
    django_capture_on_commit_callbacks: Any,
    clock: Any,
    settings: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        note = _post(make_user(), clip_bytes())
    clip = NoteClip.objects.get(note=note)
    assert clips._take_lease(clip.pk)  # another worker is on it
    with pytest.raises(clips.ClipBusy):
        clips.process_clip(clip.pk)
    # Its worker died: once the lease lapses, the repair job hands the clip out again.
    from datetime import timedelta

    from django.utils import timezone

    NoteClip.objects.filter(pk=clip.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1),
        created_at=timezone.now() - timedelta(seconds=settings.QIAO_REPAIR_AFTER + 1),
    )
    assert clips.clips_to_repair() == [clip.pk]
    assert repair_clips() == 1  # (ImmediateBackend: it ran)
    clip.refresh_from_db()
    assert clip.state == NoteClip.State.READY and clip.attempts == 1


def test_a_clip_with_photos_and_a_draft_with_a_clip(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    author = make_user()
    note = _post(author, clip_bytes(), images=[ImageInput(data=image_bytes(seed=3))])
    assert note.images.count() == 1 and NoteClip.objects.get(note=note).is_ready
    draft = _post(author, clip_bytes(), status=Note.Status.DRAFT)
    draft.refresh_from_db()
    assert draft.status == Note.Status.DRAFT  # processed, but the author has not published
    assert NoteClip.objects.get(note=draft).is_ready
    services.update_note(author, draft.pk, status=Note.Status.PUBLISHED)
    draft.refresh_from_db()
    assert draft.status == Note.Status.PUBLISHED


def test_a_note_needs_a_photo_or_a_clip_and_one_clip_only_via_its_upload(
    make_user: Any, clip_bytes: Callable[..., bytes]
) -> None:
    author, other = make_user(), make_user()
    with pytest.raises(Invalid) as exc:
        services.create_note(author, title="Empty", images=[])
    assert "images" in exc.value.fields
    theirs = upload_via_service(other, clip_bytes())
    with pytest.raises(NotFound):
        services.create_note(
            author, title="Stolen", images=[], clip=ClipInput(upload_id=str(theirs.pk))
        )
    unfinished = uploads.start_upload(author, size=1000)
    with pytest.raises(Invalid) as exc:
        services.create_note(
            author, title="Early", images=[], clip=ClipInput(upload_id=str(unfinished.pk))
        )
    assert exc.value.code == "video_upload_incomplete"
    with pytest.raises(Invalid) as exc:
        services.create_note(
            author,
            title="Forced",
            images=[],
            status="processing",
            clip=ClipInput(upload_id=str(unfinished.pk)),
        )
    assert "status" in exc.value.fields


def test_a_refused_form_keeps_the_upload(make_user: Any, clip_bytes: Callable[..., bytes]) -> None:
    author = make_user()
    upload = upload_via_service(author, clip_bytes())
    with pytest.raises(Invalid):
        services.create_note(author, title="", images=[], clip=ClipInput(upload_id=str(upload.pk)))
    with pytest.raises(Invalid):
        services.create_note(
            author,
            title="Bad captions",
            images=[],
            clip=ClipInput(upload_id=str(upload.pk)),
            captions="no times",
        )
    assert uploads.check_upload(author, upload.pk)  # still there to post


def test_the_published_clip_cannot_be_swapped_but_labels_and_captions_can_change(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    author = make_user()
    note = _post(author, clip_bytes())
    another = upload_via_service(author, clip_bytes())
    with pytest.raises(Invalid) as exc:
        services.update_note(author, note.pk, clip=ClipInput(upload_id=str(another.pk)))
    assert "video" in exc.value.fields
    services.update_note(author, note.pk, clip_ai_generated=True, captions="0:00 Hi")
    clip = NoteClip.objects.get(note=note)
    assert clip.ai_generated and clip.captions.get().source == "author"
    with pytest.raises(Invalid):  # nothing would be left to show
        services.update_note(author, note.pk, remove_clip=True)


def test_a_failed_clip_is_replaced_in_a_draft(
    make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None
) -> None:
    author = make_user()
    with pytest.MonkeyPatch.context() as mp:
        from qiao.engines.media.video import VideoRejected

        def refuse(*a: Any, **k: Any) -> Any:
            raise VideoRejected("too_long", "long")

        mp.setattr(clips, "transcode", refuse)
        note = _post(author, clip_bytes())
    old = NoteClip.objects.get(note=note)
    assert old.state == NoteClip.State.FAILED
    fresh = upload_via_service(author, clip_bytes())
    services.update_note(
        author, note.pk, status=Note.Status.PUBLISHED, clip=ClipInput(upload_id=str(fresh.pk))
    )
    note.refresh_from_db()
    assert note.status == Note.Status.PUBLISHED
    assert NoteClip.objects.get(note=note).pk != old.pk


def test_deleting_a_note_removes_its_clip_files(
    make_user: Any,
    clip_bytes: Callable[..., bytes],
    run_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    author = make_user()
    note = _post(author, clip_bytes())
    clip = NoteClip.objects.get(note=note)
    files = clips.clip_media_paths([clip])
    assert files and all(default_storage.exists(p) for p in files)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_note(author, note.pk)
    assert not any(default_storage.exists(p) for p in files)


def test_deleting_a_note_before_its_clip_is_processed_removes_the_source(
    make_user: Any, clip_bytes: Callable[..., bytes], django_capture_on_commit_callbacks: Any
) -> None:
    author = make_user()
    with django_capture_on_commit_callbacks(execute=False):
        note = _post(author, clip_bytes())
    source = NoteClip.objects.get(note=note).source
    assert clips.sources().exists(source)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_note(author, note.pk)
    assert not clips.sources().exists(source)
    assert clips.process_clip(NoteClip.objects.count() + 999) == "gone"


def test_deleting_an_account_removes_its_clips_sources_and_uploads(
    make_user: Any, clip_bytes: Callable[..., bytes], django_capture_on_commit_callbacks: Any
) -> None:
    from qiao.accounts import services as accounts

    author = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        note = _post(author, clip_bytes())
    files = clips.clip_media_paths([NoteClip.objects.get(note=note)])
    with django_capture_on_commit_callbacks(execute=False):
        waiting = _post(author, clip_bytes(), title="Waiting")
    source = NoteClip.objects.get(note=waiting).source
    half = uploads.start_upload(author, size=1000)
    part = uploads.upload_path(half)
    with django_capture_on_commit_callbacks(execute=True):
        accounts.delete_account(author)
    assert not any(default_storage.exists(p) for p in files)
    assert not clips.sources().exists(source) and not part.exists()

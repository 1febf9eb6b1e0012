"""A note's clip: taking a checked upload, transcoding it on a worker, storing what the media
engine made, publishing the note when it is ready, captions and automatic captions.

States: `uploaded` (the note took the upload) → `processing` (a worker holds it) → `ready`
(renditions, poster, blurhash stored; a note waiting for it is published) or `failed` (the
engine's code is kept and translated when shown; a note waiting for it goes back to the
author's drafts). The engine refusing the file (`VideoRejected`) fails the clip at once;
anything else (a dead worker, storage down, `VideoUnavailable`) is retried, up to
`QIAO_VIDEO_MAX_ATTEMPTS` attempts.

Two deliveries of the same task (Celery re-delivers a message whose worker vanished) never
transcode at once: a worker takes a lease on the clip and renews it while it works; another
delivery finds the lease held and is retried later (`ClipBusy`), by which time the clip is
ready or the lease has lapsed because its holder died.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from qiao.core.media import image_policy, transcriber, video_policy
from qiao.engines.media import release_memory, render_variants
from qiao.engines.media.captions import CaptionTrack
from qiao.engines.media.transcribe import TranscriptionError
from qiao.engines.media.video import (
    TranscodeResult,
    VideoRejected,
    extract_audio,
    transcode,
)
from qiao.notes import signals
from qiao.notes.models import ClipCaption, Note, NoteClip
from qiao.notes.publishing import on_published
from qiao.notes.uploads import ClaimedUpload

logger = logging.getLogger(__name__)


def _lease_length() -> timedelta:
    """How long a worker's hold on a clip lasts unless renewed (`QIAO_VIDEO_LEASE_SECONDS`;
    it renews every third of that)."""
    return timedelta(seconds=max(3, settings.QIAO_VIDEO_LEASE_SECONDS))


class ClipBusy(Exception):
    """Another worker holds this clip right now; try again later (a retryable error)."""


def sources() -> Storage:
    """Where uploads wait for their transcode: never served (`STORAGES["video_sources"]`)."""
    return storages["video_sources"]


def clip_prefix(note_id: int, key: str) -> str:
    return f"clips/{note_id}/{key}"


class _MovedFile(File):
    """A file on local disk that FileSystemStorage may move into place instead of copying."""

    def __init__(self, path: Path) -> None:
        super().__init__(open(path, "rb"), name=path.name)  # noqa: SIM115 - File closes it
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def store_source(note_id: int, key: str, claimed: ClaimedUpload) -> str:
    """Move a checked upload out of the upload area into the sources storage (a rename on
    one disk, an upload to the bucket in production)."""
    ext = "webm" if claimed.info.container == "webm" else "mp4"
    moved = _MovedFile(claimed.path)
    try:
        saved = sources().save(f"{clip_prefix(note_id, key)}/source.{ext}", moved)
    finally:
        moved.close()
    claimed.path.unlink(missing_ok=True)
    return saved


def new_clip(
    note: Note, claimed: ClaimedUpload, *, ai_author: bool, alt_text: str = ""
) -> NoteClip:
    """The clip row for a note, its upload already stored (inside the note's transaction)."""
    key = uuid.uuid4().hex
    source = store_source(note.pk, key, claimed)
    try:
        return NoteClip.objects.create(
            note=note,
            key=key,
            source=source,
            source_bytes=claimed.info.size_bytes,
            duration=claimed.info.duration,
            width=claimed.info.width,
            height=claimed.info.height,
            has_audio=claimed.info.has_audio,
            ai_author=ai_author,
            ai_declared=claimed.info.ai_generated,
            alt_text=alt_text,
        )
    except Exception:
        sources().delete(source)
        raise


# --- processing (the worker) ----------------------------------------------------------


def _take_lease(clip_id: int) -> bool:
    now = timezone.now()
    return bool(
        NoteClip.objects.filter(pk=clip_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + _lease_length())
    )


@contextmanager
def _lease(clip_id: int) -> Iterator[None]:
    """Hold the clip's lease while the block runs, renewing it from a thread; a second
    delivery of the task meanwhile gets ClipBusy."""
    if not _take_lease(clip_id):
        raise ClipBusy(f"clip {clip_id} is being processed by another worker")
    stop = threading.Event()
    length = _lease_length()

    def renew() -> None:
        try:
            while not stop.wait(length.total_seconds() / 3):
                NoteClip.objects.filter(pk=clip_id).update(lease_until=timezone.now() + length)
        except Exception:  # a missed renewal only lets the lease lapse
            logger.warning("could not renew the lease of clip %s", clip_id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=renew, name=f"qiao-clip-lease-{clip_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        NoteClip.objects.filter(pk=clip_id).update(lease_until=None)


@contextmanager
def _local_copy(path: str) -> Iterator[Path]:
    """The stored source as a local file: its own path on local disk, else a download into
    the work area (removed afterwards)."""
    store = sources()
    try:
        on_disk: Path | None = Path(store.path(path))
    except NotImplementedError:  # object storage: no local path
        on_disk = None
    if on_disk is not None:
        yield on_disk
        return
    work = Path(settings.QIAO_VIDEO_WORK_DIR)
    work.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=work, prefix="source-")
    local = Path(name)
    try:
        with open(fd, "wb") as out, store.open(path, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        yield local
    finally:
        local.unlink(missing_ok=True)


def _save(path: str, content: File) -> str:
    if default_storage.exists(path):
        default_storage.delete(path)  # left by a worker that died after writing it
    return default_storage.save(path, content)


def _store_outputs(clip: NoteClip, result: TranscodeResult) -> dict[str, Any]:
    """Put the renditions and the poster (with its WebP and JPEG widths) into media storage;
    returns the clip's new fields."""
    prefix = clip_prefix(clip.note_id, clip.key)
    renditions: list[dict[str, Any]] = []
    for r in result.renditions:
        with open(r.path, "rb") as fh:
            saved = _save(f"{prefix}/{r.label}.mp4", File(fh))
        renditions.append(
            {
                "label": r.label,
                "path": saved,
                "width": r.width,
                "height": r.height,
                "size_bytes": r.size_bytes,
                "bitrate_kbps": r.bitrate_kbps,
            }
        )
    poster = result.poster
    poster_path = _save(f"{prefix}/poster.jpg", ContentFile(poster.clean_jpeg))
    variants: dict[str, dict[str, str]] = {}
    for variant in render_variants(
        poster.clean_jpeg, list(settings.QIAO_IMAGE_WIDTHS), image_policy()
    ):
        ext = "webp" if variant.fmt == "webp" else "jpg"
        saved = _save(f"{prefix}/poster_{variant.width}.{ext}", ContentFile(variant.data))
        variants.setdefault(str(variant.width), {})[variant.fmt] = saved
    release_memory()
    renditions.sort(key=lambda r: int(r["height"]) * int(r["width"]))
    return {
        "renditions": renditions,
        "poster": poster_path,
        "poster_variants": variants,
        "poster_width": poster.width,
        "poster_height": poster.height,
        "blurhash": poster.blurhash,
        "dominant_color": poster.dominant_color,
        "duration": round(result.duration, 3),
        "width": result.width,
        "height": result.height,
        "has_audio": result.has_audio,
        "ai_declared": bool(result.ai_generated),
        "cpu_seconds": result.cpu_seconds,
    }


def process_clip(clip_id: int) -> str:
    """Transcode a clip and publish its note when it was waiting (idempotent: a ready or
    failed clip is left alone). Returns the clip's state. Raises ClipBusy, or any
    infrastructure error, for the task runner to retry."""
    clip = NoteClip.objects.filter(pk=clip_id).first()
    if clip is None:
        return "gone"
    if clip.state in (NoteClip.State.READY, NoteClip.State.FAILED):
        return str(clip.state)
    with _lease(clip_id):
        clip.refresh_from_db()
        if clip.state in (NoteClip.State.READY, NoteClip.State.FAILED):
            return str(clip.state)
        attempts = clip.attempts + 1
        NoteClip.objects.filter(pk=clip_id).update(
            attempts=attempts, state=NoteClip.State.PROCESSING
        )
        if attempts > settings.QIAO_VIDEO_MAX_ATTEMPTS:
            fail_clip(clip_id, "processing_failed")
            return NoteClip.State.FAILED
        work = Path(settings.QIAO_VIDEO_WORK_DIR)
        work.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(dir=work, prefix=f"clip-{clip_id}-"))
        try:
            with _local_copy(clip.source) as source:
                try:
                    result = transcode(source, workdir, video_policy())
                except VideoRejected as exc:
                    logger.info("clip %s refused by the engine: %s", clip_id, exc.code)
                    fail_clip(clip_id, exc.code)
                    return NoteClip.State.FAILED
                fields = _store_outputs(clip, result)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return _finish(clip_id, fields)


def _finish(clip_id: int, fields: dict[str, Any]) -> str:
    with transaction.atomic():
        clip = NoteClip.objects.select_for_update().select_related("note").get(pk=clip_id)
        for name, value in fields.items():
            setattr(clip, name, value)
        clip.state, clip.error_code, clip.ready_at = NoteClip.State.READY, "", timezone.now()
        source, clip.source = clip.source, ""
        clip.save()
        note = clip.note
        if note.status == Note.Status.PROCESSING:
            note.status, note.published_at = Note.Status.PUBLISHED, timezone.now()
            note.save(update_fields=["status", "published_at", "updated_at"])
            on_published(note, list(note.topics.all()))
        transaction.on_commit(lambda: _delete_source(source))
    logger.info("clip %s ready", clip_id, extra={"cpu_seconds": fields.get("cpu_seconds")})
    return NoteClip.State.READY


def _delete_source(path: str) -> None:
    if not path:
        return
    try:
        sources().delete(path)
    except Exception:  # noqa: BLE001 - a source left behind is logged, never fatal
        logger.warning("could not delete the video source %s", path)


def fail_clip(clip_id: int, code: str) -> None:
    """The clip cannot be used: keep the reason; a note that was waiting for it goes back to
    the author's drafts (nobody else ever saw it)."""
    with transaction.atomic():
        clip = NoteClip.objects.select_for_update().select_related("note").get(pk=clip_id)
        clip.state, clip.error_code = NoteClip.State.FAILED, code[:40]
        source, clip.source = clip.source, ""
        clip.save(update_fields=["state", "error_code", "source"])
        if clip.note.status == Note.Status.PROCESSING:
            Note.objects.filter(pk=clip.note_id).update(status=Note.Status.DRAFT)
        transaction.on_commit(lambda: _delete_source(source))


def clips_to_repair(limit: int = 100) -> list[int]:
    """Clips whose processing stopped: not ready or failed, nobody holding them, and older
    than `QIAO_REPAIR_AFTER` (a task lost while the broker was down, or retries run out
    while another delivery held the lease)."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.QIAO_REPAIR_AFTER)
    return list(
        NoteClip.objects.filter(
            state__in=[NoteClip.State.UPLOADED, NoteClip.State.PROCESSING], created_at__lt=cutoff
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def clip_media_paths(clips: list[NoteClip]) -> list[str]:
    """Every public media file of these clips (renditions, poster and its variants)."""
    paths: list[str] = []
    for clip in clips:
        paths += [str(r.get("path", "")) for r in clip.renditions or []]
        paths.append(clip.poster)
        for formats in (clip.poster_variants or {}).values():
            paths.extend(formats.values())
    return [p for p in paths if p]


def delete_clip_files(clips: list[NoteClip]) -> None:
    """Remove the clips' media and sources (after the rows went)."""
    for path in clip_media_paths(clips):
        with suppress(Exception):
            default_storage.delete(path)
    for clip in clips:
        _delete_source(clip.source)


# --- captions -------------------------------------------------------------------------


def set_original_captions(
    clip: NoteClip, track: CaptionTrack, source: str, engine: str = "", language: str = ""
) -> ClipCaption:
    """Make `track` the clip's original captions (the author's, or a transcription when the
    author gave none); machine translations of the old ones go (they are made again)."""
    with transaction.atomic():
        clip.captions.all().delete()
        return ClipCaption.objects.create(
            clip=clip,
            language=language or (track.language or "").split("-")[0].lower(),
            source=source,
            vtt=track.to_webvtt(),
            cue_count=len(track.cues),
            engine=engine,
        )


def store_machine_captions(clip_id: int, language: str, track: CaptionTrack, engine: str) -> None:
    """A machine translation of a clip's captions into `language` (the translation domain
    calls this)."""
    ClipCaption.objects.update_or_create(
        clip_id=clip_id,
        language=language,
        source=ClipCaption.Source.MACHINE,
        defaults={"vtt": track.to_webvtt(), "cue_count": len(track.cues), "engine": engine},
    )


def set_caption_language(caption_id: int, language: str) -> None:
    ClipCaption.objects.filter(pk=caption_id).update(language=language)


def transcribe(clip_id: int) -> str:
    """Automatic captions for a ready clip whose author gave none: its sound (from the
    smallest rendition) through the configured speech-to-text engine. Best effort: the
    clip is already published; a failure is recorded, never raised."""
    clip = NoteClip.objects.filter(pk=clip_id, state=NoteClip.State.READY).first()
    if clip is None:
        return "gone"
    if clip.captions.exclude(source=ClipCaption.Source.MACHINE).exists():
        return "has_captions"
    if not clip.has_audio or not clip.renditions:
        NoteClip.objects.filter(pk=clip_id).update(transcription="none")
        return "none"
    engine = transcriber()
    if engine is None or not engine.status()[0]:
        NoteClip.objects.filter(pk=clip_id).update(transcription="off")
        return "off"
    NoteClip.objects.filter(pk=clip_id).update(transcription="pending")
    work = Path(settings.QIAO_VIDEO_WORK_DIR)
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work, prefix=f"speech-{clip_id}-") as tmp:
        local = Path(tmp) / "clip.mp4"
        try:
            with (
                default_storage.open(str(clip.renditions[0]["path"]), "rb") as src,
                open(local, "wb") as out,
            ):
                shutil.copyfileobj(src, out, 1 << 20)
            wav = Path(tmp) / "speech.wav"
            extract_audio(local, wav, video_policy())
            transcript = engine.transcribe(
                str(wav), None, timeout=float(settings.QIAO_TRANSCRIBE_TIMEOUT)
            )
        except (TranscriptionError, VideoRejected, OSError) as exc:
            logger.warning("could not transcribe clip %s: %r", clip_id, exc)
            NoteClip.objects.filter(pk=clip_id).update(transcription="failed")
            return "failed"
    with transaction.atomic():
        clip = NoteClip.objects.select_for_update().select_related("note").get(pk=clip_id)
        if clip.captions.exclude(source=ClipCaption.Source.MACHINE).exists():
            return "has_captions"  # the author added theirs meanwhile
        language = transcript.language if transcript.language != "und" else ""
        set_original_captions(
            clip,
            transcript.track,
            ClipCaption.Source.TRANSCRIPTION,
            engine=f"{transcript.engine}:{transcript.model}"[:60],
            language=language,
        )
        clip.transcription = "done"
        clip.save(update_fields=["transcription"])
        if clip.note.is_published:
            signals.note_edited.send(sender=Note, note_id=clip.note_id, changed={"captions"})
    return "done"

"""Note use cases: compose, edit, delete; a note's photos, clip and captions."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Invalid, TooLarge
from qiao.core.media import caption_rejection_message, image_policy, rejection_message
from qiao.core.ratelimit import rate_limited, spend
from qiao.core.tasks import enqueue_on_commit
from qiao.core.text import clean, extract_topics, normalize, normalize_topic
from qiao.core.uploads import Upload, read_upload
from qiao.engines.media import (
    CheckedImage,
    ImageRejected,
    estimate_image,
    inspect_image,
    release_memory,
    render_variants,
)
from qiao.engines.media.captions import CaptionRejected, CaptionTrack, parse_any_captions
from qiao.events.services import EventIn, log_events
from qiao.notes import clips, signals, uploads
from qiao.notes.access import get_own_note
from qiao.notes.media import (
    clip_sources_for_notes,
    delete_clip_sources,
    delete_media,
    media_paths_for_images,
    media_paths_for_notes,
)
from qiao.notes.models import (
    BODY_MAX,
    MAX_IMAGES,
    TITLE_MAX,
    ClipCaption,
    Note,
    NoteClip,
    NoteImage,
    Topic,
    VideoUpload,
)
from qiao.notes.publishing import on_published
from qiao.notes.tasks import process_clip, render_image_variants

logger = logging.getLogger(__name__)


@dataclass
class ImageInput:
    """One photo handed to a note service: the bytes, or an upload read only once its size
    has been checked."""

    data: bytes | None = None
    alt_text: str = ""
    filename: str = ""
    upload: Upload | None = None
    ai_generated: bool = False  # the author's own label

    @property
    def size(self) -> int | None:
        return len(self.data) if self.data is not None else getattr(self.upload, "size", None)

    def read(self, max_bytes: int) -> bytes:
        """The photo's bytes (again, from the start, when called twice)."""
        if self.data is not None:
            return read_upload(self.data, max_bytes)
        if self.upload is None:
            raise Invalid(_("A photo is missing."), fields={"images": [_("A photo is missing.")]})
        seek = getattr(self.upload, "seek", None)
        if seek is not None:
            seek(0)
        return read_upload(self.upload, max_bytes)


@dataclass
class ClipInput:
    """A note's video: a finished resumable upload (`upload_id`), or a file sent with the
    form (`upload`, read into the upload area with the same checks)."""

    upload_id: str | None = None
    upload: Upload | None = None
    ai_generated: bool = False  # the author's own label
    alt_text: str = ""


#: What a member may choose for a note; "processing" is the platform's to set.
CHOSEN_STATUSES = (Note.Status.DRAFT, Note.Status.PUBLISHED)


# --- Compose ----------------------------------------------------------------------------


def _validate_text(title: str, body: str) -> tuple[str, str, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    try:
        title = clean(title, "title", max_length=TITLE_MAX)
    except Invalid as exc:
        errors.update(exc.fields)
    if not errors and not title:
        errors["title"] = [_("Give your note a title.")]
    try:
        body = clean(body, "body", max_length=BODY_MAX, multiline=True)
    except Invalid as exc:
        errors.update(exc.fields)
    return title, body, errors


def _check_count(count: int) -> None:
    if count > MAX_IMAGES:
        message = _("At most %(n)d photos.") % {"n": MAX_IMAGES}
        raise Invalid(message, fields={"images": [message]})


def _label(item: ImageInput, index: int) -> str:
    return item.filename or _("Photo %(n)d") % {"n": index}


ALT_MAX = 200


def _check_alt_texts(images: list[ImageInput]) -> None:
    for item in images:
        clean(item.alt_text, "alt_texts", max_length=ALT_MAX)


def _check_images(author: User, images: list[ImageInput]) -> list[CheckedImage]:
    """Check the photos, cheapest test first, so a hostile request costs little:
    every declared size before anything is read (413); every header before anything is
    decoded — the request's total pixels (413) and the member's hourly pixel budget (429);
    then each photo decoded, checked and re-encoded one at a time."""
    _check_alt_texts(images)
    policy = image_policy()
    too_big = [
        _label(item, i)
        for i, item in enumerate(images, start=1)
        if item.size is not None and item.size > policy.max_bytes
    ]
    if too_big:
        message = _("Each photo must be at most %(mb)d MB.") % {"mb": policy.max_bytes // 2**20}
        raise TooLarge(message, fields={"images": [f"{n}: {message}" for n in too_big]})
    errors: list[str] = []
    pixels = 0
    for index, item in enumerate(images, start=1):
        try:
            pixels += estimate_image(item.read(policy.max_bytes), policy).decode_pixels
        except ImageRejected as exc:
            errors.append(f"{_label(item, index)}: {rejection_message(exc)}")
    if errors:
        raise Invalid(
            _("Some photos could not be used."), code="bad_image", fields={"images": errors}
        )
    if policy.max_request_pixels and pixels > policy.max_request_pixels:
        message = rejection_message(ImageRejected("request_too_large", ""))
        raise TooLarge(message, code="request_too_large", fields={"images": [message]})
    spend("pixels", f"u{author.pk}", pixels)
    checked = []
    for index, item in enumerate(images, start=1):
        try:
            checked.append(inspect_image(item.read(policy.max_bytes), policy))
        except ImageRejected as exc:
            errors.append(f"{_label(item, index)}: {rejection_message(exc)}")
        release_memory()
    if errors:
        raise Invalid(
            _("Some photos could not be used."), code="bad_image", fields={"images": errors}
        )
    return checked


def check_images(author: User, images: list[ImageInput]) -> list[CheckedImage]:
    """The photo checks every photo upload goes through, notes and direct messages alike:
    sizes, headers, the request's pixels and the member's hourly budget, then decoding
    (EXIF and GPS stripped in the clean JPEG). Raises TooLarge, Invalid or RateLimited."""
    return _check_images(author, images)


def _resolve_topics(body: str, chosen: Iterable[str]) -> list[Topic]:
    names = list(
        dict.fromkeys([t for t in (normalize_topic(c) for c in chosen) if t] + extract_topics(body))
    )[:20]
    topics = []
    for name in names:
        topic, _created = Topic.objects.get_or_create(name=name)
        topics.append(topic)
    return topics


def _clip_upload(author: User, clip: ClipInput | None) -> VideoUpload | None:
    """The clip's finished upload, checked (a file sent with the form is received into the
    upload area first, with the same limits): nothing is taken yet."""
    if clip is None:
        return None
    if clip.upload_id is None and clip.upload is not None:
        clip.upload_id = str(uploads.upload_whole_file(author, clip.upload).pk)
    if clip.upload_id is None:
        return None
    return uploads.check_upload(author, clip.upload_id)


def _parse_captions(data: bytes | str | None, duration: float) -> CaptionTrack | None:
    if data is None or (isinstance(data, str) and not data.strip()):
        return None
    try:
        return parse_any_captions(data, duration=duration)
    except CaptionRejected as exc:
        message = caption_rejection_message(exc.code, exc.line)
        raise Invalid(message, code=f"captions_{exc.code}", fields={"captions": [message]}) from exc


def _attach_clip(
    note: Note, claimed: uploads.ClaimedUpload, clip: ClipInput, captions: CaptionTrack | None
) -> NoteClip:
    row = clips.new_clip(
        note, claimed, ai_author=clip.ai_generated, alt_text=normalize(clip.alt_text)[:200]
    )
    if captions is not None:
        clips.set_original_captions(row, captions, ClipCaption.Source.AUTHOR)
    enqueue_on_commit(process_clip, row.pk)
    return row


@rate_limited("write")
def create_note(
    author: User,
    *,
    title: str,
    body: str = "",
    images: list[ImageInput],
    topics: Iterable[str] = (),
    visibility: str = Note.Visibility.PUBLIC,
    status: str = Note.Status.PUBLISHED,
    clip: ClipInput | None = None,
    captions: bytes | str | None = None,
) -> Note:
    """A note with 0–9 photos and at most one clip (at least one of them to publish). A note
    with a clip is published when its clip is ready ("processing" until then: only its
    author sees it)."""
    title, body, errors = _validate_text(title, body)
    if visibility not in Note.Visibility.values:
        errors["visibility"] = [_("Choose public, followers or only me.")]
    if status not in CHOSEN_STATUSES:
        errors["status"] = [_("Unknown status.")]
    _check_count(len(images))
    has_clip = clip is not None and (clip.upload_id is not None or clip.upload is not None)
    if status == Note.Status.PUBLISHED and not images and not has_clip:
        errors["images"] = [_("Add at least one photo or a video.")]
    if captions is not None and not has_clip and str(captions).strip():
        errors["captions"] = [_("Captions need a video.")]
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), fields=errors)
    # Cheapest first: the upload and the captions are checked before any photo is decoded,
    # and the upload is taken only when everything else is fine (a refused form keeps it).
    upload = _clip_upload(author, clip)
    track = _parse_captions(captions, float(upload.info["duration"])) if upload else None
    checked = _check_images(author, images)
    claimed = uploads.claim_upload(author, upload.pk) if upload is not None else None
    now = timezone.now()
    if claimed is not None and status == Note.Status.PUBLISHED:
        status = Note.Status.PROCESSING
    try:
        with transaction.atomic():
            note = Note.objects.create(
                author=author,
                title=title,
                body=body,
                visibility=visibility,
                status=status,
                published_at=now if status == Note.Status.PUBLISHED else None,
            )
            _attach_images(note, list(zip(checked, images, strict=True)), start=0)
            if claimed is not None and clip is not None:
                _attach_clip(note, claimed, clip, track)
            topic_objs = _resolve_topics(body, topics)
            note.topics.set(topic_objs)
            if status == Note.Status.PUBLISHED:
                on_published(note, topic_objs)
    finally:
        if claimed is not None:
            claimed.path.unlink(missing_ok=True)  # moved into storage, unless that failed
    return note


def _attach_images(note: Note, pairs: list[tuple[CheckedImage, ImageInput]], start: int) -> None:
    for offset, (checked, item) in enumerate(pairs):
        key = uuid.uuid4().hex
        path = default_storage.save(f"notes/{note.pk}/{key}.jpg", ContentFile(checked.clean_jpeg))
        image = NoteImage.objects.create(
            note=note,
            position=start + offset,
            original=path,
            variants=_first_variant(checked, path),
            width=checked.width,
            height=checked.height,
            blurhash=checked.blurhash,
            dominant_color=checked.dominant_color,
            phash=checked.phash,
            alt_text=normalize(item.alt_text)[:ALT_MAX],
            ai_generated=checked.ai_generated or item.ai_generated,
            ai_declared=checked.ai_generated,
        )
        enqueue_on_commit(render_image_variants, image.pk)


def _first_variant(checked: CheckedImage, original: str) -> dict[str, dict[str, str]]:
    """The smallest width, rendered now (~15 ms): the first readers of a new note load it,
    never the full-size original, while the worker renders the other widths."""
    width = min(settings.QIAO_IMAGE_WIDTHS)
    stem = original.rsplit(".", 1)[0]
    out: dict[str, dict[str, str]] = {}
    for variant in render_variants(checked, [width], image_policy()):
        ext = "webp" if variant.fmt == "webp" else "jpg"
        out.setdefault(str(variant.width), {})[variant.fmt] = default_storage.save(
            f"{stem}_{variant.width}.{ext}", ContentFile(variant.data)
        )
    return out


def _check_edit(
    note: Note,
    title: str,
    body: str,
    visibility: str | None,
    status: str | None,
    keep: list[int],
    existing: set[int],
    adding: int,
    has_clip: bool,
) -> tuple[str, str]:
    """The edit's cleaned title and body, or Invalid with every field's problem."""
    new_title, new_body, errors = _validate_text(title, body)
    if visibility is not None and visibility not in Note.Visibility.values:
        errors["visibility"] = [_("Choose public, followers or only me.")]
    if status is not None and status not in CHOSEN_STATUSES:
        errors["status"] = [_("Unknown status.")]
    if status == Note.Status.DRAFT and note.is_published:
        errors["status"] = [_("A published note cannot go back to being a draft.")]
    if set(keep) - existing:
        errors["image_order"] = [_("Unknown photo.")]
    total = len(keep) + adding
    if total > MAX_IMAGES:
        errors["images"] = [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]
    publishing = status == Note.Status.PUBLISHED and not note.is_published
    if (note.is_published or publishing) and total == 0 and not has_clip:
        errors["images"] = [_("Add at least one photo or a video.")]
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), fields=errors)
    return new_title, new_body


def _reorder_images(note: Note, keep: list[int], removed: list[NoteImage]) -> None:
    for img in removed:
        img.delete()
    # Two passes so the unique (note, position) constraint never sees a clash.
    for pos, pk in enumerate(keep):
        NoteImage.objects.filter(pk=pk).update(position=1000 + pos)
    for pos, pk in enumerate(keep):
        NoteImage.objects.filter(pk=pk).update(position=pos)


def _retag(
    note: Note, body: str, topics: Iterable[str] | None, text_edited: bool
) -> tuple[list[Topic], bool]:
    """Set the note's topics (explicit ones, else the #tags of the body when it was
    edited); returns them and whether they changed. Counts follow for published notes."""
    before = set(note.topics.values_list("pk", flat=True))
    if topics is None and not text_edited:
        return list(note.topics.all()), False
    topic_objs = _resolve_topics(body, topics if topics is not None else [])
    note.topics.set(topic_objs)
    after = {t.pk for t in topic_objs}
    if note.is_published and before != after:  # counts cover published notes only
        Topic.objects.filter(pk__in=after - before).update(note_count=F("note_count") + 1)
        Topic.objects.filter(pk__in=before - after, note_count__gt=0).update(
            note_count=F("note_count") - 1
        )
    return topic_objs, before != after


def _video_error(message: str) -> Invalid:
    return Invalid(message, code="video", fields={"video": [message]})


@dataclass
class _ClipEdit:
    """What an edit does to the note's clip, decided before anything is written."""

    current: NoteClip | None
    upload: VideoUpload | None  # a new clip's upload (replacing the current one)
    remove: bool
    track: CaptionTrack | None  # new author captions

    @property
    def will_have_clip(self) -> bool:
        return self.upload is not None or (self.current is not None and not self.remove)


def _plan_clip_edit(
    viewer: User,
    note: Note,
    clip: ClipInput | None,
    remove_clip: bool,
    captions: bytes | str | None,
    remove_captions: bool,
) -> _ClipEdit:
    current = NoteClip.objects.filter(note=note).first()
    replacing = clip is not None and (clip.upload_id is not None or clip.upload is not None)
    if replacing and note.is_published:
        raise _video_error(
            _("The video of a published note cannot be changed; delete the note and post it again.")
        )
    upload = _clip_upload(viewer, clip) if replacing else None
    plan = _ClipEdit(current, upload, remove_clip or replacing, None)
    has_captions = captions is not None and bool(str(captions).strip())
    if has_captions:
        if not plan.will_have_clip:
            raise Invalid(
                _("Captions need a video."), fields={"captions": [_("Captions need a video.")]}
            )
        duration = (
            float(upload.info["duration"])
            if upload is not None
            else (current.duration if current is not None else 0.0)
        )
        plan.track = _parse_captions(captions, duration)
    return plan


def _apply_clip_edit(
    note: Note,
    plan: _ClipEdit,
    claimed: uploads.ClaimedUpload | None,
    clip: ClipInput | None,
    remove_captions: bool,
    clip_ai_generated: bool | None,
    clip_alt_text: str | None,
) -> tuple[list[NoteClip], bool]:
    """Write the clip part of an edit; returns the clips whose files must go and whether the
    captions changed."""
    gone: list[NoteClip] = []
    captions_changed = False
    current = plan.current
    if current is not None and plan.remove:
        gone.append(current)
        current.delete()
        current = None
    if claimed is not None and clip is not None:
        if clip_ai_generated is not None:
            clip.ai_generated = clip_ai_generated
        if clip_alt_text is not None:
            clip.alt_text = clip_alt_text
        _attach_clip(note, claimed, clip, plan.track)
        return gone, False
    if current is None:
        return gone, False
    if plan.track is not None:
        clips.set_original_captions(current, plan.track, ClipCaption.Source.AUTHOR)
        captions_changed = True
    elif remove_captions and current.captions.exists():
        current.captions.all().delete()
        captions_changed = True
    updates: list[str] = []
    if clip_ai_generated is not None and clip_ai_generated != current.ai_author:
        current.ai_author = clip_ai_generated
        updates.append("ai_author")
    if clip_alt_text is not None:
        current.alt_text = normalize(clip_alt_text)[:200]
        updates.append("alt_text")
    if updates:
        current.save(update_fields=updates)
    return gone, captions_changed


def _label_images(existing: dict[int, NoteImage], image_ai: dict[int, bool] | None) -> None:
    """The author's AI label on photos already in the note (a label the upload's metadata
    declared stays)."""
    for pk, flag in (image_ai or {}).items():
        img = existing.get(pk)
        if img is not None and (flag or img.ai_declared) != img.ai_generated:
            NoteImage.objects.filter(pk=pk).update(ai_generated=flag or img.ai_declared)


def _next_status(note: Note, status: str | None, plan: _ClipEdit) -> str:
    """Where the note goes: publishing waits for a clip that is not ready yet, and a clip
    that failed must be replaced or removed first."""
    if status == Note.Status.DRAFT and note.status == Note.Status.PROCESSING:
        return Note.Status.DRAFT  # the author holds it back
    if status != Note.Status.PUBLISHED or note.is_published:
        return note.status
    if plan.upload is not None:
        return Note.Status.PROCESSING
    current = None if plan.remove else plan.current
    if current is None or current.is_ready:
        return Note.Status.PUBLISHED
    if current.state == NoteClip.State.FAILED:
        raise _video_error(
            _("The video could not be processed: choose another video or remove it.")
        )
    return Note.Status.PROCESSING


@rate_limited("write")
def update_note(
    viewer: User,
    note_id: int,
    *,
    title: str | None = None,
    body: str | None = None,
    topics: Iterable[str] | None = None,
    visibility: str | None = None,
    status: str | None = None,
    image_order: list[int] | None = None,
    new_images: list[ImageInput] | None = None,
    image_ai: dict[int, bool] | None = None,
    clip: ClipInput | None = None,
    remove_clip: bool = False,
    clip_ai_generated: bool | None = None,
    clip_alt_text: str | None = None,
    captions: bytes | str | None = None,
    remove_captions: bool = False,
) -> Note:
    """Edit the viewer's note (text, topics, visibility, photos and their AI labels, the
    clip's label and captions; the clip itself until the note is published) or publish a
    draft (once its clip is ready)."""
    new_images = new_images or []
    _check_count(len(new_images))
    note = get_own_note(viewer, note_id)
    existing = {img.pk: img for img in note.images.all()}
    keep = list(existing) if image_order is None else list(dict.fromkeys(image_order))
    plan = _plan_clip_edit(viewer, note, clip, remove_clip, captions, remove_captions)
    new_title, new_body = _check_edit(
        note,
        note.title if title is None else title,
        note.body if body is None else body,
        visibility,
        status,
        keep,
        set(existing),
        len(new_images),
        plan.will_have_clip,
    )
    next_status = _next_status(note, status, plan)
    publishing = next_status == Note.Status.PUBLISHED and not note.is_published
    checked = _check_images(viewer, new_images)
    removed = [img for pk, img in existing.items() if pk not in keep]
    claimed = uploads.claim_upload(viewer, plan.upload.pk) if plan.upload is not None else None
    try:
        with transaction.atomic():
            text_changed = new_title != note.title or new_body != note.body
            note.title, note.body = new_title, new_body
            if text_changed:
                note.language = None
            if visibility is not None:
                note.visibility = visibility
            note.status = next_status
            if publishing:
                note.published_at = timezone.now()
            note.save()
            _reorder_images(note, keep, removed)
            _label_images(existing, image_ai)
            _attach_images(note, list(zip(checked, new_images, strict=True)), start=len(keep))
            gone, captions_changed = _apply_clip_edit(
                note, plan, claimed, clip, remove_captions, clip_ai_generated, clip_alt_text
            )
            topic_objs, retagged = _retag(note, new_body, topics, body is not None)
            if publishing:
                on_published(note, topic_objs)
            elif note.is_published and (text_changed or retagged or captions_changed):
                changed = {"text"} if text_changed else set()
                changed |= {"topics"} if retagged else set()
                changed |= {"captions"} if captions_changed else set()
                signals.note_edited.send(sender=Note, note_id=note.pk, changed=changed)
    finally:
        if claimed is not None:
            claimed.path.unlink(missing_ok=True)
    transaction.on_commit(lambda: delete_media(media_paths_for_images(removed)))
    if gone:
        transaction.on_commit(lambda: clips.delete_clip_files(gone))
    return note


@rate_limited("write")
def delete_note(viewer: User, note_id: int) -> None:
    note = get_own_note(viewer, note_id)
    paths = media_paths_for_notes([note])
    sources = clip_sources_for_notes([note])
    with transaction.atomic():
        if note.is_published:
            User.objects.filter(pk=note.author_id, note_count__gt=0).update(
                note_count=F("note_count") - 1
            )
            Topic.objects.filter(notes=note, note_count__gt=0).update(
                note_count=F("note_count") - 1
            )
        signals.note_deleting.send(sender=Note, note_id=note.pk)
        note.delete()
    transaction.on_commit(lambda: delete_media(paths))
    transaction.on_commit(lambda: delete_clip_sources(sources))


def set_removed(note_id: int, removed: bool) -> bool:
    """Hide a note from everyone but its author, or show it again (moderation's decision;
    the caller has checked the moderator). Returns whether anything changed."""
    return bool(
        Note.objects.filter(pk=note_id).exclude(is_removed=removed).update(is_removed=removed)
    )


def record_open(viewer: User | None, note: Note, *, surface: str = "") -> None:
    """A note opened (page or overlay): its view count, and an `open` event for the
    recommender when someone other than the author opened it."""
    try:
        Note.objects.filter(pk=note.pk).update(view_count=F("view_count") + 1)
        if viewer is not None and viewer.pk != note.author_id:
            log_events(
                viewer.pk,
                [EventIn(kind="open", note_id=note.pk, author_id=note.author_id, surface=surface)],
            )
    except DatabaseError:  # best effort: the page still shows
        logger.warning("could not log an open", exc_info=True)

"""Note use cases: compose, edit, delete, and who may see what."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Invalid, TooLarge
from qiao.core.media import image_policy, rejection_message
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
)
from qiao.events.services import EventIn, log_events
from qiao.notes import signals
from qiao.notes.access import get_own_note
from qiao.notes.media import (
    delete_media,
    media_paths_for_images,
    media_paths_for_notes,
)
from qiao.notes.models import BODY_MAX, MAX_IMAGES, TITLE_MAX, Note, NoteImage, Topic
from qiao.notes.tasks import render_image_variants

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
    too_big = [_label(item, i) for i, item in enumerate(images, start=1)
               if item.size is not None and item.size > policy.max_bytes]
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
        raise Invalid(_("Some photos could not be used."), code="bad_image",
                      fields={"images": errors})
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
        raise Invalid(_("Some photos could not be used."), code="bad_image",
                      fields={"images": errors})
    return checked


def check_images(author: User, images: list[ImageInput]) -> list[CheckedImage]:
    """The photo checks every photo upload goes through, notes and direct messages alike:
    sizes, headers, the request's pixels and the member's hourly budget, then decoding
    (EXIF and GPS stripped in the clean JPEG). Raises TooLarge, Invalid or RateLimited."""
    return _check_images(author, images)


def _resolve_topics(body: str, chosen: Iterable[str]) -> list[Topic]:
    names = list(dict.fromkeys(
        [t for t in (normalize_topic(c) for c in chosen) if t] + extract_topics(body)
    ))[:20]
    topics = []
    for name in names:
        topic, _created = Topic.objects.get_or_create(name=name)
        topics.append(topic)
    return topics


@rate_limited("write")
def create_note(
    author: User, *, title: str, body: str = "", images: list[ImageInput],
    topics: Iterable[str] = (), visibility: str = Note.Visibility.PUBLIC,
    status: str = Note.Status.PUBLISHED,
) -> Note:
    title, body, errors = _validate_text(title, body)
    if visibility not in Note.Visibility.values:
        errors["visibility"] = [_("Choose public, followers or only me.")]
    if status not in Note.Status.values:
        errors["status"] = [_("Unknown status.")]
    _check_count(len(images))
    if status == Note.Status.PUBLISHED and not images:
        errors["images"] = [_("Add at least one photo.")]
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), fields=errors)
    checked = _check_images(author, images)
    now = timezone.now()
    with transaction.atomic():
        note = Note.objects.create(
            author=author, title=title, body=body, visibility=visibility, status=status,
            published_at=now if status == Note.Status.PUBLISHED else None,
        )
        _attach_images(note, list(zip(checked, images, strict=True)), start=0)
        topic_objs = _resolve_topics(body, topics)
        note.topics.set(topic_objs)
        if status == Note.Status.PUBLISHED:
            _on_published(note, topic_objs)
    return note


def _attach_images(note: Note, pairs: list[tuple[CheckedImage, ImageInput]], start: int
                   ) -> None:
    for offset, (checked, item) in enumerate(pairs):
        key = uuid.uuid4().hex
        path = default_storage.save(f"notes/{note.pk}/{key}.jpg", ContentFile(checked.clean_jpeg))
        image = NoteImage.objects.create(
            note=note, position=start + offset, original=path,
            width=checked.width, height=checked.height, blurhash=checked.blurhash,
            dominant_color=checked.dominant_color, phash=checked.phash,
            alt_text=normalize(item.alt_text)[:ALT_MAX],
            ai_generated=checked.ai_generated or item.ai_generated,
        )
        enqueue_on_commit(render_image_variants, image.pk)


def _on_published(note: Note, topics: list[Topic]) -> None:
    User.objects.filter(pk=note.author_id).update(note_count=F("note_count") + 1)
    Topic.objects.filter(pk__in=[t.pk for t in topics]).update(note_count=F("note_count") + 1)
    signals.note_published.send(sender=Note, note_id=note.pk)


def _check_edit(note: Note, title: str, body: str, visibility: str | None,
                status: str | None, keep: list[int], existing: set[int], adding: int
                ) -> tuple[str, str]:
    """The edit's cleaned title and body, or Invalid with every field's problem."""
    new_title, new_body, errors = _validate_text(title, body)
    if visibility is not None and visibility not in Note.Visibility.values:
        errors["visibility"] = [_("Choose public, followers or only me.")]
    if status is not None and status not in Note.Status.values:
        errors["status"] = [_("Unknown status.")]
    if status == Note.Status.DRAFT and note.is_published:
        errors["status"] = [_("A published note cannot go back to being a draft.")]
    if set(keep) - existing:
        errors["image_order"] = [_("Unknown photo.")]
    total = len(keep) + adding
    if total > MAX_IMAGES:
        errors["images"] = [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]
    publishing = status == Note.Status.PUBLISHED and not note.is_published
    if (note.is_published or publishing) and total == 0:
        errors["images"] = [_("Add at least one photo.")]
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


def _retag(note: Note, body: str, topics: Iterable[str] | None, text_edited: bool
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
            note_count=F("note_count") - 1)
    return topic_objs, before != after


@rate_limited("write")
def update_note(
    viewer: User, note_id: int, *, title: str | None = None, body: str | None = None,
    topics: Iterable[str] | None = None, visibility: str | None = None,
    status: str | None = None, image_order: list[int] | None = None,
    new_images: list[ImageInput] | None = None,
) -> Note:
    """Edit the viewer's note (text, topics, visibility, photos) or publish a draft."""
    new_images = new_images or []
    _check_count(len(new_images))
    note = get_own_note(viewer, note_id)
    existing = {img.pk: img for img in note.images.all()}
    keep = list(existing) if image_order is None else list(dict.fromkeys(image_order))
    new_title, new_body = _check_edit(
        note, note.title if title is None else title, note.body if body is None else body,
        visibility, status, keep, set(existing), len(new_images))
    publishing = status == Note.Status.PUBLISHED and not note.is_published
    checked = _check_images(viewer, new_images)
    removed = [img for pk, img in existing.items() if pk not in keep]
    with transaction.atomic():
        text_changed = new_title != note.title or new_body != note.body
        note.title, note.body = new_title, new_body
        if text_changed:
            note.language = None
        if visibility is not None:
            note.visibility = visibility
        if publishing:
            note.status = Note.Status.PUBLISHED
            note.published_at = timezone.now()
        note.save()
        _reorder_images(note, keep, removed)
        _attach_images(note, list(zip(checked, new_images, strict=True)), start=len(keep))
        topic_objs, retagged = _retag(note, new_body, topics, body is not None)
        if publishing:
            _on_published(note, topic_objs)
        elif note.is_published and (text_changed or retagged):
            changed = {"text"} if text_changed else set()
            changed |= {"topics"} if retagged else set()
            signals.note_edited.send(sender=Note, note_id=note.pk, changed=changed)
    transaction.on_commit(lambda: delete_media(media_paths_for_images(removed)))
    return note


@rate_limited("write")
def delete_note(viewer: User, note_id: int) -> None:
    note = get_own_note(viewer, note_id)
    paths = media_paths_for_notes([note])
    with transaction.atomic():
        if note.is_published:
            User.objects.filter(pk=note.author_id, note_count__gt=0).update(
                note_count=F("note_count") - 1)
            Topic.objects.filter(notes=note, note_count__gt=0).update(
                note_count=F("note_count") - 1)
        signals.note_deleting.send(sender=Note, note_id=note.pk)
        note.delete()
    transaction.on_commit(lambda: delete_media(paths))


def set_removed(note_id: int, removed: bool) -> bool:
    """Hide a note from everyone but its author, or show it again (moderation's decision;
    the caller has checked the moderator). Returns whether anything changed."""
    return bool(Note.objects.filter(pk=note_id).exclude(is_removed=removed)
                .update(is_removed=removed))


def record_open(viewer: User | None, note: Note, *, surface: str = "") -> None:
    """A note opened (page or overlay): its view count, and an `open` event for the
    recommender when someone other than the author opened it."""
    try:
        Note.objects.filter(pk=note.pk).update(view_count=F("view_count") + 1)
        if viewer is not None and viewer.pk != note.author_id:
            log_events(viewer.pk, [EventIn(kind="open", note_id=note.pk,
                                           author_id=note.author_id, surface=surface)])
    except DatabaseError:  # best effort: the page still shows
        logger.warning("could not log an open", exc_info=True)

"""Notes over JSON: list, create (multipart with photos), read, edit, delete."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from qiao.accounts import access as accounts_access
from qiao.api import schemas as s
from qiao.api.auth import current_user, require_user
from qiao.api.errors import ERRORS
from qiao.engines.media.captions import CaptionPolicy
from qiao.notes import access, read, services
from qiao.notes.models import Note
from qiao.social import read as social_read

router = Router(tags=["notes"])


@router.get("/about/photos", response={200: list[s.PhotoCreditOut], **ERRORS})
def about_photos(request: HttpRequest, lang: s.Language | None = None) -> list[Any]:
    """Credits of the photographs shipped with Qiao (the demo community's): author, licence,
    the registry package each came from, and alt text in `lang` (default: English)."""
    from qiao.notes.credits import photo_credits

    return [s.PhotoCreditOut.of(c) for c in photo_credits(lang or "en")]


def _one(
    viewer: Any, note_id: int, *, lang: str | None = None, translate_now: bool = False
) -> dict[str, Any]:
    note = access.get_note_for(viewer, note_id)
    [view] = social_read.note_views(
        [note], viewer, lang=lang, translate_now=translate_now, captions=True
    )
    return s.NoteOut.of(view)


@router.get("/notes", response={200: s.NotePage, **ERRORS})
def list_notes(
    request: HttpRequest,
    author: str | None = None,
    topic: str | None = None,
    cursor: str | None = None,
    limit: s.Limit = 20,
    lang: s.Language | None = None,
) -> dict[str, Any]:
    """Newest published notes the caller may see, optionally by author or topic. With `lang`
    (e.g. `en`), notes in other languages carry their stored translation."""
    viewer = current_user(request)
    owner = accounts_access.get_user(author, viewer) if author else None
    rows, nxt = read.list_notes(viewer, author=owner, topic=topic, cursor=cursor, limit=limit)
    return {
        "items": [s.NoteOut.of(v) for v in social_read.note_views(rows, viewer, lang=lang)],
        "next_cursor": nxt,
    }


@router.post("/notes", response={201: s.NoteOut, **ERRORS})
def create_note(
    request: HttpRequest,
    title: Form[str],
    images: File[list[UploadedFile]] = None,  # type: ignore[assignment] # ninja: optional file
    body: Form[str] = "",
    topics: Form[str] = "",
    visibility: Form[str] = Note.Visibility.PUBLIC,
    status: Form[str] = Note.Status.PUBLISHED,
    alt_texts: Form[list[str]] = None,  # type: ignore[assignment] # ninja: optional list
    ai_generated_images: Form[list[int]] = None,  # type: ignore[assignment] # optional list
    video_upload: Form[str] = "",
    video: File[UploadedFile] = None,  # type: ignore[assignment] # ninja: optional file
    video_ai_generated: Form[bool] = False,
    video_alt_text: Form[str] = "",
    captions: Form[str] = "",
    captions_file: File[UploadedFile] = None,  # type: ignore[assignment] # optional file
) -> Status[dict[str, Any]]:
    """Create a note from multipart form data: 0–9 `images` (in order) and/or one video —
    `video_upload`, the id of a finished resumable upload (`/uploads`), or a `video` file —
    with `title`, `body`, comma-separated `topics`, `visibility` and `status` (`draft` to
    save a draft). `ai_generated_images` lists the positions (0-based) of photos the author
    labels AI-generated, `video_ai_generated` labels the clip. Captions: `captions` (WebVTT,
    SRT, or lines like `0:05 Hello`) or a `captions_file`. A note with a video answers
    `status: "processing"` and is published when its video is ready."""
    user = require_user(request)
    alts = list(alt_texts or [])
    labelled = set(ai_generated_images or [])
    inputs = [
        services.ImageInput(
            upload=u,
            filename=u.name or "",
            alt_text=alts[i] if i < len(alts) else "",
            ai_generated=i in labelled,
        )
        for i, u in enumerate(images or [])
    ]
    clip = None
    if video_upload or video is not None:
        clip = services.ClipInput(
            upload_id=video_upload or None,
            upload=video,
            ai_generated=video_ai_generated,
            alt_text=video_alt_text,
        )
    note = services.create_note(
        user,
        title=title,
        body=body,
        images=inputs,
        topics=[t for t in topics.split(",") if t.strip()],
        visibility=visibility,
        status=status,
        clip=clip,
        captions=_captions(captions, captions_file),
    )
    return Status(201, _one(user, note.pk))


def _captions(text: str, file: UploadedFile | None) -> bytes | str | None:
    if file is not None:  # one byte over the limit is enough for the engine to refuse it
        return bytes(file.read(CaptionPolicy().max_bytes + 1))
    return text or None


@router.get("/notes/{id:note_id}", response={200: s.NoteOut, **ERRORS})
def get_note(request: HttpRequest, note_id: int, lang: s.Language | None = None) -> dict[str, Any]:
    """One note. With `lang`, it carries a translation into that language (made now if
    needed; `translation` is null when no engine can translate)."""
    return _one(current_user(request), note_id, lang=lang, translate_now=True)


@router.patch("/notes/{id:note_id}", response={200: s.NoteOut, **ERRORS})
def update_note(request: HttpRequest, note_id: int, payload: s.NotePatch) -> dict[str, Any]:
    """Edit a note. Besides text, topics, visibility and photo order: the photos' and the
    clip's AI-generated labels, the clip's alt text, its captions (`captions`,
    `remove_captions`), and — until the note is published — a new clip (`video_upload`) or
    none (`remove_video`). Publishing a draft whose clip is still being processed answers
    `status: "processing"`."""
    user = require_user(request)
    args = payload.dict(exclude_unset=True)
    video_upload = args.pop("video_upload", None)
    if "images_ai_generated" in args:
        args["image_ai"] = args.pop("images_ai_generated")
    for field, name in (
        ("remove_video", "remove_clip"),
        ("video_ai_generated", "clip_ai_generated"),
        ("video_alt_text", "clip_alt_text"),
    ):
        if field in args:
            args[name] = args.pop(field)
    if video_upload:
        args["clip"] = services.ClipInput(upload_id=video_upload)
    note = services.update_note(user, note_id, **args)
    return _one(user, note.pk)


@router.post("/notes/{id:note_id}/captions", response={200: s.NoteOut, **ERRORS})
def upload_captions(request: HttpRequest, note_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    """Replace the clip's captions with a WebVTT or SRT file (multipart `file`)."""
    user = require_user(request)
    note = services.update_note(user, note_id, captions=_captions("", file))
    return _one(user, note.pk)


@router.post("/notes/{id:note_id}/images", response={200: s.NoteOut, **ERRORS})
def add_images(
    request: HttpRequest, note_id: int, images: File[list[UploadedFile]]
) -> dict[str, Any]:
    user = require_user(request)
    inputs = [services.ImageInput(upload=u, filename=u.name or "") for u in images]
    note = services.update_note(user, note_id, new_images=inputs)
    return _one(user, note.pk)


@router.delete("/notes/{id:note_id}", response={204: None, **ERRORS})
def delete_note(request: HttpRequest, note_id: int) -> Status[None]:
    services.delete_note(require_user(request), note_id)
    return Status(204, None)

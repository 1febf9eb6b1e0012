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
from qiao.notes import access, read, services
from qiao.notes.models import Note
from qiao.social import read as social_read

router = Router(tags=["notes"])


def _one(viewer: Any, note_id: int, *, lang: str | None = None,
         translate_now: bool = False) -> dict[str, Any]:
    note = access.get_note_for(viewer, note_id)
    [view] = social_read.note_views([note], viewer, lang=lang, translate_now=translate_now)
    return s.NoteOut.of(view)


@router.get("/notes", response={200: s.NotePage, **ERRORS})
def list_notes(request: HttpRequest, author: str | None = None, topic: str | None = None,
               cursor: str | None = None, limit: s.Limit = 20, lang: s.Language | None = None
               ) -> dict[str, Any]:
    """Newest published notes the caller may see, optionally by author or topic. With `lang`
    (e.g. `en`), notes in other languages carry their stored translation."""
    viewer = current_user(request)
    owner = accounts_access.get_user(author, viewer) if author else None
    rows, nxt = read.list_notes(viewer, author=owner, topic=topic, cursor=cursor, limit=limit)
    return {"items": [s.NoteOut.of(v) for v in social_read.note_views(rows, viewer, lang=lang)],
            "next_cursor": nxt}


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
) -> Status[dict[str, Any]]:
    """Create a note from multipart form data: 1–9 `images` (in order), `title`, `body`,
    comma-separated `topics`, `visibility` and `status` (`draft` to save a draft)."""
    user = require_user(request)
    alts = list(alt_texts or [])
    inputs = [services.ImageInput(upload=u, filename=u.name or "",
                                  alt_text=alts[i] if i < len(alts) else "")
              for i, u in enumerate(images or [])]
    note = services.create_note(
        user, title=title, body=body, images=inputs,
        topics=[t for t in topics.split(",") if t.strip()],
        visibility=visibility, status=status,
    )
    return Status(201, _one(user, note.pk))


@router.get("/notes/{id:note_id}", response={200: s.NoteOut, **ERRORS})
def get_note(request: HttpRequest, note_id: int, lang: s.Language | None = None
             ) -> dict[str, Any]:
    """One note. With `lang`, it carries a translation into that language (made now if
    needed; `translation` is null when no engine can translate)."""
    return _one(current_user(request), note_id, lang=lang, translate_now=True)


@router.patch("/notes/{id:note_id}", response={200: s.NoteOut, **ERRORS})
def update_note(request: HttpRequest, note_id: int, payload: s.NotePatch) -> dict[str, Any]:
    user = require_user(request)
    note = services.update_note(user, note_id, **payload.dict(exclude_unset=True))
    return _one(user, note.pk)


@router.post("/notes/{id:note_id}/images", response={200: s.NoteOut, **ERRORS})
def add_images(request: HttpRequest, note_id: int, images: File[list[UploadedFile]]
               ) -> dict[str, Any]:
    user = require_user(request)
    inputs = [services.ImageInput(upload=u, filename=u.name or "") for u in images]
    note = services.update_note(user, note_id, new_images=inputs)
    return _one(user, note.pk)


@router.delete("/notes/{id:note_id}", response={204: None, **ERRORS})
def delete_note(request: HttpRequest, note_id: int) -> Status[None]:
    services.delete_note(require_user(request), note_id)
    return Status(204, None)

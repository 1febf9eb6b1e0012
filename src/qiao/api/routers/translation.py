"""Translation endpoints: free text, notes, comments, bios, author versions, word look-up."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from qiao.accounts.access import get_user
from qiao.api import schemas as s
from qiao.api.auth import current_user, require_user
from qiao.api.errors import ERRORS
from qiao.api.schemas import NoteTranslation as NoteTranslationOut
from qiao.core.errors import Invalid, NotFound
from qiao.notes.access import get_note_for
from qiao.social import read as social_read
from qiao.translation import services as tr

router = Router(tags=["translation"])
MAX_TRANSLATE_CHARS = 5000


class TranslateIn(Schema):
    text: s.TranslateText
    target: s.Language
    source: s.Language | None = None


class TranslateOut(Schema):
    text: str
    source: str
    target: str
    engine: str
    model_version: str
    cached: bool


class TextTranslationOut(Schema):
    text: str
    source: str
    source_name: str
    target: str
    engine: str


class VersionIn(Schema):
    title: s.VersionTitle
    body: s.NoteBody = ""


class PrefillOut(Schema):
    title: str
    body: str
    machine: bool
    stale: bool = Field(False, description="the author's own version was written before "
                                           "the original's last edit")


class EquivalentOut(Schema):
    word: str
    pinyin: str
    meaning: str


class WordOut(Schema):
    word: str
    start: int
    end: int
    pinyin: str
    meanings: list[str]
    traditional: str
    equivalents: list[EquivalentOut]


class StatusOut(Schema):
    ready: bool
    message: str


@router.post("/translate", response={200: TranslateOut, **ERRORS})
def translate(request: HttpRequest, payload: TranslateIn) -> dict[str, Any]:
    """Translate free text (≤ 5,000 characters) into `target` (`zh` or `en`)."""
    user = require_user(request)
    text = payload.text.strip()
    if not text:
        raise Invalid(_("Nothing to translate."), code="empty", fields={"text": [_("Required.")]})
    if len(text) > MAX_TRANSLATE_CHARS:
        raise Invalid(_("At most %(n)d characters.") % {"n": MAX_TRANSLATE_CHARS},
                      code="too_long", fields={"text": [_("Too long.")]})
    target = tr.target_for(None, payload.target)
    if payload.source:
        tr.target_for(None, payload.source)  # validates the code
    result = tr.translate_text(text, target, payload.source, reader=user)
    return {"text": result.text, "source": result.source, "target": result.target,
            "engine": result.engine, "model_version": result.model_version,
            "cached": result.cached}


@router.get("/translate/status", response=StatusOut)
def status(request: HttpRequest) -> dict[str, Any]:
    return {"ready": tr.is_ready(), "message": tr.status_message()}


@router.get("/notes/{id:note_id}/translation",
            response={200: NoteTranslationOut, 204: None, **ERRORS})
def note_translation(request: HttpRequest, note_id: int, target: str | None = None) -> Any:
    """The note in the reader's language (204 when it already is, or nothing can translate)."""
    viewer = current_user(request)
    note = get_note_for(viewer, note_id)
    rendered = tr.note_for_reader(note, tr.target_for(viewer, target), reader=viewer)
    return rendered.as_dict() if rendered else Status(204, None)


@router.get("/notes/{id:note_id}/versions/{lang}/prefill",
            response={200: PrefillOut, **ERRORS})
def prefill(request: HttpRequest, note_id: int, lang: str) -> dict[str, Any]:
    """A machine draft for the author's own version in `lang` ("Add English version")."""
    return tr.prefill_version(require_user(request), note_id, lang)


@router.put("/notes/{id:note_id}/versions/{lang}",
            response={200: NoteTranslationOut, **ERRORS})
def save_version(request: HttpRequest, note_id: int, lang: str, payload: VersionIn
                 ) -> dict[str, Any]:
    version = tr.save_author_version(require_user(request), note_id, lang,
                                     title=payload.title, body=payload.body)
    return tr.rendered_version(version).as_dict()


@router.delete("/notes/{id:note_id}/versions/{lang}", response={204: None, **ERRORS})
def delete_version(request: HttpRequest, note_id: int, lang: str) -> Status[None]:
    tr.delete_author_version(require_user(request), note_id, lang)
    return Status(204, None)


@router.get("/comments/{id:comment_id}/translation",
            response={200: TextTranslationOut, **ERRORS})
def comment_translation(request: HttpRequest, comment_id: int, target: str | None = None
                        ) -> dict[str, Any]:
    viewer = current_user(request)
    return social_read.comment_for_reader(viewer, comment_id, tr.target_for(viewer, target))


@router.get("/users/{username}/bio/translation",
            response={200: TextTranslationOut, **ERRORS})
def bio_translation(request: HttpRequest, username: str, target: str | None = None
                    ) -> dict[str, Any]:
    viewer = current_user(request)
    user = get_user(username, viewer)
    if not user.bio:
        raise NotFound(_("This user has no bio."))
    return tr.text_for_reader(user.bio, user.bio_language, tr.target_for(viewer, target),
                              reader=viewer)


@router.get("/lookup", response={200: list[WordOut], **ERRORS})
def lookup(request: HttpRequest, text: str) -> list[dict[str, Any]]:
    """Word look-up for learners: pinyin and meanings of Chinese words, Chinese equivalents
    of English ones. Works with no translation model installed."""
    return tr.lookup(text)

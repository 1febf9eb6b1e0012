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
from qiao.fixes import read as fixes_read
from qiao.notes.access import get_note_for
from qiao.translation import services as tr
from qiao.translation.models import GlossaryTerm

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


class VersionIn(Schema):
    title: s.VersionTitle
    body: s.NoteBody = ""


class PrefillOut(Schema):
    title: str
    body: str
    machine: bool
    stale: bool = Field(
        False, description="the author's own version was written before the original's last edit"
    )


class EquivalentOut(Schema):
    word: str
    pinyin: str
    meaning: str


class ReadingOut(Schema):
    pinyin: str
    meanings: list[str]


class WordOut(Schema):
    word: str
    start: int
    end: int
    pinyin: str
    meanings: list[str]
    traditional: str
    equivalents: list[EquivalentOut]
    readings: list[ReadingOut] = Field(
        [],
        description="every common reading of a polyphonic character (长: zhǎng, cháng), "
        "the usual one first, each with its own senses",
    )
    glossary: list[str] = Field(
        [], description="the community glossary's fixed rendering(s), to show first"
    )


class PinyinSegmentOut(Schema):
    pinyin: str
    candidates: list[EquivalentOut]


class PinyinOut(Schema):
    text: str = Field(description="the most likely characters for the whole text")
    segments: list[PinyinSegmentOut]


class GlossaryTermOut(Schema):
    id: int
    zh: str
    zh_variants: list[str]
    en: str
    en_variants: list[str]
    kind: str
    note: str
    status: str
    source: str

    @staticmethod
    def of(t: GlossaryTerm) -> dict[str, Any]:
        return {
            "id": t.pk,
            "zh": t.zh,
            "zh_variants": list(t.zh_forms()[1:]),
            "en": t.en,
            "en_variants": list(t.en_forms()[1:]),
            "kind": t.kind,
            "note": t.note,
            "status": t.status,
            "source": t.source,
        }


class GlossaryPageOut(Schema):
    items: list[GlossaryTermOut]
    next_offset: int | None


class GlossaryTermIn(Schema):
    zh: str = Field(max_length=60)
    en: str = Field(max_length=100)
    zh_variants: list[str] = []
    en_variants: list[str] = []
    kind: str = "other"
    note: str = Field("", max_length=200)


class GlossaryTermPatch(Schema):
    zh: str | None = Field(None, max_length=60)
    en: str | None = Field(None, max_length=100)
    zh_variants: list[str] | None = None
    en_variants: list[str] | None = None
    kind: str | None = None
    note: str | None = Field(None, max_length=200)
    status: str | None = Field(
        None, description="active (approve a candidate), candidate or retired"
    )


class TextTranslationOut(Schema):
    text: str
    source: str
    source_name: str
    target: str
    engine: str
    suggested_by: str | None = Field(
        None,
        description="a reader's fix the author accepted (engine `community`): who suggested it",
    )


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
        raise Invalid(
            _("At most %(n)d characters.") % {"n": MAX_TRANSLATE_CHARS},
            code="too_long",
            fields={"text": [_("Too long.")]},
        )
    target = tr.target_for(None, payload.target)
    if payload.source:
        tr.target_for(None, payload.source)  # validates the code
    result = tr.translate_text(text, target, payload.source, reader=user)
    return {
        "text": result.text,
        "source": result.source,
        "target": result.target,
        "engine": result.engine,
        "model_version": result.model_version,
        "cached": result.cached,
    }


@router.get("/translate/status", response=StatusOut)
def status(request: HttpRequest) -> dict[str, Any]:
    return {"ready": tr.is_ready(), "message": tr.status_message()}


@router.get(
    "/notes/{id:note_id}/translation", response={200: NoteTranslationOut, 204: None, **ERRORS}
)
def note_translation(request: HttpRequest, note_id: int, target: str | None = None) -> Any:
    """The note in the reader's language (204 when it already is, or nothing can translate)."""
    viewer = current_user(request)
    note = get_note_for(viewer, note_id)
    rendered = tr.note_for_reader(note, tr.target_for(viewer, target), reader=viewer)
    if rendered is None:
        tr.refuse_untranslatable(note.language)  # pinyin, or a language the site lacks: 400
    return rendered.as_dict() if rendered else Status(204, None)


@router.get("/notes/{id:note_id}/versions/{lang}/prefill", response={200: PrefillOut, **ERRORS})
def prefill(request: HttpRequest, note_id: int, lang: str) -> dict[str, Any]:
    """A machine draft for the author's own version in `lang` ("Add English version")."""
    return tr.prefill_version(require_user(request), note_id, lang)


@router.put("/notes/{id:note_id}/versions/{lang}", response={200: NoteTranslationOut, **ERRORS})
def save_version(
    request: HttpRequest, note_id: int, lang: str, payload: VersionIn
) -> dict[str, Any]:
    version = tr.save_author_version(
        require_user(request), note_id, lang, title=payload.title, body=payload.body
    )
    return tr.rendered_version(version).as_dict()


@router.delete("/notes/{id:note_id}/versions/{lang}", response={204: None, **ERRORS})
def delete_version(request: HttpRequest, note_id: int, lang: str) -> Status[None]:
    tr.delete_author_version(require_user(request), note_id, lang)
    return Status(204, None)


@router.get("/comments/{id:comment_id}/translation", response={200: TextTranslationOut, **ERRORS})
def comment_translation(
    request: HttpRequest, comment_id: int, target: str | None = None
) -> dict[str, Any]:
    viewer = current_user(request)
    return fixes_read.comment_for_reader(viewer, comment_id, tr.target_for(viewer, target))


@router.get("/users/{username}/bio/translation", response={200: TextTranslationOut, **ERRORS})
def bio_translation(
    request: HttpRequest, username: str, target: str | None = None
) -> dict[str, Any]:
    viewer = current_user(request)
    user = get_user(username, viewer)
    if not user.bio:
        raise NotFound(_("This user has no bio."))
    return tr.text_for_reader(
        user.bio, user.bio_language, tr.target_for(viewer, target), reader=viewer
    )


@router.get("/lookup", response={200: list[WordOut], **ERRORS})
def lookup(request: HttpRequest, text: str) -> list[dict[str, Any]]:
    """Word look-up for learners: pinyin and meanings of Chinese words, Chinese equivalents
    of English ones. Works with no translation model installed."""
    return tr.lookup(text)


@router.get("/pinyin", response={200: PinyinOut, 400: Any})
def pinyin(request: HttpRequest, text: str) -> dict[str, Any]:
    """Chinese written in pinyin ("ni hao", "wo ai ni", "jiā yóu"), in characters: pinyin is
    never machine-translated (a note in pinyin has language `zh-Latn`); this is how a reader
    sees what it says. 400 `not_pinyin` when it does not read as pinyin."""
    return tr.pinyin_characters(text)


@router.get("/glossary", response={200: GlossaryPageOut, 400: Any})
def glossary(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    status: str = "active",
    offset: int = 0,
    limit: s.Limit = 50,
) -> dict[str, Any]:
    """The community glossary: terms every translation renders the same way, both ways.
    `status` `candidate` (terms readers' accepted fixes proposed) and `retired` are for
    moderators; others always get the terms in use."""
    rows, more = tr.glossary_terms(
        query=q, kind=kind, status=status, viewer=current_user(request), offset=offset, limit=limit
    )
    return {
        "items": [GlossaryTermOut.of(t) for t in rows],
        "next_offset": max(0, offset) + len(rows) if more else None,
    }


def _term_values(payload: GlossaryTermIn | GlossaryTermPatch) -> dict[str, Any]:
    values = payload.dict(exclude_unset=True)
    for key in ("zh_variants", "en_variants"):
        if values.get(key) is not None:
            values[key] = "|".join(values[key])
    return values


@router.post("/glossary", response={201: GlossaryTermOut, **ERRORS})
def add_term(request: HttpRequest, payload: GlossaryTermIn) -> Status[dict[str, Any]]:
    """Add a term (moderators). It is used at once by every engine, the look-up and
    search."""
    term = tr.add_term(require_user(request), **_term_values(payload))
    return Status(201, GlossaryTermOut.of(term))


@router.get("/glossary/{int:term_id}", response={200: GlossaryTermOut, 404: Any})
def get_term(request: HttpRequest, term_id: int) -> dict[str, Any]:
    return GlossaryTermOut.of(tr.get_term(term_id, viewer=current_user(request)))


@router.patch("/glossary/{int:term_id}", response={200: GlossaryTermOut, **ERRORS})
def update_term(request: HttpRequest, term_id: int, payload: GlossaryTermPatch) -> dict[str, Any]:
    """Change a term, or approve a candidate with `{"status": "active"}` (moderators)."""
    return GlossaryTermOut.of(
        tr.update_term(require_user(request), term_id, **_term_values(payload))
    )


@router.delete("/glossary/{int:term_id}", response={204: None, **ERRORS})
def retire_term(request: HttpRequest, term_id: int) -> Status[None]:
    """Take a term out of use (moderators); it is kept as retired."""
    tr.retire_term(require_user(request), term_id)
    return Status(204, None)

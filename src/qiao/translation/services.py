"""Translation use cases: detect languages, translate notes ahead of time, serve readers.

Posting and reading never fail because translation did: every failure ends in "show the
original" plus, for notes, a retry later (`PendingTranslation`).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts import services as accounts
from qiao.accounts.models import User
from qiao.core.errors import Invalid, Unavailable
from qiao.core.ratelimit import limit, rate_limited
from qiao.core.text import clean
from qiao.engines.translate import (
    InMemoryLRUCache,
    TranslationInputError,
    TranslationResult,
    TranslationService,
    TranslationUnavailable,
    build_service_from_config,
    detect_language,
    lookup_words,
    translation_status,
)
from qiao.engines.translate.base import base_language
from qiao.notes.access import get_own_note
from qiao.notes.models import BODY_MAX, TITLE_MAX, Note
from qiao.translation.cache import DatabaseTranslationCache, prune
from qiao.translation.models import NoteVersion, PendingTranslation

logger = logging.getLogger(__name__)

LANGUAGE_NAMES = {"zh": "Chinese", "en": "English", "ja": "Japanese", "ko": "Korean",
                  "fr": "French", "de": "German", "es": "Spanish"}


# --- the engine, built once from settings ---------------------------------------------

def models_dir() -> Path:
    return Path(settings.QIAO_MODELS_DIR) / "translate"


@functools.lru_cache(maxsize=1)
def get_service() -> TranslationService:
    return build_service_from_config(
        engines=settings.QIAO_TRANSLATE_ENGINES,
        models_dir=models_dir(),
        cache=DatabaseTranslationCache(),
        languages=settings.QIAO_CONTENT_LANGUAGES,
        timeout=settings.QIAO_TRANSLATE_TIMEOUT,
        threads=settings.QIAO_TRANSLATE_THREADS,
        libretranslate_url=settings.QIAO_LIBRETRANSLATE_URL or None,
        libretranslate_api_key=settings.QIAO_LIBRETRANSLATE_API_KEY or None,
        openai_base_url=settings.QIAO_TRANSLATE_OPENAI_URL or None,
        openai_model=settings.QIAO_TRANSLATE_OPENAI_MODEL or None,
        openai_api_key=settings.QIAO_TRANSLATE_OPENAI_API_KEY or None,
    )


def reset_service() -> None:
    """Forget the built service and what it remembered in memory (after installing models or
    changing settings)."""
    get_service.cache_clear()
    _NOTE_TEXTS.clear()


def status_message() -> str:
    status = translation_status(models_dir())
    service = get_service()
    extra = "; ".join(f"{k}: {v}" for k, v in service.notes.items())
    return status.message + (f" Engines: {extra}." if extra else "")


def is_ready_safely() -> bool:
    """`is_ready`, False rather than an error (for pages that only mention it)."""
    try:
        return is_ready()
    except Exception:
        logger.warning("could not tell whether translation is ready", exc_info=True)
        return False


def is_ready() -> bool:
    service = get_service()
    langs = settings.QIAO_CONTENT_LANGUAGES
    return any(service.can_translate(a, b) for a in langs for b in langs if a != b)


# --- languages -------------------------------------------------------------------------

def detect(text: str) -> str:
    """The language of `text` ("und" when it has no real words, e.g. only emoji)."""
    if not (text or "").strip():
        return "und"
    try:
        return detect_language(text, settings.QIAO_CONTENT_LANGUAGES)
    except Exception:
        logger.warning("language detection failed", exc_info=True)
        return "und"


def reader_languages(viewer: User | None) -> list[str]:
    """Languages the viewer reads, best first (profile, else the interface language)."""
    if viewer is not None and viewer.read_languages:
        return [base_language(x) for x in viewer.read_languages]
    from django.utils import translation as dj_translation

    return [base_language(dj_translation.get_language() or "en")]


def needs_translation(viewer: User | None, language: str | None) -> bool:
    if not language or language == "und":
        return False
    return base_language(language) not in reader_languages(viewer)


def target_for(viewer: User | None, requested: str | None = None) -> str:
    if requested:
        target = base_language(requested)
        if target not in settings.QIAO_CONTENT_LANGUAGES:
            raise Invalid(_("Unsupported language: %(code)s") % {"code": requested},
                          code="unsupported_language")
        return target
    return reader_languages(viewer)[0]


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(base_language(code or ""), code or "?")


# --- plain text (API) -----------------------------------------------------------------

def translate_text(text: str, target: str, source: str | None = None, *,
                   reader: User | None = None) -> TranslationResult:
    """`text` in `target`. A reader's request counts against their translation rate limit
    (and their address's), whichever page or API call made it."""
    limit("translate", reader.pk if reader is not None else None)
    source = source or detect(text)
    if source == "und":
        raise Invalid(_("Could not tell which language this is."), code="unknown_language")
    if base_language(source) == base_language(target):
        return TranslationResult(text, source, target, "identity", "", True)
    try:
        return get_service().translate_one(text, source, target)
    except TranslationInputError as exc:
        raise Invalid(str(exc), code="bad_translation_request") from exc
    except TranslationUnavailable as exc:
        raise Unavailable(_("Translation is unavailable right now."),
                          code="translation_unavailable") from exc


# --- notes ----------------------------------------------------------------------------

@dataclass
class Rendered:
    """What a reader is shown in place of the original."""

    title: str
    body: str
    source: str
    target: str
    is_machine: bool
    engine: str

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "body": self.body, "source": self.source,
                "target": self.target, "machine": self.is_machine, "engine": self.engine,
                "source_name": language_name(self.source)}


def rendered_version(v: NoteVersion) -> Rendered:
    return Rendered(v.title, v.body, v.source_language, v.language, v.is_machine, v.engine)


def stored_versions(notes: list[Note], target: str) -> dict[int, Rendered]:
    """Translations already made for these notes (no engine call: safe for lists)."""
    out: dict[int, Rendered] = {}
    rows = NoteVersion.objects.filter(note_id__in=[n.pk for n in notes], language=target)
    for v in rows.order_by("is_machine"):  # human versions first
        out.setdefault(v.note_id, rendered_version(v))
    return out


def note_for_reader(note: Note, target: str, *, translate_now: bool = True,
                    reader: User | None = None) -> Rendered | None:
    """The note in `target`: the author's version, a stored or cached machine one, or a new
    translation (when `translate_now`). None when the note is already in that language or no
    engine can translate it."""
    if note.language in (None, "und") or base_language(note.language) == target:
        human = NoteVersion.objects.filter(note=note, language=target, is_machine=False).first()
        return rendered_version(human) if human else None
    existing = stored_versions([note], target).get(note.pk)
    if existing is not None or not translate_now:
        return existing
    limit("translate", reader.pk if reader is not None else None)
    try:
        version = _machine_version(note, target)
    except (TranslationUnavailable, TranslationInputError):
        return None
    return rendered_version(version)


#: Note translations are kept with the note (`NoteVersion`); the engine's cache for them is
#: this process-local LRU only, so no translation is stored twice.
_NOTE_TEXTS = InMemoryLRUCache(maxsize=2_000)


def _machine_version(note: Note, target: str) -> NoteVersion:
    source = note.language or detect(f"{note.title}\n{note.body}")
    texts = [note.title] + ([note.body] if note.body else [])
    results = get_service().translate(texts, source, target, cache=_NOTE_TEXTS)
    version, _created = NoteVersion.objects.update_or_create(
        note=note, language=target, is_machine=True,
        defaults={"title": results[0].text[:200],
                  "body": results[1].text if len(results) > 1 else "",
                  "engine": results[0].engine, "model_version": results[0].model_version,
                  "source_language": source},
    )
    return version


def process_note(note_id: int) -> str:
    """Background job after a note is published or edited: detect its language, then
    translate it into the platform's other main languages. Returns what happened."""
    note = Note.objects.filter(pk=note_id).first()
    if note is None:
        return "gone"
    language = detect(f"{note.title}\n{note.body}")
    if language != note.language:
        Note.objects.filter(pk=note.pk).update(language=language)
        note.language = language
    if (language == "und" or not note.is_published
            or note.visibility != Note.Visibility.PUBLIC):
        return "detected"
    targets = [t for t in settings.QIAO_CONTENT_LANGUAGES if t != base_language(language)]
    done = 0
    for target in targets:
        if NoteVersion.objects.filter(note=note, language=target, is_machine=False).exists():
            continue
        try:
            _machine_version(note, target)
            done += 1
        except (TranslationUnavailable, TranslationInputError) as exc:
            _schedule_retry(note, str(exc))
            return "pending"
    PendingTranslation.objects.filter(note=note).delete()
    return f"translated:{done}"


def _schedule_retry(note: Note, error: str) -> None:
    pending, _c = PendingTranslation.objects.get_or_create(note=note)
    pending.attempts += 1
    delay = min(timedelta(minutes=5) * (2 ** min(pending.attempts - 1, 7)), timedelta(hours=6))
    pending.next_attempt_at = timezone.now() + delay
    pending.last_error = error[:300]
    pending.save()


def retry_pending(limit: int = 50) -> int:
    """Retry due notes whose translation failed, if an engine can translate now."""
    if not is_ready():
        return 0
    due = list(PendingTranslation.objects.filter(next_attempt_at__lte=timezone.now())
               .order_by("next_attempt_at").values_list("note_id", flat=True)[:limit])
    return sum(1 for nid in due if process_note(nid).startswith("translated"))


def original_edited(note_id: int) -> None:
    """The note's text changed: machine versions are dropped (they are made again); the
    author's own versions are kept but marked as written before the edit."""
    NoteVersion.objects.filter(note_id=note_id, is_machine=True).delete()
    NoteVersion.objects.filter(note_id=note_id, is_machine=False).update(stale=True)


def prefill_version(author: User, note_id: int, target: str) -> dict[str, str | bool]:
    """A machine translation for the author to edit into their own version."""
    note = get_own_note(author, note_id)
    target = target_for(author, target)
    existing = NoteVersion.objects.filter(note=note, language=target).order_by(
        "is_machine").first()
    if existing is not None:
        return {"title": existing.title, "body": existing.body, "machine": existing.is_machine,
                "stale": existing.stale}
    try:
        version = _machine_version(note, target)
    except TranslationUnavailable:
        return {"title": "", "body": "", "machine": False, "stale": False}
    return {"title": version.title, "body": version.body, "machine": True, "stale": False}


@rate_limited("write")
def save_author_version(author: User, note_id: int, language: str, *, title: str,
                        body: str) -> NoteVersion:
    """Store the author's own version of a note in another language (bilingual posting)."""
    note = get_own_note(author, note_id)
    language = target_for(author, language)
    title = clean(title, "title", max_length=TITLE_MAX)
    body = clean(body, "body", max_length=BODY_MAX, multiline=True)
    if not title:
        raise Invalid(_("Please correct the highlighted fields."),
                      fields={"title": [_("1–%(n)d characters.") % {"n": TITLE_MAX}]})
    if note.language and base_language(note.language) == language:
        raise Invalid(_("The note is already in that language."), code="same_language")
    with transaction.atomic():
        NoteVersion.objects.filter(note=note, language=language).delete()
        return NoteVersion.objects.create(note=note, language=language, title=title, body=body,
                                          is_machine=False, engine="author",
                                          source_language=note.language or "")


def has_author_version(note: Note, language: str) -> bool:
    return NoteVersion.objects.filter(note=note, language=language, is_machine=False).exists()


@rate_limited("write")
def delete_author_version(author: User, note_id: int, language: str) -> None:
    note = get_own_note(author, note_id)
    NoteVersion.objects.filter(note=note, language=language, is_machine=False).delete()


# --- bios -------------------------------------------------------------

def text_for_reader(text: str, language: str | None, target: str, *,
                    reader: User | None = None) -> dict[str, Any]:
    """A short text (a comment, a bio, a message) in `target`; raises Invalid/Unavailable."""
    source = language or detect(text)
    result = translate_text(text, target, source, reader=reader)
    return {"text": result.text, "source": source, "target": target, "engine": result.engine,
            "source_name": language_name(source)}


def bio_for_reader(user: User, target: str, *, reader: User | None = None) -> dict[str, Any]:
    return text_for_reader(user.bio, user.bio_language, target, reader=reader)


def detect_bio(user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        accounts.set_bio_language(user_id, detect(user.bio) if user.bio else None)


# --- keeping the stores small -----------------------------------------------------------


def forget_text(text: str, language: str | None) -> None:
    """Drop the stored translations of a text that is gone (a deleted comment or bio):
    deleted words must not live on in the cache."""
    if not text or not language or language == "und":
        return
    try:
        get_service().invalidate(text, language)
    except Exception:
        logger.warning("could not drop cached translations", exc_info=True)


def prune_cache() -> int:
    """Evict short-text translations unused for `QIAO_TRANSLATION_CACHE_DAYS`, and the least
    recently used beyond `QIAO_TRANSLATION_CACHE_MAX_ROWS` (a periodic job)."""
    return prune(unused_days=settings.QIAO_TRANSLATION_CACHE_DAYS,
                 max_rows=settings.QIAO_TRANSLATION_CACHE_MAX_ROWS)


# --- word look-up ---------------------------------------------------------------------

def lookup(text: str) -> list[dict[str, Any]]:
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Nothing to look up."), code="empty")
    if len(text) > 200:
        raise Invalid(_("Look up at most 200 characters at a time."), code="too_long")
    out = []
    for entry in lookup_words(text):
        if not entry.found:
            continue
        out.append({
            "word": entry.word, "start": entry.start, "end": entry.end, "pinyin": entry.pinyin,
            "meanings": list(entry.meanings), "traditional": entry.traditional,
            "equivalents": [{"word": e.word, "pinyin": e.pinyin, "meaning": e.meaning}
                            for e in entry.equivalents],
        })
    return out

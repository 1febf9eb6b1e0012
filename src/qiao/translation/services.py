"""Translation use cases: detect languages, translate notes ahead of time, serve readers.

Posting and reading never fail because translation did: every failure ends in "show the
original" plus, for notes, a retry later (`PendingTranslation`).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from qiao.accounts import services as accounts
from qiao.accounts.access import is_moderator
from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotFound, Unavailable
from qiao.core.ratelimit import limit, rate_limited
from qiao.core.text import clean, normalize
from qiao.engines.media.captions import CaptionRejected, CaptionTrack, parse_captions
from qiao.engines.translate import (
    ROMANIZED_CHINESE,
    Glossary,
    GlossaryEntry,
    InMemoryLRUCache,
    TranslationInputError,
    TranslationResult,
    TranslationService,
    TranslationUnavailable,
    build_service_from_config,
    detect_language,
    lookup_words,
    pinyin_to_characters,
    translation_status,
)
from qiao.engines.translate.base import base_language
from qiao.notes import clips
from qiao.notes.access import get_own_note
from qiao.notes.models import BODY_MAX, TITLE_MAX, ClipCaption, Note, NoteClip
from qiao.translation.cache import DatabaseTranslationCache, prune
from qiao.translation.models import (
    COMMUNITY_ENGINE,
    GlossaryTerm,
    NoteVersion,
    PendingTranslation,
)

logger = logging.getLogger(__name__)

LANGUAGE_NAMES = {
    "zh": "Chinese",
    "en": "English",
    "ja": "Japanese",
    "ko": "Korean",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "ru": "Russian",
}
#: Language names inside sentences ("Translated from Chinese", "Written in French — …").
LANGUAGE_IN_TEXT = {
    "zh": pgettext_lazy("language name in a sentence", "Chinese"),
    "en": pgettext_lazy("language name in a sentence", "English"),
    "ja": pgettext_lazy("language name in a sentence", "Japanese"),
    "ko": pgettext_lazy("language name in a sentence", "Korean"),
    "fr": pgettext_lazy("language name in a sentence", "French"),
    "de": pgettext_lazy("language name in a sentence", "German"),
    "es": pgettext_lazy("language name in a sentence", "Spanish"),
    "it": pgettext_lazy("language name in a sentence", "Italian"),
    "pt": pgettext_lazy("language name in a sentence", "Portuguese"),
    "ru": pgettext_lazy("language name in a sentence", "Russian"),
}


# --- the engine, built once from settings ---------------------------------------------


def models_dir() -> Path:
    return Path(settings.QIAO_MODELS_DIR) / "translate"


def get_service() -> TranslationService:
    """The process's translation service, honouring the community glossary as it is now
    (moderators' edits reach every process at its next translation or look-up)."""
    service = _built_service()
    glossary = instance_glossary()
    if service.glossary is not glossary:
        service.glossary = glossary  # one attribute: a translation in flight keeps its own
    return service


@functools.lru_cache(maxsize=1)
def _built_service() -> TranslationService:
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
        glossary=instance_glossary(),
    )


def reset_service() -> None:
    """Forget the built service and what it remembered in memory (after installing models or
    changing settings)."""
    _built_service.cache_clear()
    _NOTE_TEXTS.clear()
    with _GLOSSARY_LOCK:
        _GLOSSARY.clear()


def status_message() -> str:
    status = translation_status(models_dir())
    service = _built_service()
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
    service = _built_service()
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


def translatable(language: str | None) -> bool:
    """Whether machine translation is offered for text in `language`: one of the site's
    languages — not romanized Chinese (pinyin is read in characters, through the look-up,
    never sent to a zh↔en model), not a language outside the site's set (fr, es…: said
    plainly, never sent to the nearest model), not undetermined."""
    if not language or language in ("und", ROMANIZED_CHINESE):
        return False
    return base_language(language) in settings.QIAO_CONTENT_LANGUAGES


def is_pinyin(language: str | None) -> bool:
    return language == ROMANIZED_CHINESE


def is_other_language(language: str | None) -> bool:
    """A real language the site does not translate (French on a zh/en site)."""
    return (
        bool(language) and language not in ("und", ROMANIZED_CHINESE) and not translatable(language)
    )


def language_in_text(code: str | None) -> str:
    base = base_language(code or "")
    return str(LANGUAGE_IN_TEXT.get(base, base or "?"))


def not_translated_message(language: str | None) -> str:
    """What a reader is told instead of a "Translate" button ("" when it is offered)."""
    if is_pinyin(language):
        return _("Chinese written in pinyin — not machine-translated")
    if is_other_language(language):
        return _("Written in %(lang)s — translation not available") % {
            "lang": language_in_text(language)
        }
    return ""


def refuse_untranslatable(language: str | None) -> None:
    """Invalid (with a stable code) for pinyin and for languages outside the site's."""
    if is_pinyin(language):
        raise Invalid(
            _(
                "This is Chinese written in pinyin: it is not machine-translated. "
                "See it in characters instead."
            ),
            code="romanized_chinese",
        )
    if is_other_language(language):
        raise Invalid(not_translated_message(language), code="language_not_supported")


def needs_translation(viewer: User | None, language: str | None) -> bool:
    """A "Translate" button for this reader: the text is in a language the site translates
    and the reader does not read."""
    if not translatable(language):
        return False
    return base_language(language or "") not in reader_languages(viewer)


def target_for(viewer: User | None, requested: str | None = None) -> str:
    if requested:
        target = base_language(requested)
        if target not in settings.QIAO_CONTENT_LANGUAGES:
            raise Invalid(
                _("Unsupported language: %(code)s") % {"code": requested},
                code="unsupported_language",
            )
        return target
    return reader_languages(viewer)[0]


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(base_language(code or ""), code or "?")


# --- plain text (API) -----------------------------------------------------------------


def translate_text(
    text: str, target: str, source: str | None = None, *, reader: User | None = None
) -> TranslationResult:
    """`text` in `target`. A reader's request counts against their translation rate limit
    (and their address's), whichever page or API call made it."""
    limit("translate", reader.pk if reader is not None else None)
    source = source or detect(text)
    if source == "und":
        raise Invalid(_("Could not tell which language this is."), code="unknown_language")
    refuse_untranslatable(source)
    if base_language(source) == base_language(target):
        return TranslationResult(text, source, target, "identity", "", True)
    try:
        return get_service().translate_one(text, source, target)
    except TranslationInputError as exc:
        raise Invalid(str(exc), code="bad_translation_request") from exc
    except TranslationUnavailable as exc:
        raise Unavailable(
            _("Translation is unavailable right now."), code="translation_unavailable"
        ) from exc


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
    #: a reader's accepted fix: who suggested it (their display name; "" when the account
    #: is gone)
    suggested_by: str = ""
    suggested_by_username: str = ""

    @property
    def is_community(self) -> bool:
        return self.engine == COMMUNITY_ENGINE

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "body": self.body,
            "source": self.source,
            "target": self.target,
            "machine": self.is_machine,
            "engine": self.engine,
            "source_name": language_name(self.source),
            "community": self.is_community,
            "suggested_by": self.suggested_by_username or None,
        }


def rendered_version(v: NoteVersion) -> Rendered:
    by = v.suggested_by if v.suggested_by_id else None
    return Rendered(
        v.title,
        v.body,
        v.source_language,
        v.language,
        v.is_machine,
        v.engine,
        by.name if by is not None else "",
        by.username if by is not None else "",
    )


def stored_versions(notes: list[Note], target: str) -> dict[int, Rendered]:
    """Translations already made for these notes (no engine call: safe for lists)."""
    out: dict[int, Rendered] = {}
    rows = NoteVersion.objects.filter(note_id__in=[n.pk for n in notes], language=target)
    for v in rows.select_related("suggested_by").order_by("is_machine"):  # human first
        out.setdefault(v.note_id, rendered_version(v))
    return out


def note_for_reader(
    note: Note, target: str, *, translate_now: bool = True, reader: User | None = None
) -> Rendered | None:
    """The note in `target`: the author's version, a stored or cached machine one, or a new
    translation (when `translate_now`). None when the note is already in that language or no
    engine can translate it."""
    if not translatable(note.language) or base_language(note.language or "") == target:
        human = NoteVersion.objects.filter(
            note=note, language=target, is_machine=False, engine="author"
        ).first()
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
        note=note,
        language=target,
        is_machine=True,
        defaults={
            "title": results[0].text[:200],
            "body": results[1].text if len(results) > 1 else "",
            "engine": results[0].engine,
            "model_version": results[0].model_version,
            "source_language": source,
        },
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
    _original_captions(note)  # their language is known even when nothing can translate
    if not note.is_published or note.visibility != Note.Visibility.PUBLIC:
        PendingTranslation.objects.filter(note=note).delete()
        return "detected"
    targets = (
        []
        if not translatable(language)
        else [t for t in settings.QIAO_CONTENT_LANGUAGES if t != base_language(language)]
    )
    done = 0
    try:
        for target in targets:
            if NoteVersion.objects.filter(note=note, language=target, is_machine=False).exists():
                continue
            _machine_version(note, target)
            done += 1
        process_captions(note)
    except (TranslationUnavailable, TranslationInputError) as exc:
        _schedule_retry(note, str(exc))
        return "pending"
    PendingTranslation.objects.filter(note=note).delete()
    return f"translated:{done}" if translatable(language) else "detected"


#: Cues sent to the engine per call (a long clip has hundreds).
CAPTION_BATCH = 200


def _original_captions(note: Note) -> tuple[ClipCaption, CaptionTrack, str] | None:
    """The note's original caption track (the author's, or a transcription), with its
    language detected and recorded when it was not known."""
    original = (
        ClipCaption.objects.filter(clip__note=note, clip__state=NoteClip.State.READY)
        .exclude(source=ClipCaption.Source.MACHINE)
        .first()
    )
    if original is None:
        return None
    try:
        track = parse_captions(original.vtt)
    except CaptionRejected:
        logger.warning("stored captions %s do not parse", original.pk)
        return None
    language = original.language or detect("\n".join(track.texts())[:4000])
    if language != original.language:
        clips.set_caption_language(original.pk, language)
    return original, track, language


def process_captions(note: Note) -> str:
    """The note's clip captions, like its text: detect the original track's language, then
    translate it cue by cue (same timing) into the platform's other main languages. Raises
    TranslationUnavailable when an engine is missing (the note is retried later)."""
    found = _original_captions(note)
    if found is None:
        return "none"
    original, track, language = found
    if (
        not translatable(language)
        or not note.is_published
        or note.visibility != Note.Visibility.PUBLIC
    ):
        return "detected"
    have = set(
        ClipCaption.objects.filter(
            clip_id=original.clip_id, source=ClipCaption.Source.MACHINE
        ).values_list("language", flat=True)
    )
    done = 0
    for target in settings.QIAO_CONTENT_LANGUAGES:
        if target == base_language(language) or target in have:
            continue
        texts = track.texts()
        results = []
        for start in range(0, len(texts), CAPTION_BATCH):
            results += get_service().translate(
                texts[start : start + CAPTION_BATCH],
                base_language(language),
                target,
                cache=_NOTE_TEXTS,
            )
        translated = track.with_texts([r.text for r in results], target)
        clips.store_machine_captions(
            original.clip_id, target, translated, results[0].engine if results else ""
        )
        done += 1
    return f"captions:{done}"


def captions_edited(note_id: int) -> None:
    """The original captions changed: their translations go (they are made again)."""
    ClipCaption.objects.filter(clip__note_id=note_id, source=ClipCaption.Source.MACHINE).delete()


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
    due = list(
        PendingTranslation.objects.filter(next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("note_id", flat=True)[:limit]
    )
    return sum(1 for nid in due if process_note(nid).startswith("translated"))


def original_edited(note_id: int) -> None:
    """The note's text changed: machine versions and readers' accepted fixes are dropped
    (they translated the old text; machine ones are made again); the author's own versions
    are kept but marked as written before the edit."""
    NoteVersion.objects.filter(note_id=note_id, is_machine=True).delete()
    NoteVersion.objects.filter(note_id=note_id, engine=COMMUNITY_ENGINE).delete()
    NoteVersion.objects.filter(note_id=note_id, is_machine=False).update(stale=True)


def current_version(note: Note, target: str) -> Rendered | None:
    """The stored translation a reader sees now (the author's, a community fix, or the
    machine one), without translating."""
    return stored_versions([note], target).get(note.pk)


def save_community_version(
    note: Note, language: str, *, title: str, body: str, suggested_by: User | None
) -> NoteVersion:
    """A reader's fix, accepted by the note's author or a moderator, replaces the machine
    translation for everyone. (The caller, `fixes.services.decide`, checked who may accept;
    an author's own version is never replaced by one.)"""
    with transaction.atomic():
        NoteVersion.objects.filter(note=note, language=language).exclude(engine="author").delete()
        return NoteVersion.objects.create(
            note=note,
            language=language,
            title=title[:TITLE_MAX],
            body=body,
            is_machine=False,
            engine=COMMUNITY_ENGINE,
            suggested_by=suggested_by,
            source_language=note.language or "",
        )


def drop_community_version(note_id: int, language: str) -> None:
    """Undo an accepted fix (a moderator removed it): the machine translation comes back."""
    NoteVersion.objects.filter(note_id=note_id, language=language, engine=COMMUNITY_ENGINE).delete()


def prefill_version(author: User, note_id: int, target: str) -> dict[str, str | bool]:
    """A machine translation for the author to edit into their own version."""
    note = get_own_note(author, note_id)
    target = target_for(author, target)
    existing = NoteVersion.objects.filter(note=note, language=target).order_by("is_machine").first()
    if existing is not None:
        return {
            "title": existing.title,
            "body": existing.body,
            "machine": existing.engine != "author",
            "stale": existing.stale,
        }
    try:
        version = _machine_version(note, target)
    except TranslationUnavailable:
        return {"title": "", "body": "", "machine": False, "stale": False}
    return {"title": version.title, "body": version.body, "machine": True, "stale": False}


@rate_limited("write")
def save_author_version(
    author: User, note_id: int, language: str, *, title: str, body: str
) -> NoteVersion:
    """Store the author's own version of a note in another language (bilingual posting)."""
    note = get_own_note(author, note_id)
    language = target_for(author, language)
    title = clean(title, "title", max_length=TITLE_MAX)
    body = clean(body, "body", max_length=BODY_MAX, multiline=True)
    if not title:
        raise Invalid(
            _("Please correct the highlighted fields."),
            fields={"title": [_("1–%(n)d characters.") % {"n": TITLE_MAX}]},
        )
    if note.language and base_language(note.language) == language:
        raise Invalid(_("The note is already in that language."), code="same_language")
    with transaction.atomic():
        NoteVersion.objects.filter(note=note, language=language).delete()
        return NoteVersion.objects.create(
            note=note,
            language=language,
            title=title,
            body=body,
            is_machine=False,
            engine="author",
            source_language=note.language or "",
        )


def has_author_version(note: Note, language: str) -> bool:
    return NoteVersion.objects.filter(note=note, language=language, engine="author").exists()


@rate_limited("write")
def delete_author_version(author: User, note_id: int, language: str) -> None:
    note = get_own_note(author, note_id)
    NoteVersion.objects.filter(note=note, language=language, engine="author").delete()


# --- bios -------------------------------------------------------------


def text_for_reader(
    text: str, language: str | None, target: str, *, reader: User | None = None
) -> dict[str, Any]:
    """A short text (a comment, a bio, a message) in `target`; raises Invalid/Unavailable."""
    source = language or detect(text)
    result = translate_text(text, target, source, reader=reader)
    return {
        "text": result.text,
        "source": source,
        "target": target,
        "engine": result.engine,
        "source_name": language_name(source),
    }


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
    return prune(
        unused_days=settings.QIAO_TRANSLATION_CACHE_DAYS,
        max_rows=settings.QIAO_TRANSLATION_CACHE_MAX_ROWS,
    )


# --- word look-up ---------------------------------------------------------------------


def lookup(text: str) -> list[dict[str, Any]]:
    """Every word of `text` a learner can look up: Chinese words with pinyin, meanings and —
    for a polyphonic character — every common reading with its own senses; English words
    with their Chinese equivalents. The community glossary's renderings come first."""
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Nothing to look up."), code="empty")
    if len(text) > 200:
        raise Invalid(_("Look up at most 200 characters at a time."), code="too_long")
    out = []
    for entry in lookup_words(text, glossary=instance_glossary()):
        if not entry.found and not entry.glossary:
            continue
        out.append(
            {
                "word": entry.word,
                "start": entry.start,
                "end": entry.end,
                "pinyin": entry.pinyin,
                "meanings": list(entry.meanings),
                "traditional": entry.traditional,
                "equivalents": [
                    {"word": e.word, "pinyin": e.pinyin, "meaning": e.meaning}
                    for e in entry.equivalents
                ],
                "readings": [
                    {"pinyin": r.pinyin, "meanings": list(r.meanings)} for r in entry.readings
                ],
                "glossary": list(entry.glossary),
            }
        )
    return out


#: Latin words (with tone marks and ü) — the runs of a text pinyin is read from.
_PINYIN_WORDS = re.compile(
    r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff'’]+(?:\s+[A-Za-z\u00c0-\u024f"
    r"\u1e00-\u1eff'’]+)*"
)
PINYIN_MAX = 1000


def pinyin_characters(text: str) -> dict[str, Any]:
    """Chinese written in pinyin ("ni hao", "wo ai ni", "jiā yóu!"), in characters: the
    most likely characters for the whole text (punctuation and words that are not pinyin
    kept as written) and, per segment, the candidates a reader can choose from. Pinyin is
    not machine-translated; this is how a reader sees what it says."""
    text = clean(text, "text", max_length=PINYIN_MAX, multiline=True)
    if not text:
        raise Invalid(_("Nothing to look up."), code="empty")
    parts: list[str] = []
    segments: list[dict[str, Any]] = []
    pos = 0
    for m in _PINYIN_WORDS.finditer(text):
        parts.append(text[pos : m.start()])
        words = m.group().split()
        i = 0
        while i < len(words):
            # the longest run of words from here that reads as pinyin
            for j in range(len(words), i, -1):
                found = pinyin_to_characters(" ".join(words[i:j]))
                if found:
                    break
            else:
                parts.append(words[i] + " ")
                i += 1
                continue
            for match in found:
                if not match.candidates:
                    continue
                parts.append(match.candidates[0].word)
                segments.append(
                    {
                        "pinyin": match.pinyin,
                        "candidates": [
                            {"word": c.word, "pinyin": c.pinyin, "meaning": c.meaning}
                            for c in match.candidates
                        ],
                    }
                )
            i = j
        pos = m.end()
    parts.append(text[pos:])
    characters = re.sub(r" +(?=[^A-Za-z]|$)", "", "".join(parts)).strip()
    if not segments:
        raise Invalid(_("This does not read as pinyin."), code="not_pinyin")
    return {"text": characters, "segments": segments}


# --- the community glossary ---------------------------------------------------------------
#
# Moderators keep the terms (Django admin, the glossary page and the API); the starter set
# shipped with the engine is the initial data (migration 0005). Every process builds the
# engine's `Glossary` from the active rows and rebuilds it when a row changes: the check is
# one aggregate query over a small table, made when a translation or a look-up needs it.

_GLOSSARY_LOCK = threading.Lock()
_GLOSSARY: dict[str, tuple[tuple[Any, ...], Glossary]] = {}


def _glossary_state() -> tuple[Any, ...]:
    agg = GlossaryTerm.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (agg["n"], agg["last"], agg["top"])


def instance_glossary() -> Glossary:
    """The instance glossary as the engine's `Glossary`: the active terms (the starter set
    as moderators left it, plus theirs)."""
    state = _glossary_state()
    with _GLOSSARY_LOCK:
        cached = _GLOSSARY.get("instance")
        if cached is not None and cached[0] == state:
            return cached[1]
    rows = GlossaryTerm.objects.filter(status=GlossaryTerm.Status.ACTIVE).order_by("id")
    glossary = Glossary(
        GlossaryEntry(t.zh_forms(), t.en_forms(), t.kind, t.note)
        for t in rows
        if t.zh_forms() and t.en_forms()
    )
    with _GLOSSARY_LOCK:
        _GLOSSARY["instance"] = (state, glossary)
    return glossary


GLOSSARY_FIELDS = ("zh", "zh_variants", "en", "en_variants", "kind", "note")
_HAN = re.compile(r"[\u3400-\u9fff]")


def _require_glossary_keeper(user: User) -> None:
    if not is_moderator(user):
        raise Forbidden(_("Only moderators can change the glossary."))


def _clean_term(values: dict[str, Any]) -> dict[str, str]:
    sizes = {"zh": 60, "zh_variants": 300, "en": 100, "en_variants": 300, "kind": 10, "note": 200}
    out = {k: clean(str(values.get(k) or ""), k, max_length=sizes[k]) for k in GLOSSARY_FIELDS}
    errors: dict[str, list[str]] = {}
    if not out["zh"] or not _HAN.search(out["zh"]):
        errors["zh"] = [_("A Chinese term of 1–60 characters.")]
    if not out["en"]:
        errors["en"] = [_("An English rendering of 1–100 characters.")]
    if out["kind"] not in GlossaryTerm.Kind.values:
        out["kind"] = GlossaryTerm.Kind.OTHER
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), fields=errors)
    for key in ("zh_variants", "en_variants"):
        out[key] = "|".join(f.strip() for f in re.split(r"[|｜]", out[key]) if f.strip())
    return out


def _unique_active(zh: str, exclude: int | None = None) -> None:
    qs = GlossaryTerm.objects.filter(zh=zh, status=GlossaryTerm.Status.ACTIVE)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise Invalid(
            _("The glossary already has this term."),
            code="duplicate_term",
            fields={"zh": [_("The glossary already has this term.")]},
        )


@rate_limited("write")
def add_term(moderator: User, **values: Any) -> GlossaryTerm:
    """A moderator adds a term (in use at once, in every engine, the look-up and search)."""
    _require_glossary_keeper(moderator)
    clean = _clean_term(values)
    _unique_active(clean["zh"])
    return GlossaryTerm.objects.create(
        **clean,
        status=GlossaryTerm.Status.ACTIVE,
        source=GlossaryTerm.Source.MODERATOR,
        created_by=moderator,
    )


def get_term(term_id: int, *, viewer: User | None = None) -> GlossaryTerm:
    """An active term (anyone), or any term for a moderator."""
    qs = GlossaryTerm.objects.filter(pk=term_id)
    if not is_moderator(viewer):
        qs = qs.filter(status=GlossaryTerm.Status.ACTIVE)
    term = qs.first()
    if term is None:
        raise NotFound(_("Glossary term not found."))
    return term


@rate_limited("write")
def update_term(moderator: User, term_id: int, **values: Any) -> GlossaryTerm:
    """Change a term; a candidate can be approved at the same time (`status="active"`)."""
    _require_glossary_keeper(moderator)
    term = get_term(term_id, viewer=moderator)
    clean = _clean_term(
        {
            **{k: getattr(term, k) for k in GLOSSARY_FIELDS},
            **{k: v for k, v in values.items() if v is not None},
        }
    )
    status = values.get("status") or term.status
    if status not in GlossaryTerm.Status.values:
        raise Invalid(_("Unknown status."), fields={"status": [_("Unknown.")]})
    if status == GlossaryTerm.Status.ACTIVE:
        _unique_active(clean["zh"], exclude=term.pk)
    for key, value in clean.items():
        setattr(term, key, value)
    term.status = status
    term.save()
    return term


@rate_limited("write")
def retire_term(moderator: User, term_id: int) -> None:
    """Take a term out of use (kept, so the starter set does not bring it back)."""
    _require_glossary_keeper(moderator)
    term = get_term(term_id, viewer=moderator)
    term.status = GlossaryTerm.Status.RETIRED
    term.save(update_fields=["status", "updated_at"])


def glossary_terms(
    *,
    query: str = "",
    kind: str = "",
    status: str = "active",
    viewer: User | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[GlossaryTerm], bool]:
    """Terms for the glossary page and the API, alphabetical by English; candidates and
    retired terms for moderators only. Returns (rows, more)."""
    if status != GlossaryTerm.Status.ACTIVE and not is_moderator(viewer):
        status = GlossaryTerm.Status.ACTIVE
    qs = GlossaryTerm.objects.filter(status=status).select_related("suggested_by")
    if kind in GlossaryTerm.Kind.values:
        qs = qs.filter(kind=kind)
    query = normalize(query)[:60]
    if query:
        qs = qs.filter(
            Q(zh__icontains=query)
            | Q(zh_variants__icontains=query)
            | Q(en__icontains=query)
            | Q(en_variants__icontains=query)
        )
    limit = max(1, min(limit, 200))
    rows = list(
        qs.order_by("-created_at" if status == "candidate" else "en", "id")[
            max(0, offset) : max(0, offset) + limit + 1
        ]
    )
    return rows[:limit], len(rows) > limit


def load_starter_glossary() -> int:
    """Add the starter terms (the engine's `data/glossary.tsv`) the instance does not have —
    neither in use, nor a candidate, nor retired by a moderator. Migration 0005 did this on
    install; run again after an upgrade that ships new starter terms. Returns how many."""
    from qiao.engines.translate.glossary import default_glossary

    have = set(GlossaryTerm.objects.values_list("zh", flat=True))
    rows = []
    for entry in default_glossary().entries:
        zh, *zh_more = entry.zh
        en, *en_more = entry.en
        if zh in have:
            continue
        have.add(zh)
        kind = entry.kind if entry.kind in GlossaryTerm.Kind.values else GlossaryTerm.Kind.OTHER
        rows.append(
            GlossaryTerm(
                zh=zh[:60],
                zh_variants="|".join(zh_more)[:300],
                en=en[:100],
                en_variants="|".join(en_more)[:300],
                kind=kind,
                note=entry.note[:200],
                status=GlossaryTerm.Status.ACTIVE,
                source=GlossaryTerm.Source.STARTER,
            )
        )
    GlossaryTerm.objects.bulk_create(rows)
    return len(rows)


def add_candidates(pairs: list[tuple[str, str]], *, suggested_by: User | None, context: str) -> int:
    """Terms learned from an accepted reader fix, for moderators to review: each
    (Chinese, English) pair not already in the glossary becomes a candidate. Returns how
    many were added."""
    added = 0
    for zh, en in pairs:
        zh, en = normalize(zh)[:60], normalize(en)[:100]
        if not zh or not en or not _HAN.search(zh):
            continue
        if GlossaryTerm.objects.filter(zh=zh).exclude(status=GlossaryTerm.Status.RETIRED).exists():
            continue
        GlossaryTerm.objects.create(
            zh=zh,
            en=en,
            kind=GlossaryTerm.Kind.OTHER,
            status=GlossaryTerm.Status.CANDIDATE,
            source=GlossaryTerm.Source.COMMUNITY,
            context=context[:2000],
            suggested_by=suggested_by,
        )
        added += 1
    return added

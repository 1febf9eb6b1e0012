"""What a reader is shown of a text in another language: the original with "Translate", or
the reader's version first (the author's own, or a machine one), and word look-up. Both
edges render these; no engine is called while building a list."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.engines.translate.base import base_language
from qiao.notes.models import Note
from qiao.notes.read import Clip
from qiao.translation.access import may_suggest_fix
from qiao.translation.models import NoteVersion
from qiao.translation.services import (
    LANGUAGE_IN_TEXT,
    Rendered,
    detect,
    is_pinyin,
    is_ready_safely,
    language_in_text,
    needs_translation,
    not_translated_message,
    reader_languages,
    stored_versions,
    target_for,
)

__all__ = ["LANGUAGE_IN_TEXT", "language_in_text"]


def translated_label(
    source: str | None,
    target: str | None,
    is_machine: bool = True,
    engine: str = "",
    suggested_by: str = "",
) -> str:
    """ "Translated from Chinese", "Author's English version", or "Improved by the
    community · suggested by Amy" for a reader's accepted fix."""
    if engine == "community":
        if suggested_by:
            return _("Improved by the community · suggested by %(name)s") % {"name": suggested_by}
        return _("Improved by the community")
    if not is_machine:
        return _("Author's %(lang)s version") % {"lang": language_in_text(target)}
    return _("Translated from %(lang)s") % {"lang": language_in_text(source)}


def rendered_label(rendered: Rendered) -> str:
    return translated_label(
        rendered.source,
        rendered.target,
        rendered.is_machine,
        rendered.engine,
        rendered.suggested_by,
    )


def lookup_language(viewer: User | None, language: str | None) -> str:
    """ "zh" or "en" when the reader may want to look words of this text up (it is not in
    their first language); "" otherwise (no markup added)."""
    base = (language or "").split("-")[0].lower()
    if is_pinyin(language) or base not in ("zh", "en") or base == reader_languages(viewer)[0]:
        return ""
    return base


def card_titles(notes: list[Note], viewer: User | None) -> dict[int, Rendered]:
    """Titles in the reader's language for notes in languages they do not read: the author's
    version always, a machine one with auto-translate on. Only translations already stored
    (one query, never an engine call: this renders lists)."""
    foreign = [n for n in notes if n.is_published and needs_translation(viewer, n.language)]
    if not foreign:
        return {}
    auto = bool(viewer and viewer.auto_translate)
    stored = stored_versions(foreign, target_for(viewer))
    return {pk: r for pk, r in stored.items() if auto or not r.is_machine}


@dataclass
class NoteText:
    """What a note's title-and-text block shows."""

    offer_translation: bool  # a "Translate" button (the note is in a language not read)
    tr_block_id: str
    rendered: Rendered | None  # the reader's version, shown first
    tr_label: str
    tr_auto: bool  # fetch a translation as soon as the block shows (auto-translate on)
    tr_unavailable: bool  # the reader asked and no engine could translate
    lookup_lang: str
    #: The reader would expect a translation, there is no version to show and this server
    #: has no translation engine: say so instead of offering a button that cannot work.
    tr_not_installed: bool = False
    #: instead of "Translate": "Written in French — translation not available", or that
    #: the text is pinyin (then `pinyin` offers it in characters)
    not_translated: str = ""
    pinyin: bool = False
    #: "Suggest a better translation" (a member reading someone else's machine translation)
    offer_fix: bool = False


def note_text(
    note: Note,
    viewer: User | None,
    *,
    rendered: Rendered | None = None,
    unavailable: bool = False,
) -> NoteText:
    """The original with a "Translate" button when the note is in a language the reader does
    not read, or the reader's version first (the author's own always; a stored machine one
    with auto-translate on; with auto-translate and nothing stored, the block fetches one as
    soon as it shows)."""
    offer = note.is_published and needs_translation(viewer, note.language)
    auto = bool(viewer and viewer.auto_translate)
    if offer and rendered is None and not unavailable:
        found = stored_versions([note], target_for(viewer)).get(note.pk)
        if found is not None and (auto or not found.is_machine):
            rendered = found
    not_installed = offer and rendered is None and not is_ready_safely()
    return NoteText(
        offer_translation=offer,
        tr_block_id=f"note-text-{note.pk}",
        rendered=rendered,
        tr_label=translated_label(
            rendered.source or note.language,
            rendered.target,
            rendered.is_machine,
            rendered.engine,
            rendered.suggested_by,
        )
        if rendered
        else "",
        tr_auto=offer and auto and rendered is None and not unavailable and not not_installed,
        tr_unavailable=unavailable,
        lookup_lang=lookup_language(viewer, note.language),
        not_translated=_foreign_note(viewer, note.language) if note.is_published else "",
        pinyin=note.is_published and is_pinyin(note.language),
        offer_fix=bool(
            rendered
            and note.is_published
            and may_suggest_fix(viewer, note.author_id, rendered.engine)
        ),
        tr_not_installed=not_installed,
    )


def _foreign_note(viewer: User | None, language: str | None) -> str:
    """The "not translated" line, for readers who do not read the text's language."""
    message = not_translated_message(language)
    if (
        message
        and not is_pinyin(language)
        and base_language(language or "") in reader_languages(viewer)
    ):
        return ""
    return message


@dataclass
class VersionOffer:
    language: str
    add_label: str
    have_label: str
    exists: bool
    stale: bool = False  # the author's version predates their last edit of the original


def author_versions(note: Note) -> list[VersionOffer]:
    """For the author: "Add English version" / "添加中文版本" (the platform's other main
    languages than the note's), or their version with edit and remove."""
    language = base_language(note.language or detect(f"{note.title}\n{note.body}"))
    if language == "und":
        return []
    have = dict(
        NoteVersion.objects.filter(note=note, is_machine=False).values_list("language", "stale")
    )
    return [
        VersionOffer(
            code,
            _("Add %(lang)s version") % {"lang": language_in_text(code)},
            _("Your %(lang)s version") % {"lang": language_in_text(code)},
            code in have,
            have.get(code, False),
        )
        for code in settings.QIAO_CONTENT_LANGUAGES
        if code != language
    ]


@dataclass
class TextOffer:
    """A short text's (a bio's, a comment's) translate button and look-up."""

    offer: bool
    auto: bool
    lookup_lang: str
    not_translated: str = ""  # as `NoteText.not_translated`
    pinyin: bool = False


def text_offer(viewer: User | None, text: str, language: str | None) -> TextOffer:
    """A comment's or bio's Translate button, only when an engine can answer it (without
    one, look-up still works; the note above says translation is not installed)."""
    offer = bool(text) and needs_translation(viewer, language) and is_ready_safely()
    return TextOffer(
        offer=offer,
        auto=offer and bool(viewer and viewer.auto_translate),
        lookup_lang=lookup_language(viewer, language),
        not_translated=_foreign_note(viewer, language) if text else "",
        pinyin=bool(text) and is_pinyin(language),
    )


# --- captions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptionTrack:
    """A `<track>` of the player."""

    url: str
    language: str  # BCP 47 for `srclang` ("" when unknown)
    label: str
    is_original: bool
    default: bool


@dataclass(frozen=True)
class ClipCaptions:
    """The caption tracks a reader gets, the one in their language first (shown by default),
    and whether a "Show original" switch makes sense (the default is a translation)."""

    tracks: list[CaptionTrack]
    translated: bool
    label: str  # "Captions translated from Chinese"

    @property
    def default(self) -> CaptionTrack | None:
        return next((t for t in self.tracks if t.default), None)

    @property
    def original(self) -> CaptionTrack | None:
        return next((t for t in self.tracks if t.is_original), None)


def clip_captions(clip: Clip, viewer: User | None) -> ClipCaptions:
    """The original captions, and the reader's language version when the original is in a
    language they do not read (a machine translation made cue by cue). No engine call."""
    original = next((c for c in clip.captions if c.is_original), None)
    if original is None:
        return ClipCaptions([], False, "")
    source = base_language(original.language) if original.language else ""
    target = target_for(viewer)
    version = None
    if source and needs_translation(viewer, source):
        version = next(
            (c for c in clip.captions if not c.is_original and c.language == target), None
        )
    name = language_in_text(source) if source else _("Captions")
    if version is None:
        return ClipCaptions([CaptionTrack(original.url, source, name, True, True)], False, "")
    return ClipCaptions(
        [
            CaptionTrack(
                version.url,
                target,
                _("%(lang)s (translated)") % {"lang": language_in_text(target)},
                False,
                True,
            ),
            CaptionTrack(
                original.url, source, _("%(lang)s (original)") % {"lang": name}, True, False
            ),
        ],
        True,
        _("Captions translated from %(lang)s") % {"lang": name},
    )

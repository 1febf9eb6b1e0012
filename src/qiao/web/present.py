"""Shape service results for templates: cards, slides, comment rows, notification groups.

Nothing here decides who may see what; the services did that. This module only batches the
per-viewer flags (liked, collected) so a page of twenty cards costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qiao.accounts import access as accounts_access
from qiao.accounts.models import User
from qiao.core.errors import Invalid
from qiao.notes import read as notes_read
from qiao.notes import services as notes
from qiao.notes.models import Note, NoteImage, Topic
from qiao.social import access as social_access
from qiao.social import read as social_read
from qiao.social.models import Comment, Notification

#: Interests offered at onboarding: (topic name as stored, label, emoji).
INTERESTS: list[tuple[str, Any, str]] = [
    ("food", gettext_lazy("Food"), "🍜"),
    ("travel", gettext_lazy("Travel"), "✈️"),
    ("pets", gettext_lazy("Pets"), "🐱"),
    ("fashion", gettext_lazy("Fashion"), "👗"),
    ("daily", gettext_lazy("Daily life"), "☕"),
    ("photography", gettext_lazy("Photography"), "📷"),
    ("fitness", gettext_lazy("Fitness"), "🏃"),
    ("books", gettext_lazy("Books"), "📚"),
    ("music", gettext_lazy("Music"), "🎵"),
    ("art", gettext_lazy("Art and design"), "🎨"),
    ("home", gettext_lazy("Home and living"), "🏡"),
    ("study", gettext_lazy("Study and languages"), "✏️"),
]

CONTENT_LANGUAGE_NAMES = {
    "zh": gettext_lazy("Chinese (中文)"),
    "en": gettext_lazy("English"),
}


LANGUAGE_LABELS = {
    "zh": gettext_lazy("Chinese"), "en": gettext_lazy("English"),
    "ja": gettext_lazy("Japanese"), "ko": gettext_lazy("Korean"),
    "fr": gettext_lazy("French"), "de": gettext_lazy("German"), "es": gettext_lazy("Spanish"),
}


def language_label(code: str | None) -> str:
    base = (code or "").split("-")[0].lower()
    return str(LANGUAGE_LABELS.get(base, base or "?"))


#: Language names inside sentences ("Translated from Chinese", "添加英文版本").
LANGUAGE_IN_TEXT = {
    "zh": pgettext_lazy("language name in a sentence", "Chinese"),
    "en": pgettext_lazy("language name in a sentence", "English"),
    "ja": pgettext_lazy("language name in a sentence", "Japanese"),
    "ko": pgettext_lazy("language name in a sentence", "Korean"),
    "fr": pgettext_lazy("language name in a sentence", "French"),
    "de": pgettext_lazy("language name in a sentence", "German"),
    "es": pgettext_lazy("language name in a sentence", "Spanish"),
}


def language_in_text(code: str | None) -> str:
    base = (code or "").split("-")[0].lower()
    return str(LANGUAGE_IN_TEXT.get(base, base or "?"))


def translated_label(source: str | None, target: str | None, is_machine: bool = True) -> str:
    """"Translated from Chinese", or "Author's English version" for a human version."""
    if not is_machine:
        return _("Author's %(lang)s version") % {"lang": language_in_text(target)}
    return _("Translated from %(lang)s") % {"lang": language_in_text(source)}


def lookup_language(viewer: User | None, language: str | None) -> str:
    """"zh" or "en" when the reader may want to look words of this text up (it is not in
    their first language); "" otherwise (no markup added)."""
    from qiao.translation.services import reader_languages

    base = (language or "").split("-")[0].lower()
    if base not in ("zh", "en") or base == reader_languages(viewer)[0]:
        return ""
    return base


def qs(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v})


def feed_url(params: dict[str, str], cursor: str | None) -> str | None:
    if not cursor:
        return None
    return f"{reverse('web:feed_more')}?{qs({**params, 'cursor': cursor})}"


def current_language(request: HttpRequest) -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def default_read_languages(request: HttpRequest) -> list[str]:
    return ["zh"] if current_language(request).startswith("zh") else ["en"]


def content_languages() -> list[tuple[str, Any]]:
    return [(code, CONTENT_LANGUAGE_NAMES.get(code, code))
            for code in settings.QIAO_CONTENT_LANGUAGES]


def topic_chips() -> list[str]:
    """The most used topics, for the chips above the grid (cached for a minute)."""
    names = cache.get("web:topic-chips")
    if names is None:
        names = list(Topic.objects.filter(note_count__gt=0).order_by("-note_count", "name")
                     .values_list("name", flat=True)[:12])
        cache.set("web:topic-chips", names, 60)
    return names


# --- images -----------------------------------------------------------------------------

@dataclass
class Picture:
    src: str
    srcset_jpeg: str
    srcset_webp: str
    width: int
    height: int
    alt: str
    blurhash: str
    color: str
    shape: str  # "tall", "square" or "wide": the card crops to 3:4, 1:1 or 4:3
    id: int = 0


def _url(path: str) -> str:
    return default_storage.url(path) if path else ""


def picture(img: NoteImage, default_alt: str) -> Picture:
    jpeg, webp = [], []
    smallest = ""
    for width, formats in sorted((img.variants or {}).items(), key=lambda kv: int(kv[0])):
        if formats.get("jpeg"):
            jpeg.append(f"{_url(formats['jpeg'])} {width}w")
            smallest = smallest or _url(formats["jpeg"])
        if formats.get("webp"):
            webp.append(f"{_url(formats['webp'])} {width}w")
    ratio = img.height / img.width if img.width else 1.0
    shape = "tall" if ratio > 1.15 else "wide" if ratio < 0.87 else "square"
    return Picture(
        src=smallest or _url(img.original), srcset_jpeg=", ".join(jpeg),
        srcset_webp=", ".join(webp), width=img.width, height=img.height,
        alt=img.alt_text or default_alt, blurhash=img.blurhash,
        color=img.dominant_color or "#eeeeee", shape=shape, id=img.pk,
    )


def default_alt(note: Note, index: int = 0, total: int = 1) -> str:
    if total > 1:
        return _("Photo %(n)d of %(total)d: %(title)s") % {
            "n": index + 1, "total": total, "title": note.title}
    return _("Photo: %(title)s") % {"title": note.title}


def slides(images: list[NoteImage], note: Note | None = None) -> list[Picture]:
    total = len(images)
    return [picture(img, default_alt(note, i, total) if note else "")
            for i, img in enumerate(images)]


# --- cards ------------------------------------------------------------------------------

@dataclass
class Card:
    note: Note
    cover: Picture | None
    liked: bool
    is_draft: bool = False
    title: str = ""  # what the card shows: the note's title or the reader's version of it
    title_lang: str = ""  # set when `title` is a translation


def _card_titles(rows: list[Note], viewer: User | None) -> dict[int, Any]:
    """Titles in the reader's language for notes in languages they do not read: the author's
    version always, a machine one with auto-translate on. Only translations already stored
    (one query, never an engine call: this renders lists)."""
    from qiao.translation import services as translation

    foreign = [n for n in rows if n.is_published
               and translation.needs_translation(viewer, n.language)]
    if not foreign:
        return {}
    auto = bool(viewer and viewer.auto_translate)
    stored = translation.stored_versions(foreign, translation.target_for(viewer))
    return {pk: r for pk, r in stored.items() if auto or not r.is_machine}


def cards(rows: list[Note], viewer: User | None) -> list[Card]:
    liked = social_read.liked_note_ids(viewer, [n.pk for n in rows])
    titles = _card_titles(rows, viewer)
    out = []
    for note in rows:
        images = list(note.images.all())
        cover = picture(images[0], default_alt(note)) if images else None
        version = titles.get(note.pk)
        out.append(Card(note=note, cover=cover, liked=note.pk in liked,
                        is_draft=not note.is_published,
                        title=version.title if version else note.title,
                        title_lang=version.target if version else ""))
    return out


# --- note detail ------------------------------------------------------------------------

@dataclass
class CommentRow:
    comment: Comment
    liked: bool
    can_delete: bool
    offer_translation: bool = False
    auto_translate: bool = False  # fetch the translation as soon as the comment shows
    lookup_lang: str = ""

    @property
    def block_id(self) -> str:
        return f"ctext-{self.comment.pk}"


def comments(rows: list[Comment], viewer: User | None, note_author_id: int | None = None
             ) -> list[CommentRow]:
    from qiao.translation.services import needs_translation

    liked = social_read.liked_comment_ids(viewer, [c.pk for c in rows])
    auto = bool(viewer and viewer.auto_translate)
    out = []
    for c in rows:
        # The comment's author may delete it, and so may the note's author when known.
        can_delete = viewer is not None and viewer.pk in (c.author_id, note_author_id)
        offer = needs_translation(viewer, c.language)
        out.append(CommentRow(comment=c, liked=c.pk in liked, can_delete=can_delete,
                              offer_translation=offer, auto_translate=offer and auto,
                              lookup_lang=lookup_language(viewer, c.language)))
    return out


def _body_tags(body: str) -> set[str]:
    from qiao.core.text import extract_topics

    return set(extract_topics(body))


def note_author_id(note_id: int) -> int | None:
    return Note.objects.filter(pk=note_id).values_list("author_id", flat=True).first()


def comment_count(note_id: int) -> int:
    """The note's comment count after a new comment (for the heading, swapped out-of-band)."""
    return Note.objects.filter(pk=note_id).values_list("comment_count", flat=True).first() or 0


def collect_count(note_id: int) -> int:
    return Note.objects.filter(pk=note_id).values_list("collect_count", flat=True).first() or 0


def note_detail(note: Note, viewer: User | None) -> dict[str, Any]:
    images = list(note.images.all())
    first, nxt = (social_read.list_comments(viewer, note.pk, limit=10) if note.is_published
                  else ([], None))
    return {
        "note": note,
        "slides": slides(images, note),
        # Topics already written as #tags in the body are links there; list only the rest.
        "topics": [t.name for t in note.topics.all() if t.name not in _body_tags(note.body)],
        "follow_state": accounts_access.follow_state(viewer, note.author),
        "liked": bool(social_read.liked_note_ids(viewer, [note.pk])),
        "collected": bool(social_read.collected_note_ids(viewer, [note.pk])),
        "comments": comments(first, viewer, note.author_id),
        "next_cursor": nxt,
        "viewer": viewer,
        "is_author": viewer is not None and viewer.pk == note.author_id,
        **note_text(note, viewer),
        "versions": author_versions(note) if viewer is not None
        and viewer.pk == note.author_id else [],
    }


def note_text(note: Note, viewer: User | None, *, rendered: Any = None,
              unavailable: bool = False) -> dict[str, Any]:
    """What the note's title and body block shows: the original with a "Translate" button
    when the note is in a language the reader does not read, or the reader's version first
    (the author's own always; a stored machine one with auto-translate on; with auto-translate
    and nothing stored, the block fetches one as soon as it shows)."""
    from qiao.translation import services as translation

    offer = note.is_published and translation.needs_translation(viewer, note.language)
    auto = bool(viewer and viewer.auto_translate)
    if offer and rendered is None and not unavailable:
        stored = translation.stored_versions([note], translation.target_for(viewer))
        found = stored.get(note.pk)
        if found is not None and (auto or not found.is_machine):
            rendered = found
    return {
        "offer_translation": offer,
        "tr_block_id": f"note-text-{note.pk}",
        "rendered": rendered,
        "tr_label": translated_label(rendered.source or note.language, rendered.target,
                                     rendered.is_machine) if rendered else "",
        "tr_auto": offer and auto and rendered is None and not unavailable,
        "tr_unavailable": unavailable,
        "lookup_lang": lookup_language(viewer, note.language),
    }


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
    from qiao.translation.models import NoteVersion
    from qiao.translation.services import detect

    language = (note.language or detect(f"{note.title}\n{note.body}")).split("-")[0]
    if language == "und":
        return []
    have = dict(NoteVersion.objects.filter(note=note, is_machine=False)
                .values_list("language", "stale"))
    return [VersionOffer(code,
                         _("Add %(lang)s version") % {"lang": language_in_text(code)},
                         _("Your %(lang)s version") % {"lang": language_in_text(code)},
                         code in have, have.get(code, False))
            for code in settings.QIAO_CONTENT_LANGUAGES if code != language]


# --- profile ----------------------------------------------------------------------------

@dataclass
class BoardTile:
    board: Any
    cover: Picture | None


def _cover(note: Note | None) -> Picture | None:
    if note is None:
        return None
    images = list(note.images.all())
    return picture(images[0], default_alt(note)) if images else None


def bio(owner: User, viewer: User | None) -> dict[str, Any]:
    """The bio's "Translate" (fetched at once with auto-translate on) and word look-up."""
    from qiao.translation.services import needs_translation

    offer = bool(owner.bio) and needs_translation(viewer, owner.bio_language)
    return {"offer": offer, "auto": offer and bool(viewer and viewer.auto_translate),
            "lookup_lang": lookup_language(viewer, owner.bio_language)}


def profile(owner: User, viewer: User | None, tab: str, cursor: str | None) -> dict[str, Any]:
    visible = accounts_access.can_see_profile_content(viewer, owner)
    context: dict[str, Any] = {
        "owner": owner, "tab": tab, "can_see": visible,
        "follow_state": accounts_access.follow_state(viewer, owner),
        "is_self": viewer is not None and viewer.pk == owner.pk,
        "cards": [], "boards": [], "next_url": None, "bio": bio(owner, viewer),
    }
    if not visible:
        return context
    rows: list[Note] = []
    nxt = None
    if tab == "boards":
        boards = list(social_access.visible_boards(viewer, owner)[:100])
        covers = social_read.board_covers(viewer, boards)
        context["boards"] = [
            BoardTile(board=b, cover=_cover(covers.get(b.pk))) for b in boards]
    elif tab == "likes":
        rows, nxt = social_read.liked_notes(viewer, owner, cursor=cursor)
    elif tab == "drafts":
        rows, nxt = notes_read.list_notes(viewer, drafts=True, cursor=cursor)
    else:
        rows, nxt = notes_read.list_notes(viewer, author=owner, cursor=cursor)
    context["cards"] = cards(rows, viewer)
    if nxt:
        context["next_url"] = (f"{reverse('web:profile', args=[owner.username])}?"
                               + qs({"tab": tab, "cursor": nxt}))
    return context


# --- notifications ----------------------------------------------------------------------

GROUPED_KINDS = {Notification.Kind.LIKE, Notification.Kind.COLLECT,
                 Notification.Kind.COMMENT_LIKE}


@dataclass
class NotificationGroup:
    kind: str
    verb: str
    first: Notification
    actors: list[User] = field(default_factory=list)
    count: int = 0
    unread: bool = False


def notification_groups(rows: list[Notification]) -> list[NotificationGroup]:
    """Likes and collects of one note fold into one row ("A, B and 3 others liked…")."""
    groups: list[NotificationGroup] = []
    by_key: dict[tuple[str, int | None, int | None], NotificationGroup] = {}
    for n in rows:
        key = (n.kind, n.note_id, n.comment_id if n.kind == Notification.Kind.COMMENT_LIKE
               else None)
        group = by_key.get(key) if n.kind in GROUPED_KINDS else None
        if group is None:
            group = NotificationGroup(kind=n.kind, verb=str(n.get_kind_display()), first=n)
            groups.append(group)
            if n.kind in GROUPED_KINDS:
                by_key[key] = group
        if all(a.pk != n.actor_id for a in group.actors):
            group.actors.append(n.actor)
        group.count = len(group.actors)
        group.unread = group.unread or n.read_at is None
    return groups


# --- compose ----------------------------------------------------------------------------

@dataclass
class ComposeForm:
    title: str = ""
    body: str = ""
    topics: str = ""
    visibility: str = Note.Visibility.PUBLIC
    alt_texts: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request: HttpRequest) -> ComposeForm:
        if request.method != "POST":
            return cls(topics=request.GET.get("topic", ""))
        return cls(
            title=request.POST.get("title", ""), body=request.POST.get("body", ""),
            topics=request.POST.get("topics", ""),
            visibility=request.POST.get("visibility", Note.Visibility.PUBLIC),
            alt_texts=request.POST.getlist("alt_texts"),
        )

    @classmethod
    def from_note(cls, note: Note) -> ComposeForm:
        return cls(title=note.title, body=note.body,
                   topics=", ".join(t.name for t in note.topics.all()),
                   visibility=note.visibility)

    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.replace("，", ",").split(",") if t.strip()]

    @staticmethod
    def images(request: HttpRequest, alt_texts: list[str]) -> list[notes.ImageInput]:
        limit = settings.QIAO_MAX_UPLOAD_BYTES
        uploads = request.FILES.getlist("images")
        too_big = [u.name or "?" for u in uploads if u.size and u.size > limit]
        if too_big:
            message = _("Each photo must be at most %(mb)d MB.") % {"mb": limit // 2**20}
            raise Invalid(message, fields={"images": [f"{n}: {message}" for n in too_big]})
        return [notes.ImageInput(data=u.read(), filename=u.name or "",
                                 alt_text=alt_texts[i] if i < len(alt_texts) else "")
                for i, u in enumerate(uploads)]

    def service_args(self, request: HttpRequest) -> dict[str, Any]:
        status = (Note.Status.DRAFT if request.POST.get("status") == "draft"
                  else Note.Status.PUBLISHED)
        return {"title": self.title, "body": self.body, "topics": self.topic_list(),
                "visibility": self.visibility, "status": status,
                "images": self.images(request, self.alt_texts)}

    def update_args(self, request: HttpRequest, note: Note) -> dict[str, Any]:
        keep: list[int] = []
        for raw in request.POST.getlist("keep"):
            if raw.isdigit():
                keep.append(int(raw))
        args: dict[str, Any] = {
            "title": self.title, "body": self.body, "topics": self.topic_list(),
            "visibility": self.visibility, "image_order": keep,
            "new_images": self.images(request, []),
        }
        if request.POST.get("status") == "published" and not note.is_published:
            args["status"] = Note.Status.PUBLISHED
        return args

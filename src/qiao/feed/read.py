"""For-you cards as a reader sees them: the note's card and why it is there.

A reason is stored with the list as a code and ids (`feed.lists`: the engine's
`Reason` for ranked notes, the stage for the rest); the sentence is written here, at read
time, in the reader's interface language, and only names what the reader may see now: a
liked note since made private or deleted, or an author blocked either way, turns into the
code's generic sentence (and the API gets no id or name for it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qiao.accounts.access import blocked_user_ids, followed_ids
from qiao.accounts.models import User
from qiao.engines.recommend.reasons import REASON_CODES
from qiao.engines.recommend.types import Reason
from qiao.feed.lists import STAGE_REASONS
from qiao.notes.access import visible_notes
from qiao.notes.topics import label
from qiao.social.read import NoteView, collected_note_ids, liked_note_ids, note_views
from qiao.translation.services import LANGUAGE_IN_TEXT

if TYPE_CHECKING:
    from qiao.feed.services import FeedPage

#: Every code a For-you card can carry: the engine's and the list stages'.
CODES: tuple[str, ...] = (*REASON_CODES, *STAGE_REASONS)
#: Longest note title quoted in a reason (a card line, not a headline).
TITLE_CHARS = 24


@dataclass(frozen=True)
class FeedReason:
    """Why a card is in For you, as this reader may be told."""

    code: str
    text: str  # in the reader's interface language
    note_id: int | None = None  # liked_similar: the note it is like (visible to the reader)
    note_title: str = ""
    author: User | None = None  # followed_author, new_creator
    language: str | None = None  # popular_in_language
    topic: str | None = None  # interest_topic: the topic as the reader's chips call it


@dataclass
class FeedCard(NoteView):
    """A For-you card: the note as the viewer sees it, and why it is there."""

    reason: FeedReason | None = None


@dataclass
class _Seen:
    """What the reader may be told about the notes and people that reasons mention."""

    titles: dict[int, str]
    liked: set[int]
    collected: set[int]
    authors: dict[int, User]
    following: set[int]


def _short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def _liked_similar(r: Reason, seen: _Seen) -> FeedReason:
    note_id = r.note_id
    if note_id is None or note_id not in seen.titles:
        return FeedReason(r.code, _("Like notes you enjoyed"))
    title = seen.titles[note_id]
    if note_id in seen.liked:
        text = _("Because you liked “%(title)s”") % {"title": title}
    elif note_id in seen.collected:
        text = _("Because you saved “%(title)s”") % {"title": title}
    else:
        text = _("Because you read “%(title)s”") % {"title": title}
    return FeedReason(r.code, text, note_id=note_id, note_title=title)


def _followed_author(r: Reason, seen: _Seen) -> FeedReason:
    author = seen.authors.get(r.author_id or 0)
    if author is None:
        return FeedReason(r.code, _("From a creator you might like"))
    if author.pk not in seen.following:  # unfollowed since the list was made
        return FeedReason(r.code, _("From a creator you might like"), author=author)
    return FeedReason(
        r.code, _("From %(name)s, whom you follow") % {"name": author.name}, author=author
    )


def _new_creator(r: Reason, seen: _Seen) -> FeedReason:
    return FeedReason(
        r.code, _("New from a creator you might like"), author=seen.authors.get(r.author_id or 0)
    )


def _popular(r: Reason, seen: _Seen) -> FeedReason:
    name = LANGUAGE_IN_TEXT.get((r.language or "")[:2])
    if name is None:
        return FeedReason(r.code, _("Popular this week"))
    return FeedReason(
        r.code,
        _("Popular in %(language)s this week") % {"language": name},
        language=(r.language or "")[:2],
    )


def _interest(r: Reason, seen: _Seen) -> FeedReason:
    if not r.topic:
        return FeedReason(r.code, _("Matches your interests"))
    shown = label(r.topic, get_language() or "en")
    return FeedReason(r.code, _("Because you’re into #%(topic)s") % {"topic": shown}, topic=shown)


def _fixed(text: Callable[[], str]) -> Callable[[Reason, _Seen], FeedReason]:
    return lambda r, seen: FeedReason(r.code, text())


#: The sentence for each code (tests/feed/test_reasons.py fails when a code has none).
TEXTS: dict[str, Callable[[Reason, _Seen], FeedReason]] = {
    "liked_similar": _liked_similar,
    "followed_author": _followed_author,
    "new_creator": _new_creator,
    "popular_in_language": _popular,
    "interest_topic": _interest,
    "trending": _fixed(lambda: _("Trending now")),
    "fresh": _fixed(lambda: _("Just posted")),
    "discover": _fixed(lambda: _("Something new to discover")),
    "caught_up": _fixed(lambda: _("You’re caught up: one from before")),
    "watched": _fixed(lambda: _("Watched to the end by people with tastes like yours")),
}


def _what_may_be_named(viewer: User | None, reasons: list[Reason]) -> _Seen:
    note_ids = {r.note_id for r in reasons if r.note_id is not None}
    author_ids = {r.author_id for r in reasons if r.author_id is not None}
    titles: dict[int, str] = {}
    if note_ids:
        for pk, title, body in (
            visible_notes(viewer).filter(pk__in=note_ids).values_list("pk", "title", "body")
        ):
            titles[pk] = _short(title or body)
    authors: dict[int, User] = {}
    if author_ids:
        blocked = blocked_user_ids(viewer)
        authors = {
            u.pk: u
            for u in User.objects.filter(pk__in=author_ids, is_active=True)
            if u.pk not in blocked
        }
    named = [t for t in titles if titles[t]]
    return _Seen(
        titles={k: v for k, v in titles.items() if v},
        liked=liked_note_ids(viewer, named),
        collected=collected_note_ids(viewer, named),
        authors=authors,
        following=followed_ids(viewer) if authors else set(),
    )


def explain(viewer: User | None, reasons: dict[int, Reason]) -> dict[int, FeedReason]:
    """The reader's reasons for notes (by note id), in the active interface language."""
    if not reasons:
        return {}
    seen = _what_may_be_named(viewer, list(reasons.values()))
    out: dict[int, FeedReason] = {}
    for note_id, reason in reasons.items():
        write = TEXTS.get(reason.code)
        out[note_id] = (
            write(reason, seen)
            if write is not None
            else FeedReason(reason.code, _("Picked for you"))
        )
    return out


def feed_cards(found: FeedPage, viewer: User | None, *, lang: str | None = None) -> list[FeedCard]:
    """A feed page's cards with their reasons (For you; other feeds have none)."""
    why = explain(viewer, found.reasons)
    return [
        FeedCard(
            **{f.name: getattr(v, f.name) for f in fields(NoteView)}, reason=why.get(v.note.pk)
        )
        for v in note_views(found.items, viewer, lang=lang)
    ]

"""The discovery feeds: For you and topic pages (endless: `feed.lists`), and Following."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from qiao.accounts.access import followed_ids
from qiao.accounts.models import User
from qiao.core.errors import Invalid
from qiao.core.pagination import check_id, cursor_id, cursor_time, decode_cursor
from qiao.core.ratelimit import rate_limited
from qiao.core.text import normalize_topic
from qiao.engines.recommend.types import Reason
from qiao.events.services import EventIn, log_events
from qiao.feed import adapter, lists, store, training
from qiao.notes.access import visible_notes
from qiao.notes.models import Note
from qiao.notes.read import list_notes


@dataclass
class FeedPage:
    """A page of a feed: notes, the cursor of the next page (None only when the viewer may
    see no note at all), and where the "You're all caught up — here is more" divider goes
    (`items[caught_up_at:]` come after it; None: no divider on this page), and, for For
    you, why each note is there (by note id; `feed.read.explain` writes the sentences)."""

    items: list[Note]
    next_cursor: str | None
    caught_up_at: int | None = None
    reasons: dict[int, Reason] = field(default_factory=dict)


def _page(page: lists.Page) -> FeedPage:
    by_id = {
        n.pk: n
        for n in Note.objects.filter(pk__in=page.ids)
        .select_related("author")
        .prefetch_related("images", "topics")
    }
    items = [by_id[pk] for pk in page.ids if pk in by_id]
    return FeedPage(
        items,
        page.next_cursor,
        page.caught_up_at,
        {pk: r for pk, r in page.reasons.items() if pk in by_id},
    )


def for_you(viewer: User | None, *, cursor: str | None = None, limit: int = 20) -> FeedPage:
    """The personal discovery feed; it never ends while the viewer may see a note (see
    `feed.lists`): recommended unseen notes, then exploration, then every other unseen
    note, then — after the divider — what was held back or seen before."""
    return _page(lists.serve(viewer, cursor=cursor, limit=limit))


def topic_feed(
    viewer: User | None, topic: str, *, cursor: str | None = None, limit: int = 20
) -> FeedPage:
    """A topic page (the tag and its equivalents in the other language), newest first, then
    more to discover: never a dead end."""
    name = normalize_topic(topic)
    if not name:
        raise Invalid(_("No such topic."), code="invalid")
    return _page(lists.serve(viewer, cursor=cursor, limit=limit, topic=name))


def following(
    viewer: User, *, cursor: str | None = None, limit: int = 20
) -> tuple[list[Note], str | None]:
    """Notes from people the viewer follows, newest first."""
    pos = decode_cursor(cursor)  # a malformed cursor is a 400 even when nothing follows
    if pos:
        cursor_time(pos, 0), cursor_id(pos, 1)
    ids = sorted(followed_ids(viewer))
    if not ids:
        return [], None

    rows, nxt = list_notes(viewer, cursor=cursor, limit=limit, authors=ids)
    return rows, nxt


def train(**kwargs: Any) -> tuple[str, Any]:
    """Train and publish a new model version (see `feed.training.train_and_publish`), and
    serve it in this process at once (other processes pick it up within seconds)."""
    version, report = training.train_and_publish(**kwargs)
    adapter.forget_model()
    return version, report


def rollback() -> str:
    """Serve the previous model version again."""
    version = store.registry().rollback()
    adapter.forget_model()
    return version


#: Event kinds a client may report; likes, follows and the rest are logged by the server.
#: `play` (a clip started) and `watch` (seconds of a clip watched) come from the player.
CLIENT_EVENT_KINDS = frozenset({"impression", "open", "dwell", "share", "hide", "play", "watch"})
#: The most seconds one `watch` or `dwell` event may claim (longer values are capped).
MAX_EVENT_SECONDS = 3600.0


@rate_limited("write")
def record_client_events(viewer: User, events: list[tuple[str, int | None, float, str]]) -> int:
    """Log a client's batch of (kind, note id, value, surface): impressions, opens, dwell
    time, shares, hides, clip plays and watch time. Events about notes the viewer may not
    see are dropped; server-side kinds are refused; seconds are capped. Returns the number
    logged."""
    unknown = sorted({kind for kind, *_rest in events if kind not in CLIENT_EVENT_KINDS})
    if unknown:
        raise Invalid(_("Unknown or server-side event kinds: %(k)s") % {"k": ", ".join(unknown)})
    for _kind, note_id, value, _surface in events:
        if note_id is not None:
            check_id(note_id, "note_id")
        if not math.isfinite(value):
            raise Invalid(_("Event values must be finite numbers."))
    note_ids = {note_id for _kind, note_id, _value, _surface in events if note_id}
    authors = dict(visible_notes(viewer).filter(pk__in=note_ids).values_list("pk", "author_id"))
    rows = [
        EventIn(
            kind=kind,
            note_id=note_id,
            author_id=authors.get(note_id or 0),
            value=(
                min(max(value, 0.0), MAX_EVENT_SECONDS) if kind in ("watch", "dwell") else value
            ),
            surface=surface,
        )
        for kind, note_id, value, surface in events
        if note_id is None or note_id in authors
    ]
    return log_events(viewer.pk, rows)

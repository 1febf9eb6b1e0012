"""Feeds: "For you" (the recommender) and "Following"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from qiao.api import schemas as s
from qiao.api.auth import current_user, require_user
from qiao.api.errors import ERRORS
from qiao.feed import read as feed_read
from qiao.feed import services as feed
from qiao.social import read as social_read

router = Router(tags=["feed"])


@router.get("/feed/for-you", response={200: s.FeedPageOut, **ERRORS})
def for_you(
    request: HttpRequest,
    cursor: str | None = None,
    limit: s.Limit = 20,
    lang: s.Language | None = None,
) -> dict[str, Any]:
    """The personal discovery feed; it never ends while there is a note you may see. Pass
    `next_cursor` back for the next page: pages of one cursor never repeat a note until
    `caught_up_at` says the unseen notes ran out (what follows was held back or seen
    before). Likes, collects and opens shape the next page. Every item carries `reason`:
    why it is there, as a code and a sentence in your interface language (names only what
    you may see). Your `language_mix` (`PATCH /me`) sets the share in your language."""
    viewer = current_user(request)
    found = feed.for_you(viewer, cursor=cursor, limit=limit)
    return _feed_page(found, viewer, lang)


@router.get("/feed/topic/{name}", response={200: s.FeedPageOut, **ERRORS})
def topic(
    request: HttpRequest,
    name: str,
    cursor: str | None = None,
    limit: s.Limit = 20,
    lang: s.Language | None = None,
) -> dict[str, Any]:
    """A topic's notes (the tag and the tags that mean the same in the other language,
    e.g. travel and 旅行), newest first, then more to discover after `caught_up_at`."""
    viewer = current_user(request)
    found = feed.topic_feed(viewer, name, cursor=cursor, limit=limit)
    return _feed_page(found, viewer, lang)


def _feed_page(found: feed.FeedPage, viewer: Any, lang: str | None) -> dict[str, Any]:
    cards = feed_read.feed_cards(found, viewer, lang=lang)
    return {
        "items": [s.FeedNoteOut.of(c) for c in cards],
        "next_cursor": found.next_cursor,
        "caught_up_at": found.caught_up_at,
    }


@router.get("/feed/following", response={200: s.NotePage, **ERRORS})
def following(
    request: HttpRequest,
    cursor: str | None = None,
    limit: s.Limit = 20,
    lang: s.Language | None = None,
) -> dict[str, Any]:
    """Notes from people I follow, newest first."""
    viewer = require_user(request)
    rows, nxt = feed.following(viewer, cursor=cursor, limit=limit)
    return {
        "items": [s.NoteOut.of(v) for v in social_read.note_views(rows, viewer, lang=lang)],
        "next_cursor": nxt,
    }

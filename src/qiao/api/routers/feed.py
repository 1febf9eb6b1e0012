"""Feeds: "For you" (the recommender) and "Following"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from qiao.api import schemas as s
from qiao.api.auth import current_user, require_user
from qiao.api.errors import ERRORS
from qiao.feed import services as feed
from qiao.social import read as social_read

router = Router(tags=["feed"])


@router.get("/feed/for-you", response={200: s.NotePage, **ERRORS})
def for_you(request: HttpRequest, cursor: str | None = None, limit: s.Limit = 20,
            lang: s.Language | None = None) -> dict[str, Any]:
    """The personal discovery feed. Pass `next_cursor` back for the next page: pages of one
    cursor never repeat a note. Likes, collects and opens shape the next page."""
    viewer = current_user(request)
    rows, nxt = feed.for_you(viewer, cursor=cursor, limit=limit)
    return {"items": [s.NoteOut.of(v) for v in social_read.note_views(rows, viewer, lang=lang)],
            "next_cursor": nxt}


@router.get("/feed/following", response={200: s.NotePage, **ERRORS})
def following(request: HttpRequest, cursor: str | None = None, limit: s.Limit = 20,
              lang: s.Language | None = None) -> dict[str, Any]:
    """Notes from people I follow, newest first."""
    viewer = require_user(request)
    rows, nxt = feed.following(viewer, cursor=cursor, limit=limit)
    return {"items": [s.NoteOut.of(v) for v in social_read.note_views(rows, viewer, lang=lang)],
            "next_cursor": nxt}

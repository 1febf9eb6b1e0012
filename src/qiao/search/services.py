"""Basic search behind one function, `search()`, which a better engine replaces later.

Today it is a case-insensitive substring match in the database: good enough for a young
site and for Chinese text (no word segmentation is needed for a substring). The engine that
replaces it (jieba segmentation, FTS5 / PostgreSQL full-text, cross-language) keeps this
signature, so the search page and its tests do not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Q
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Invalid
from qiao.core.pagination import decode_cursor, encode_cursor
from qiao.core.text import normalize, normalize_topic
from qiao.notes.models import Topic
from qiao.notes.services import blocked_user_ids, visible_notes

Kind = Literal["notes", "users", "topics"]
KINDS: tuple[str, ...] = ("notes", "users", "topics")
QUERY_MAX = 100


@dataclass
class SearchPage:
    kind: str
    query: str
    items: list[Any]
    next_cursor: str | None


def search(viewer: User | None, query: str, kind: str = "notes", cursor: str | None = None,
           limit: int = 20) -> SearchPage:
    """Find notes (title, body, topic), users (username, names) or topics matching `query`.

    Respects visibility and blocks exactly as the feeds do. Paged by offset in an opaque
    cursor (ranking is not a keyset). An empty query returns nothing.
    """
    if kind not in KINDS:
        raise Invalid(_("Search notes, users or topics."), fields={"kind": [kind]})
    query = normalize(query)[:QUERY_MAX]
    limit = max(1, min(limit, 50))
    pos = decode_cursor(cursor)
    offset = int(pos[0]) if pos else 0
    if not query:
        return SearchPage(kind, query, [], None)
    term = query.lstrip("#@").strip() or query
    if kind == "notes":
        topic = normalize_topic(term)
        qs = (
            visible_notes(viewer)
            .filter(Q(title__icontains=term) | Q(body__icontains=term)
                    | Q(topics__name=topic))
            .distinct()
            .select_related("author").prefetch_related("images", "topics")
            .order_by("-like_count", "-published_at", "-id")
        )
    elif kind == "users":
        qs = User.objects.filter(is_active=True).filter(
            Q(username__icontains=term) | Q(display_name__icontains=term)
            | Q(chinese_name__icontains=term)
        ).order_by("-follower_count", "username")
        blocked = blocked_user_ids(viewer)
        if blocked:
            qs = qs.exclude(pk__in=blocked)
    else:
        qs = Topic.objects.filter(name__icontains=normalize_topic(term), note_count__gt=0
                                  ).order_by("-note_count", "name")
    rows = list(qs[offset: offset + limit + 1])
    nxt = encode_cursor([offset + limit]) if len(rows) > limit else None
    return SearchPage(kind, query, rows[:limit], nxt)


def suggest_topics(prefix: str, limit: int = 8) -> list[Topic]:
    """Popular topics starting with `prefix` (all popular ones for an empty prefix)."""
    qs = Topic.objects.filter(note_count__gt=0)
    prefix = normalize_topic(prefix)
    if prefix:
        qs = qs.filter(name__startswith=prefix)
    return list(qs.order_by("-note_count", "name")[:limit])

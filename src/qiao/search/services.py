"""Search behind one function, `search()`, for the search page (and any other caller).

Notes are found through the full-text index (qiao.search.backends: SQLite FTS5 or PostgreSQL
full-text over documents segmented by qiao.engines.search), with cross-language expansion
("dumplings" also finds 饺子), ranked by text relevance blended with engagement and
recency, and filtered by `visible_notes(viewer)` exactly as the feeds are. Users and topics
are small tables searched by substring, exact and prefix matches first. See docs/search.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.access import blocked_user_ids
from qiao.accounts.models import User
from qiao.core.errors import Invalid
from qiao.core.pagination import cursor_offset, decode_cursor, encode_cursor
from qiao.core.text import normalize, normalize_topic
from qiao.engines.search import EXPANSION_WEIGHT, blend, build_query, text_score
from qiao.engines.search.query import CedictLexicon
from qiao.notes.access import TopicCount, topic_counts, visible_notes, visible_topic_counts
from qiao.notes.models import Note
from qiao.notes.similar import Deduper, admit_print, fingerprints
from qiao.notes.topics import canonical, equivalents
from qiao.translation.services import instance_glossary

Kind = Literal["notes", "users", "topics"]
KINDS: tuple[str, ...] = ("notes", "users", "topics")
QUERY_MAX = 100
#: Notes the text index hands over for blending and visibility filtering: the best-matching
#: ones by text relevance. Results (and paging) end there.
CANDIDATES = 1000


@dataclass
class SearchPage:
    kind: str
    query: str
    items: list[Any]
    next_cursor: str | None
    #: Words added by cross-language expansion (for "also searching: …").
    expanded: list[str] = field(default_factory=list)


def search(
    viewer: User | None, query: str, kind: str = "notes", cursor: str | None = None, limit: int = 20
) -> SearchPage:
    """Find notes (title, body, topic), users (username, names) or topics matching `query`.

    Respects visibility and blocks exactly as the feeds do. Paged by offset in an opaque
    cursor (ranking is not a keyset). An empty query returns nothing.
    """
    if kind not in KINDS:
        raise Invalid(_("Search notes, users or topics."), fields={"kind": [kind]})
    query = normalize(query)[:QUERY_MAX]
    limit = max(1, min(limit, 50))
    offset = cursor_offset(decode_cursor(cursor), 0, maximum=CANDIDATES)
    if not query:
        return SearchPage(kind, query, [], None)
    term = query.lstrip("#@").strip() or query
    if kind == "notes":
        return _search_notes(viewer, query, term, offset, limit)
    if kind == "users":
        return _search_users(viewer, query, term, offset, limit)
    return _search_topics(viewer, query, term, offset, limit)


def _page(kind: str, query: str, rows: list[Any], offset: int, limit: int) -> SearchPage:
    nxt = encode_cursor([offset + limit]) if len(rows) > limit else None
    return SearchPage(kind, query, rows[:limit], nxt)


def _search_users(
    viewer: User | None, query: str, term: str, offset: int, limit: int
) -> SearchPage:
    low = term.lower()
    qs = (
        User.objects.filter(is_active=True)
        .filter(
            Q(username__icontains=term)
            | Q(display_name__icontains=term)
            | Q(chinese_name__icontains=term)
        )
        .annotate(
            _match=Case(
                When(Q(username__iexact=low) | Q(chinese_name=term), then=Value(0)),
                When(
                    Q(username__istartswith=low) | Q(display_name__istartswith=term), then=Value(1)
                ),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("_match", "-follower_count", "username")
    )
    blocked = blocked_user_ids(viewer)
    if blocked:
        qs = qs.exclude(pk__in=blocked)
    return _page("users", query, list(qs[offset : offset + limit + 1]), offset, limit)


def _search_topics(
    viewer: User | None, query: str, term: str, offset: int, limit: int
) -> SearchPage:
    """Topics by name, counted over the notes the viewer may see: a tag used only on
    private or followers-only notes is neither listed nor counted for anyone else. Tags that
    mean the same (#travel, #旅行) are one row, named as the topic page they open."""
    name = normalize_topic(term)
    same = equivalents(name)
    rows = topic_counts(
        visible_topic_counts(viewer)
        .filter(Q(name__icontains=name) | Q(name__in=same))
        .annotate(
            _match=Case(
                When(name__in=same, then=Value(0)),
                When(name__startswith=name, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("_match", "-visible_count", "name")[: (offset + limit + 1) * 3]
    )
    grouped: dict[str, TopicCount] = {}
    for row in rows:
        key = canonical(row.name)
        have = grouped.get(key)
        grouped[key] = TopicCount(
            key,
            row.note_count + (have.note_count if have else 0),
            have.label if have else row.label,
        )
    found = list(grouped.values())
    return _page("topics", query, found[offset : offset + limit + 1], offset, limit)


def _search_notes(
    viewer: User | None, query: str, term: str, offset: int, limit: int
) -> SearchPage:
    from qiao.search.backends import searcher

    parsed = build_query(term, CedictLexicon(glossary=instance_glossary()))
    engine = searcher()
    found = engine.candidates(parsed, CANDIDATES)
    if not found and len(parsed.groups) > 1:
        found = engine.candidates(parsed, CANDIDATES, require_all=False)
    relevance = {c.note_id: text_score(c.full, c.original, EXPANSION_WEIGHT) for c in found}
    now = timezone.now()
    ranked: list[tuple[float, int]] = []
    for note_id, likes, collects, comments, published in (
        visible_notes(viewer)
        .filter(pk__in=list(relevance))
        .values_list("id", "like_count", "collect_count", "comment_count", "published_at")
    ):
        age_days = (now - published).total_seconds() / 86400 if published else 365.0
        score = blend(
            relevance[note_id], likes=likes, collects=collects, comments=comments, age_days=age_days
        )
        ranked.append((score, note_id))
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    # One of each look-alike (same text or same photo: a repost, a bulk copy), the best
    # ranked: "hot pot" lists eight posts, not one post eight times.
    order = [note_id for _score, note_id in ranked]
    prints = fingerprints(order)
    dedupe = Deduper()
    distinct = [note_id for note_id in order if admit_print(dedupe, prints.get(note_id))]
    page_ids = distinct[offset : offset + limit]
    notes = {
        n.pk: n
        for n in Note.objects.filter(pk__in=page_ids)
        .select_related("author")
        .prefetch_related("images", "topics")
    }
    items = [notes[i] for i in page_ids if i in notes]
    nxt = encode_cursor([offset + limit]) if len(distinct) > offset + limit else None
    return SearchPage("notes", query, items, nxt, parsed.expansions())


def suggest_topics(prefix: str, limit: int = 8, *, viewer: User | None = None) -> list[TopicCount]:
    """Popular topics starting with `prefix` (all popular ones for an empty prefix), counted
    over the notes the viewer may see."""
    qs = visible_topic_counts(viewer)
    prefix = normalize_topic(prefix)
    if prefix:
        qs = qs.filter(name__startswith=prefix)
    return topic_counts(qs.order_by("-visible_count", "name")[:limit])

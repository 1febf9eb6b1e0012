"""Per-viewer reads of notes: lists of a member's notes, a topic's, drafts."""

from __future__ import annotations

from django.db.models import Q

from qiao.accounts.access import signed_in
from qiao.accounts.models import User
from qiao.core.pagination import cursor_id, cursor_time, decode_cursor, encode_cursor
from qiao.core.text import normalize_topic
from qiao.notes.access import visible_notes
from qiao.notes.models import Note


def list_notes(
    viewer: User | None, *, author: User | None = None, topic: str | None = None,
    cursor: str | None = None, limit: int = 20, drafts: bool = False,
    authors: list[int] | None = None,
) -> tuple[list[Note], str | None]:
    """Newest first, keyset-paginated on (published_at, id)."""
    limit = max(1, min(limit, 50))
    if drafts:
        if not signed_in(viewer):
            return [], None
        qs = Note.objects.filter(author=viewer, status=Note.Status.DRAFT)
        order_field = "created_at"
    else:
        qs = visible_notes(viewer)
        order_field = "published_at"
    if author is not None:
        qs = qs.filter(author=author)
    if authors is not None:
        qs = qs.filter(author_id__in=authors)
    if topic:
        qs = qs.filter(topics__name=normalize_topic(topic))
    pos = decode_cursor(cursor)
    if pos:
        ts = cursor_time(pos, 0)
        last_id = cursor_id(pos, 1)
        qs = qs.filter(Q(**{f"{order_field}__lt": ts})
                       | Q(**{order_field: ts, "id__lt": last_id}))
    rows = list(
        qs.select_related("author").prefetch_related("images", "topics")
        .order_by(f"-{order_field}", "-id")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, order_field).isoformat(), last.pk])
    return rows, next_cursor

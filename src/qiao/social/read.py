"""Per-viewer reads of social rows: comment pages, notifications, a member's likes and boards,
and the viewer's own flags (liked, collected). Visibility comes from `social.access`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from qiao.accounts.access import can_see_profile_content, signed_in
from qiao.accounts.models import User
from qiao.core.pagination import cursor_id, cursor_time, decode_cursor, encode_cursor
from qiao.notes.access import get_note_for, visible_notes
from qiao.notes.models import Note
from qiao.social.access import get_comment_for, visible_comments, visible_notifications
from qiao.social.models import Board, Collect, Comment, CommentLike, Like, Notification
from qiao.translation.services import text_for_reader


def liked_note_ids(viewer: User | None, note_ids: list[int]) -> set[int]:
    if not signed_in(viewer) or not note_ids:
        return set()
    return set(
        Like.objects.filter(user=viewer, note_id__in=note_ids).values_list("note_id", flat=True)
    )


def collected_note_ids(viewer: User | None, note_ids: list[int]) -> set[int]:
    if not signed_in(viewer) or not note_ids:
        return set()
    return set(
        Collect.objects.filter(user=viewer, note_id__in=note_ids).values_list(
            "note_id", flat=True
        )
    )


def liked_comment_ids(viewer: User | None, ids: list[int]) -> set[int]:
    if not signed_in(viewer) or not ids:
        return set()
    return set(
        CommentLike.objects.filter(user=viewer, comment_id__in=ids).values_list(
            "comment_id", flat=True
        )
    )


def list_comments(
    viewer: User | None,
    note_id: int,
    *,
    parent_id: int | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[Comment], str | None]:
    """A page of a note's comments (or of one comment's replies), oldest first."""
    note = get_note_for(viewer, note_id)
    limit = max(1, min(limit, 50))
    qs = visible_comments(viewer, note).filter(parent_id=parent_id)
    pos = decode_cursor(cursor)
    if pos:
        ts: datetime = cursor_time(pos, 0)
        cid = cursor_id(pos, 1)
        qs = qs.filter(Q(created_at__gt=ts) | Q(created_at=ts, id__gt=cid))
    rows = list(qs.select_related("author", "reply_to").order_by("created_at", "id")[: limit + 1])
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = encode_cursor([rows[-1].created_at.isoformat(), rows[-1].pk])
    return rows, nxt


def list_notifications(
    user: User, *, cursor: str | None = None, limit: int = 30
) -> tuple[list[Notification], str | None]:
    limit = max(1, min(limit, 100))
    qs = visible_notifications(user).select_related("actor", "note", "comment").order_by("-id")
    pos = decode_cursor(cursor)
    if pos:
        qs = qs.filter(id__lt=cursor_id(pos, 0))
    rows = list(qs[: limit + 1])
    nxt = encode_cursor([rows[limit - 1].pk]) if len(rows) > limit else None
    return rows[:limit], nxt


def unread_count(user: User) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).count()


def board_covers(viewer: User | None, boards: list[Board]) -> dict[int, Note]:
    """The most recently collected note each board shows as its cover, among the notes the
    viewer may see (three queries for any number of boards)."""
    if not boards:
        return {}
    visible = visible_notes(viewer)
    latest = (
        Collect.objects.filter(board=OuterRef("pk"), note__in=visible)
        .order_by("-created_at")
        .values("note_id")[:1]
    )
    pairs = dict(
        Board.objects.filter(pk__in=[b.pk for b in boards])
        .annotate(_cover=Subquery(latest))
        .values_list("pk", "_cover")
    )
    notes = {
        n.pk: n
        for n in Note.objects.filter(pk__in=[i for i in pairs.values() if i]).prefetch_related(
            "images"
        )
    }
    return {board_id: notes[note_id] for board_id, note_id in pairs.items() if note_id in notes}


def liked_notes(
    viewer: User | None, owner: User, *, cursor: str | None = None, limit: int = 20
) -> tuple[list[Note], str | None]:
    """Notes `owner` liked that the viewer may see, newest like first (profile "Likes" tab).

    Empty when the owner's account is private and the viewer is not an accepted follower.
    """
    if not can_see_profile_content(viewer, owner):
        return [], None
    limit = max(1, min(limit, 50))
    qs = Like.objects.filter(user=owner, note__in=visible_notes(viewer)).order_by("-id")
    pos = decode_cursor(cursor)
    if pos:
        qs = qs.filter(id__lt=cursor_id(pos, 0))
    likes = list(
        qs.select_related("note__author").prefetch_related("note__images", "note__topics")[
            : limit + 1
        ]
    )
    nxt = encode_cursor([likes[limit - 1].pk]) if len(likes) > limit else None
    return [like.note for like in likes[:limit]], nxt


def comment_for_reader(viewer: User | None, comment_id: int, target: str) -> dict[str, Any]:
    """A comment the viewer may see, in `target` (raises Invalid/Unavailable when it cannot be
    translated; NotFound when the comment is hidden from the viewer)."""
    comment = get_comment_for(viewer, comment_id)
    return text_for_reader(comment.body, comment.language, target)

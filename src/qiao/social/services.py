"""Social use cases: like, collect, comment, notify.

Counters (likes, collects, comments, followers) change with `F()` expressions inside the
same transaction as the row they count, and the row itself is guarded by a unique
constraint, so concurrent requests can neither double-count nor lose a count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.access import blocked_user_ids, is_blocked
from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotFound
from qiao.core.ratelimit import rate_limited
from qiao.core.tasks import enqueue_on_commit
from qiao.core.text import clean, extract_mentions
from qiao.events.services import log_event
from qiao.notes.access import can_see_note, get_note_for
from qiao.notes.models import Note
from qiao.social import signals, tasks
from qiao.social.access import get_comment_for, own_board
from qiao.social.models import (
    Board,
    Collect,
    Comment,
    CommentLike,
    Like,
    Notification,
)
from qiao.translation.services import forget_text

COMMENT_MAX = 1000


# --- Notifications ----------------------------------------------------------------------


def notify(
    recipient: User | int,
    actor: User | int,
    kind: str,
    *,
    note: Note | None = None,
    comment: Comment | None = None,
) -> None:
    """Tell `recipient` what `actor` did — never about themselves, never across a block."""
    recipient_id = recipient if isinstance(recipient, int) else recipient.pk
    actor_id = actor if isinstance(actor, int) else actor.pk
    if recipient_id == actor_id or is_blocked(recipient_id, actor_id):
        return
    row = Notification.objects.create(
        recipient_id=recipient_id, actor_id=actor_id, kind=kind, note=note, comment=comment
    )
    signals.notified.send(sender=Notification, recipient_id=recipient_id, notification_id=row.pk)


def notify_mentions(
    actor: User, usernames: list[str], *, note: Note | None = None, comment: Comment | None = None
) -> None:
    if not usernames:
        return
    blocked = blocked_user_ids(actor)
    for user in User.objects.filter(username__in=usernames[:20], is_active=True):
        # Mentioning someone who cannot see the note would leak it; skip them.
        if user.pk in blocked or (note is not None and not can_see_note(user, note.pk)):
            continue
        notify(user, actor, Notification.Kind.MENTION, note=note, comment=comment)


@rate_limited("write")
def mark_read(user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    count = qs.update(read_at=timezone.now())
    if count:
        signals.notified.send(sender=Notification, recipient_id=user.pk, notification_id=None)
    return count


# --- Likes ------------------------------------------------------------------------------


@rate_limited("write")
def like_note(viewer: User, note_id: int) -> tuple[bool, int]:
    """Like (idempotent). Returns (liked, like_count)."""
    note = get_note_for(viewer, note_id)
    if not note.is_published:
        raise Invalid(_("Drafts cannot be liked."))
    created = False
    with transaction.atomic():
        try:
            with transaction.atomic():
                Like.objects.create(user=viewer, note=note)
                created = True
        except IntegrityError:
            created = False
        if created:
            Note.objects.filter(pk=note.pk).update(like_count=F("like_count") + 1)
            User.objects.filter(pk=note.author_id).update(likes_received=F("likes_received") + 1)
            notify(note.author_id, viewer, Notification.Kind.LIKE, note=note)
    if created:
        log_event(viewer.pk, note.pk, "like", author_id=note.author_id)
    count = Note.objects.filter(pk=note.pk).values_list("like_count", flat=True).first() or 0
    return True, count


@rate_limited("write")
def unlike_note(viewer: User, note_id: int) -> tuple[bool, int]:
    note = get_note_for(viewer, note_id)
    with transaction.atomic():
        deleted, _detail = Like.objects.filter(user=viewer, note=note).delete()
        if deleted:
            Note.objects.filter(pk=note.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
            User.objects.filter(pk=note.author_id, likes_received__gt=0).update(
                likes_received=F("likes_received") - 1
            )
    if deleted:
        log_event(viewer.pk, note.pk, "unlike", author_id=note.author_id)
    count = Note.objects.filter(pk=note.pk).values_list("like_count", flat=True).first() or 0
    return False, count


# --- Boards and collects ----------------------------------------------------------------

BOARD_NAME_MAX, BOARD_DESCRIPTION_MAX = 40, 200


def _board_name(raw: str) -> str:
    try:
        name = clean(raw, "name", max_length=BOARD_NAME_MAX)
    except Invalid as exc:
        if exc.code != "too_long":
            raise
        name = ""
    if not name:
        raise Invalid(
            _("Board names have 1–40 characters."),
            fields={"name": [_("Board names have 1–40 characters.")]},
        )
    return name


@rate_limited("write")
def create_board(
    owner: User, *, name: str, description: str = "", is_private: bool = False
) -> Board:
    name = _board_name(name)
    description = clean(description, "description", max_length=BOARD_DESCRIPTION_MAX)
    if Board.objects.filter(owner=owner, name=name).exists():
        raise Invalid(
            _("You already have a board with that name."),
            fields={"name": [_("You already have a board with that name.")]},
        )
    if Board.objects.filter(owner=owner).count() >= 200:
        raise Invalid(_("You have reached the limit of 200 boards."))
    board = Board.objects.create(
        owner=owner, name=name, description=description, is_private=is_private
    )
    enqueue_on_commit(tasks.detect_board_language, board.pk)
    return board


@rate_limited("write")
def update_board(viewer: User, board_id: int, **changes: Any) -> Board:
    board = own_board(viewer, board_id)
    if "name" in changes:
        name = _board_name(changes["name"])
        if Board.objects.filter(owner=viewer, name=name).exclude(pk=board.pk).exists():
            raise Invalid(
                _("You already have a board with that name."),
                fields={"name": [_("You already have a board with that name.")]},
            )
        board.name = name
        enqueue_on_commit(tasks.detect_board_language, board.pk)
    if "description" in changes:
        board.description = clean(
            changes["description"], "description", max_length=BOARD_DESCRIPTION_MAX
        )
    if "is_private" in changes:
        board.is_private = bool(changes["is_private"])
    board.save()
    return board


@rate_limited("write")
def delete_board(viewer: User, board_id: int) -> None:
    board = own_board(viewer, board_id)
    with transaction.atomic():
        note_ids = list(board.items.values_list("note_id", flat=True))
        board.delete()
        Note.objects.filter(pk__in=note_ids, collect_count__gt=0).update(
            collect_count=F("collect_count") - 1
        )


@rate_limited("write")
def collect(viewer: User, note_id: int, board_id: int) -> bool:
    note = get_note_for(viewer, note_id)
    board = own_board(viewer, board_id)
    created = False
    with transaction.atomic():
        try:
            with transaction.atomic():
                Collect.objects.create(board=board, note=note, user=viewer)
                created = True
        except IntegrityError:
            return False
        Note.objects.filter(pk=note.pk).update(collect_count=F("collect_count") + 1)
        Board.objects.filter(pk=board.pk).update(item_count=F("item_count") + 1)
        notify(note.author_id, viewer, Notification.Kind.COLLECT, note=note)
    if created:
        log_event(viewer.pk, note.pk, "collect", author_id=note.author_id)
    return created


@rate_limited("write")
def uncollect(viewer: User, note_id: int, board_id: int) -> None:
    board = own_board(viewer, board_id)
    with transaction.atomic():
        deleted, _d = Collect.objects.filter(board=board, note_id=note_id).delete()
        if deleted:
            Note.objects.filter(pk=note_id, collect_count__gt=0).update(
                collect_count=F("collect_count") - 1
            )
            Board.objects.filter(pk=board.pk, item_count__gt=0).update(
                item_count=F("item_count") - 1
            )


@rate_limited("write")
def collect_into_new_board(
    viewer: User, note_id: int, *, name: str, is_private: bool = False
) -> Board:
    """Create a board and collect the note into it, both or neither."""
    get_note_for(viewer, note_id)  # NotFound before a board is created for nothing
    with transaction.atomic():
        board = create_board(viewer, name=name, is_private=is_private)
        collect(viewer, note_id, board.pk)
    return board


# --- Comments ---------------------------------------------------------------------------


@rate_limited("write")
def add_comment(viewer: User, note_id: int, body: str, *, parent_id: int | None = None) -> Comment:
    note = get_note_for(viewer, note_id)
    if not note.is_published:
        raise Invalid(_("Drafts cannot be commented on."))
    body = clean(body, "body", max_length=COMMENT_MAX, multiline=True)
    if not body:
        raise Invalid(_("Write something first."), fields={"body": [_("Write something first.")]})
    parent = None
    if parent_id is not None:
        parent = get_comment_for(viewer, parent_id)
        if parent.note_id != note.pk:
            raise NotFound(_("Comment not found."))
    with transaction.atomic():
        reply_to = None
        if parent is not None:
            reply_to = parent.author
            parent_root = parent.parent or parent  # one level of replies: attach to the root
            comment = Comment.objects.create(
                note=note, author=viewer, body=body, parent=parent_root, reply_to=reply_to
            )
            Comment.objects.filter(pk=parent_root.pk).update(reply_count=F("reply_count") + 1)
        else:
            comment = Comment.objects.create(note=note, author=viewer, body=body)
        Note.objects.filter(pk=note.pk).update(comment_count=F("comment_count") + 1)
        if reply_to is not None:
            notify(reply_to, viewer, Notification.Kind.REPLY, note=note, comment=comment)
        if reply_to is None or reply_to.pk != note.author_id:
            notify(note.author_id, viewer, Notification.Kind.COMMENT, note=note, comment=comment)
        notify_mentions(viewer, extract_mentions(body), note=note, comment=comment)
        enqueue_on_commit(tasks.detect_comment_language, comment.pk)
    log_event(viewer.pk, note.pk, "comment", author_id=note.author_id)
    return comment


@rate_limited("write")
def delete_comment(viewer: User, comment_id: int) -> None:
    comment = Comment.objects.select_related("note").filter(pk=comment_id).first()
    if comment is None or (
        viewer.pk != comment.note.author_id and comment.author_id in blocked_user_ids(viewer)
    ):
        raise NotFound(_("Comment not found."))
    if viewer.pk not in (comment.author_id, comment.note.author_id):
        raise Forbidden(_("You can delete only your own comments or comments on your notes."))
    with transaction.atomic():
        removed = 1 + (comment.replies.count() if comment.parent_id is None else 0)
        if comment.parent_id:
            Comment.objects.filter(pk=comment.parent_id, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )
        gone = [(comment.body, comment.language)] + (
            list(comment.replies.values_list("body", "language"))
            if comment.parent_id is None
            else []
        )
        comment.delete()
        Note.objects.filter(pk=comment.note_id).update(comment_count=F("comment_count") - removed)
    for text, language in gone:
        forget_text(text, language)


@rate_limited("write")
def like_comment(viewer: User, comment_id: int) -> int:
    comment = get_comment_for(viewer, comment_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                CommentLike.objects.create(user=viewer, comment=comment)
        except IntegrityError:
            pass
        else:
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
            notify(
                comment.author_id,
                viewer,
                Notification.Kind.COMMENT_LIKE,
                note=comment.note,
                comment=comment,
            )
    return Comment.objects.get(pk=comment.pk).like_count


@rate_limited("write")
def unlike_comment(viewer: User, comment_id: int) -> int:
    get_comment_for(viewer, comment_id)  # no count, not even existence, for hidden ones
    with transaction.atomic():
        deleted, _d = CommentLike.objects.filter(user=viewer, comment_id=comment_id).delete()
        if deleted:
            Comment.objects.filter(pk=comment_id, like_count__gt=0).update(
                like_count=F("like_count") - 1
            )
    row = Comment.objects.filter(pk=comment_id).values_list("like_count", flat=True).first()
    if row is None:
        raise NotFound(_("Comment not found."))
    return row


# --- Keeping counters right when rows disappear ----------------------------------------


def set_comment_removed(comment_id: int, removed: bool) -> bool:
    """Hide a comment (moderation's decision) or show it again."""
    return bool(
        Comment.objects.filter(pk=comment_id).exclude(is_removed=removed).update(is_removed=removed)
    )


def recount_before_note_removal(note_id: int) -> None:
    """Boards lose an item when a collected note is deleted."""
    for board_id in Collect.objects.filter(note_id=note_id).values_list("board_id", flat=True):
        Board.objects.filter(pk=board_id, item_count__gt=0).update(item_count=F("item_count") - 1)


def recount_after_user_removal(user_id: int) -> Callable[[], None]:
    """Collect what a user's deletion touches; the returned callable fixes the counters."""
    note_ids = set(Like.objects.filter(user_id=user_id).values_list("note_id", flat=True))
    note_ids |= set(Collect.objects.filter(user_id=user_id).values_list("note_id", flat=True))
    note_ids |= set(Comment.objects.filter(author_id=user_id).values_list("note_id", flat=True))
    comment_ids = set(
        CommentLike.objects.filter(user_id=user_id).values_list("comment_id", flat=True)
    )
    root_ids = set(
        Comment.objects.filter(author_id=user_id, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    author_ids = set(Like.objects.filter(user_id=user_id).values_list("note__author_id", flat=True))

    def fix() -> None:
        for note in Note.objects.filter(pk__in=note_ids).annotate(
            n_likes=Count("likes", distinct=True),
            n_collects=Count("collects", distinct=True),
            n_comments=Count("comments", distinct=True),
        ):
            Note.objects.filter(pk=note.pk).update(
                like_count=note.n_likes,
                collect_count=note.n_collects,
                comment_count=note.n_comments,
            )
        for comment in Comment.objects.filter(pk__in=comment_ids | root_ids).annotate(
            n_likes=Count("likes", distinct=True), n_replies=Count("replies", distinct=True)
        ):
            Comment.objects.filter(pk=comment.pk).update(
                like_count=comment.n_likes, reply_count=comment.n_replies
            )
        for uid in author_ids:
            User.objects.filter(pk=uid).update(
                likes_received=Like.objects.filter(note__author_id=uid).count()
            )

    return fix


@rate_limited("write")
def hide_note(viewer: User, note_id: int) -> None:
    """ "Not interested": the For-you feed stops showing the note and learns from it."""
    note = get_note_for(viewer, note_id)
    if note.author_id == viewer.pk:
        raise Invalid(_("This is your own note."))
    log_event(viewer.pk, note.pk, "hide", author_id=note.author_id, surface="note")

"""Social use cases: follow, block, like, collect, comment, notify.

Counters (likes, collects, comments, followers) change with `F()` expressions inside the
same transaction as the row they count, and the row itself is guarded by a unique
constraint, so concurrent requests can neither double-count nor lose a count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotFound
from qiao.core.pagination import decode_cursor, encode_cursor
from qiao.core.text import extract_mentions, normalize
from qiao.events.services import log_event
from qiao.notes.models import Note
from qiao.notes.services import blocked_user_ids, get_note_for
from qiao.social.models import (
    Block,
    Board,
    Collect,
    Comment,
    CommentLike,
    Follow,
    Like,
    Notification,
)

COMMENT_MAX = 1000


def get_user(username: str, viewer: User | None = None) -> User:
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None or (viewer is not None and user.pk in blocked_user_ids(viewer)):
        raise NotFound(_("User not found."))
    return user


def is_blocked(a: User, b: User) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def can_see_profile_content(viewer: User | None, owner: User) -> bool:
    """Private accounts show their notes, boards and likes to accepted followers only."""
    if viewer is not None and viewer.is_authenticated and viewer.pk == owner.pk:
        return True
    if not owner.is_private:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return Follow.objects.filter(
        follower=viewer, followee=owner, status=Follow.Status.ACCEPTED).exists()


# --- Notifications ----------------------------------------------------------------------

def notify(recipient: User | int, actor: User, kind: str, *, note: Note | None = None,
           comment: Comment | None = None) -> None:
    recipient_id = recipient if isinstance(recipient, int) else recipient.pk
    if recipient_id == actor.pk:
        return
    Notification.objects.create(
        recipient_id=recipient_id, actor=actor, kind=kind, note=note, comment=comment)


def notify_mentions(actor: User, usernames: list[str], *, note: Note | None = None,
                    comment: Comment | None = None) -> None:
    if not usernames:
        return
    blocked = blocked_user_ids(actor)
    for user in User.objects.filter(username__in=usernames[:20], is_active=True):
        # Mentioning someone who cannot see the note would leak it; skip them.
        if user.pk in blocked or (note is not None and not _can_view(user, note)):
            continue
        notify(user, actor, Notification.Kind.MENTION, note=note, comment=comment)


def _can_view(user: User, note: Note) -> bool:
    from qiao.notes.services import visible_notes

    return visible_notes(user).filter(pk=note.pk).exists()


def list_notifications(user: User, *, cursor: str | None = None, limit: int = 30
                       ) -> tuple[list[Notification], str | None]:
    qs = (Notification.objects.filter(recipient=user)
          .select_related("actor", "note", "comment").order_by("-id"))
    pos = decode_cursor(cursor)
    if pos:
        qs = qs.filter(id__lt=int(pos[0]))
    rows = list(qs[: limit + 1])
    nxt = encode_cursor([rows[limit - 1].pk]) if len(rows) > limit else None
    return rows[:limit], nxt


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- Follow and block -------------------------------------------------------------------

def follow(viewer: User, target: User) -> str:
    """Follow `target`; returns "accepted" or "pending" (private accounts approve)."""
    if viewer.pk == target.pk:
        raise Invalid(_("You cannot follow yourself."))
    if is_blocked(viewer, target):
        raise NotFound(_("User not found."))
    status = Follow.Status.PENDING if target.is_private else Follow.Status.ACCEPTED
    with transaction.atomic():
        existing = Follow.objects.select_for_update().filter(
            follower=viewer, followee=target).first()
        if existing:
            return existing.status
        try:
            with transaction.atomic():
                Follow.objects.create(follower=viewer, followee=target, status=status)
        except IntegrityError:
            return Follow.objects.get(follower=viewer, followee=target).status
        if status == Follow.Status.ACCEPTED:
            _count_follow(viewer.pk, target.pk, +1)
            notify(target, viewer, Notification.Kind.FOLLOW)
        else:
            notify(target, viewer, Notification.Kind.FOLLOW_REQUEST)
    log_event(viewer.pk, None, "follow", author_id=target.pk)
    return status


def _count_follow(follower_id: int, followee_id: int, delta: int) -> None:
    if delta > 0:
        User.objects.filter(pk=follower_id).update(following_count=F("following_count") + 1)
        User.objects.filter(pk=followee_id).update(follower_count=F("follower_count") + 1)
    else:
        User.objects.filter(pk=follower_id, following_count__gt=0).update(
            following_count=F("following_count") - 1)
        User.objects.filter(pk=followee_id, follower_count__gt=0).update(
            follower_count=F("follower_count") - 1)


def unfollow(viewer: User, target: User) -> None:
    with transaction.atomic():
        row = Follow.objects.select_for_update().filter(follower=viewer, followee=target).first()
        if row is None:
            return
        was_accepted = row.status == Follow.Status.ACCEPTED
        row.delete()
        if was_accepted:
            _count_follow(viewer.pk, target.pk, -1)


def respond_to_request(owner: User, requester: User, *, approve: bool) -> None:
    with transaction.atomic():
        row = Follow.objects.select_for_update().filter(
            follower=requester, followee=owner, status=Follow.Status.PENDING).first()
        if row is None:
            raise NotFound(_("No such follow request."))
        if approve:
            row.status = Follow.Status.ACCEPTED
            row.save(update_fields=["status"])
            _count_follow(requester.pk, owner.pk, +1)
            notify(requester, owner, Notification.Kind.FOLLOW_ACCEPTED)
        else:
            row.delete()
        Notification.objects.filter(
            recipient=owner, actor=requester, kind=Notification.Kind.FOLLOW_REQUEST,
            read_at__isnull=True).update(read_at=timezone.now())


def follow_requests(owner: User) -> QuerySet[Follow]:
    return Follow.objects.filter(followee=owner, status=Follow.Status.PENDING).select_related(
        "follower").order_by("-created_at")


def follow_state(viewer: User | None, target: User) -> str:
    """"self", "none", "pending" or "accepted" — what the follow button shows."""
    if viewer is None or not viewer.is_authenticated:
        return "none"
    if viewer.pk == target.pk:
        return "self"
    row = Follow.objects.filter(follower=viewer, followee=target).values_list(
        "status", flat=True).first()
    return row or "none"


def block(viewer: User, target: User) -> None:
    if viewer.pk == target.pk:
        raise Invalid(_("You cannot block yourself."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                Block.objects.create(blocker=viewer, blocked=target)
        except IntegrityError:
            return
        for a, b in ((viewer, target), (target, viewer)):
            row = Follow.objects.filter(follower=a, followee=b).first()
            if row:
                if row.status == Follow.Status.ACCEPTED:
                    _count_follow(a.pk, b.pk, -1)
                row.delete()


def unblock(viewer: User, target: User) -> None:
    Block.objects.filter(blocker=viewer, blocked=target).delete()


def blocked_users(viewer: User) -> QuerySet[User]:
    return User.objects.filter(blocks_received__blocker=viewer).order_by("username")


# --- Likes ------------------------------------------------------------------------------

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


def unlike_note(viewer: User, note_id: int) -> tuple[bool, int]:
    note = get_note_for(viewer, note_id)
    with transaction.atomic():
        deleted, _detail = Like.objects.filter(user=viewer, note=note).delete()
        if deleted:
            Note.objects.filter(pk=note.pk, like_count__gt=0).update(
                like_count=F("like_count") - 1)
            User.objects.filter(pk=note.author_id, likes_received__gt=0).update(
                likes_received=F("likes_received") - 1)
    if deleted:
        log_event(viewer.pk, note.pk, "unlike", author_id=note.author_id)
    count = Note.objects.filter(pk=note.pk).values_list("like_count", flat=True).first() or 0
    return False, count


def liked_note_ids(viewer: User | None, note_ids: list[int]) -> set[int]:
    if viewer is None or not viewer.is_authenticated or not note_ids:
        return set()
    return set(Like.objects.filter(user=viewer, note_id__in=note_ids).values_list(
        "note_id", flat=True))


def collected_note_ids(viewer: User | None, note_ids: list[int]) -> set[int]:
    if viewer is None or not viewer.is_authenticated or not note_ids:
        return set()
    return set(Collect.objects.filter(user=viewer, note_id__in=note_ids).values_list(
        "note_id", flat=True))


# --- Boards and collects ----------------------------------------------------------------

def create_board(owner: User, *, name: str, description: str = "",
                 is_private: bool = False) -> Board:
    name = normalize(name)
    if not name or len(name) > 40:
        raise Invalid(_("Board names have 1–40 characters."),
                      fields={"name": [_("Board names have 1–40 characters.")]})
    if Board.objects.filter(owner=owner, name=name).exists():
        raise Invalid(_("You already have a board with that name."),
                      fields={"name": [_("You already have a board with that name.")]})
    if Board.objects.filter(owner=owner).count() >= 200:
        raise Invalid(_("You have reached the limit of 200 boards."))
    return Board.objects.create(owner=owner, name=name,
                                description=normalize(description)[:200],
                                is_private=is_private)


def get_board_for(viewer: User | None, board_id: int) -> Board:
    board = Board.objects.select_related("owner").filter(pk=board_id).first()
    if board is None:
        raise NotFound(_("Board not found."))
    is_owner = viewer is not None and viewer.is_authenticated and board.owner_id == viewer.pk
    if not is_owner and (board.is_private or not can_see_profile_content(viewer, board.owner)
                         or (viewer is not None and board.owner_id in blocked_user_ids(viewer))):
        raise NotFound(_("Board not found."))
    return board


def own_board(viewer: User, board_id: int) -> Board:
    board = Board.objects.filter(pk=board_id, owner=viewer).first()
    if board is None:
        raise NotFound(_("Board not found."))
    return board


def update_board(viewer: User, board_id: int, **changes: Any) -> Board:
    board = own_board(viewer, board_id)
    if "name" in changes:
        name = normalize(changes["name"])
        if not name or len(name) > 40:
            raise Invalid(_("Board names have 1–40 characters."),
                          fields={"name": [_("Board names have 1–40 characters.")]})
        if Board.objects.filter(owner=viewer, name=name).exclude(pk=board.pk).exists():
            raise Invalid(_("You already have a board with that name."),
                          fields={"name": [_("You already have a board with that name.")]})
        board.name = name
    if "description" in changes:
        board.description = normalize(changes["description"])[:200]
    if "is_private" in changes:
        board.is_private = bool(changes["is_private"])
    board.save()
    return board


def delete_board(viewer: User, board_id: int) -> None:
    board = own_board(viewer, board_id)
    with transaction.atomic():
        note_ids = list(board.items.values_list("note_id", flat=True))
        board.delete()
        Note.objects.filter(pk__in=note_ids, collect_count__gt=0).update(
            collect_count=F("collect_count") - 1)


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


def uncollect(viewer: User, note_id: int, board_id: int) -> None:
    board = own_board(viewer, board_id)
    with transaction.atomic():
        deleted, _d = Collect.objects.filter(board=board, note_id=note_id).delete()
        if deleted:
            Note.objects.filter(pk=note_id, collect_count__gt=0).update(
                collect_count=F("collect_count") - 1)
            Board.objects.filter(pk=board.pk, item_count__gt=0).update(
                item_count=F("item_count") - 1)


def boards_of(viewer: User | None, owner: User) -> QuerySet[Board]:
    qs = Board.objects.filter(owner=owner).order_by("-created_at")
    is_owner = viewer is not None and viewer.is_authenticated and viewer.pk == owner.pk
    if not is_owner:
        if not can_see_profile_content(viewer, owner):
            return qs.none()
        qs = qs.filter(is_private=False)
    return qs


def board_covers(viewer: User | None, boards: list[Board]) -> dict[int, Note]:
    """The most recently collected note each board shows as its cover, among the notes the
    viewer may see (three queries for any number of boards)."""
    from django.db.models import OuterRef, Subquery

    from qiao.notes.services import visible_notes

    if not boards:
        return {}
    visible = visible_notes(viewer)
    latest = (Collect.objects.filter(board=OuterRef("pk"), note__in=visible)
              .order_by("-created_at").values("note_id")[:1])
    pairs = dict(Board.objects.filter(pk__in=[b.pk for b in boards])
                 .annotate(_cover=Subquery(latest)).values_list("pk", "_cover"))
    notes = {n.pk: n for n in Note.objects.filter(pk__in=[i for i in pairs.values() if i])
             .prefetch_related("images")}
    return {board_id: notes[note_id] for board_id, note_id in pairs.items() if note_id in notes}


def board_notes(viewer: User | None, board: Board) -> QuerySet[Note]:
    from qiao.notes.services import visible_notes

    return (visible_notes(viewer).filter(collects__board=board)
            .select_related("author").prefetch_related("images")
            .order_by("-collects__created_at"))


def collect_into_new_board(viewer: User, note_id: int, *, name: str,
                           is_private: bool = False) -> Board:
    """Create a board and collect the note into it, both or neither."""
    get_note_for(viewer, note_id)  # NotFound before a board is created for nothing
    with transaction.atomic():
        board = create_board(viewer, name=name, is_private=is_private)
        collect(viewer, note_id, board.pk)
    return board


def liked_notes(viewer: User | None, owner: User, *, cursor: str | None = None,
                limit: int = 20) -> tuple[list[Note], str | None]:
    """Notes `owner` liked that the viewer may see, newest like first (profile "Likes" tab).

    Empty when the owner's account is private and the viewer is not an accepted follower.
    """
    from qiao.notes.services import visible_notes

    if not can_see_profile_content(viewer, owner):
        return [], None
    qs = Like.objects.filter(user=owner, note__in=visible_notes(viewer)).order_by("-id")
    pos = decode_cursor(cursor)
    if pos:
        qs = qs.filter(id__lt=int(pos[0]))
    likes = list(qs.select_related("note__author").prefetch_related("note__images")
                 [: limit + 1])
    nxt = encode_cursor([likes[limit - 1].pk]) if len(likes) > limit else None
    return [like.note for like in likes[:limit]], nxt


# --- Comments ---------------------------------------------------------------------------

def add_comment(viewer: User, note_id: int, body: str, *, parent_id: int | None = None
                ) -> Comment:
    note = get_note_for(viewer, note_id)
    if not note.is_published:
        raise Invalid(_("Drafts cannot be commented on."))
    body = normalize(body)
    if not body:
        raise Invalid(_("Write something first."), fields={"body": [_("Write something first.")]})
    if len(body) > COMMENT_MAX:
        raise Invalid(_("At most %(n)d characters.") % {"n": COMMENT_MAX},
                      fields={"body": [_("At most %(n)d characters.") % {"n": COMMENT_MAX}]})
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, note=note, is_removed=False).first()
        if parent is None:
            raise NotFound(_("Comment not found."))
    with transaction.atomic():
        reply_to = None
        if parent is not None:
            reply_to = parent.author
            parent_root = parent.parent or parent  # one level of replies: attach to the root
            comment = Comment.objects.create(note=note, author=viewer, body=body,
                                             parent=parent_root, reply_to=reply_to)
            Comment.objects.filter(pk=parent_root.pk).update(reply_count=F("reply_count") + 1)
        else:
            comment = Comment.objects.create(note=note, author=viewer, body=body)
        Note.objects.filter(pk=note.pk).update(comment_count=F("comment_count") + 1)
        if reply_to is not None:
            notify(reply_to, viewer, Notification.Kind.REPLY, note=note, comment=comment)
        if reply_to is None or reply_to.pk != note.author_id:
            notify(note.author_id, viewer, Notification.Kind.COMMENT, note=note, comment=comment)
        notify_mentions(viewer, extract_mentions(body), note=note, comment=comment)
        from qiao.notes import signals

        signals.comment_posted.send(sender=Comment, comment_id=comment.pk)
    log_event(viewer.pk, note.pk, "comment", author_id=note.author_id)
    return comment


def delete_comment(viewer: User, comment_id: int) -> None:
    comment = Comment.objects.select_related("note").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(_("Comment not found."))
    if viewer.pk not in (comment.author_id, comment.note.author_id):
        raise Forbidden(_("You can delete only your own comments or comments on your notes."))
    with transaction.atomic():
        removed = 1 + (comment.replies.count() if comment.parent_id is None else 0)
        if comment.parent_id:
            Comment.objects.filter(pk=comment.parent_id, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1)
        comment.delete()
        Note.objects.filter(pk=comment.note_id).update(
            comment_count=F("comment_count") - removed)


def list_comments(viewer: User | None, note_id: int, *, parent_id: int | None = None,
                  cursor: str | None = None, limit: int = 20
                  ) -> tuple[list[Comment], str | None]:
    note = get_note_for(viewer, note_id)
    qs = Comment.objects.filter(note=note, parent_id=parent_id, is_removed=False)
    blocked = blocked_user_ids(viewer)
    if blocked:
        qs = qs.exclude(author_id__in=blocked)
    pos = decode_cursor(cursor)
    if pos:
        ts, cid = datetime.fromisoformat(str(pos[0])), int(pos[1])
        qs = qs.filter(Q(created_at__gt=ts) | Q(created_at=ts, id__gt=cid))
    rows = list(qs.select_related("author", "reply_to").order_by("created_at", "id")[:limit + 1])
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = encode_cursor([rows[-1].created_at.isoformat(), rows[-1].pk])
    return rows, nxt


def like_comment(viewer: User, comment_id: int) -> int:
    comment = Comment.objects.filter(pk=comment_id, is_removed=False).first()
    if comment is None:
        raise NotFound(_("Comment not found."))
    get_note_for(viewer, comment.note_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                CommentLike.objects.create(user=viewer, comment=comment)
        except IntegrityError:
            pass
        else:
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
            notify(comment.author_id, viewer, Notification.Kind.COMMENT_LIKE,
                   note=comment.note, comment=comment)
    return Comment.objects.get(pk=comment.pk).like_count


def unlike_comment(viewer: User, comment_id: int) -> int:
    with transaction.atomic():
        deleted, _d = CommentLike.objects.filter(user=viewer, comment_id=comment_id).delete()
        if deleted:
            Comment.objects.filter(pk=comment_id, like_count__gt=0).update(
                like_count=F("like_count") - 1)
    row = Comment.objects.filter(pk=comment_id).values_list("like_count", flat=True).first()
    if row is None:
        raise NotFound(_("Comment not found."))
    return row


def liked_comment_ids(viewer: User | None, ids: list[int]) -> set[int]:
    if viewer is None or not viewer.is_authenticated or not ids:
        return set()
    return set(CommentLike.objects.filter(user=viewer, comment_id__in=ids).values_list(
        "comment_id", flat=True))


# --- Keeping counters right when rows disappear ----------------------------------------

def recount_before_note_removal(note: Note) -> None:
    """Boards lose an item when a collected note is deleted."""
    for board_id in Collect.objects.filter(note=note).values_list("board_id", flat=True):
        Board.objects.filter(pk=board_id, item_count__gt=0).update(
            item_count=F("item_count") - 1)


def recount_after_user_removal(user: User) -> Callable[[], None]:
    """Collect what a user's deletion touches; the returned callable fixes the counters."""
    note_ids = set(Like.objects.filter(user=user).values_list("note_id", flat=True))
    note_ids |= set(Collect.objects.filter(user=user).values_list("note_id", flat=True))
    note_ids |= set(Comment.objects.filter(author=user).values_list("note_id", flat=True))
    comment_ids = set(CommentLike.objects.filter(user=user).values_list("comment_id", flat=True))
    root_ids = set(Comment.objects.filter(author=user, parent__isnull=False).values_list(
        "parent_id", flat=True))
    user_ids = set(Follow.objects.filter(follower=user).values_list("followee_id", flat=True))
    user_ids |= set(Follow.objects.filter(followee=user).values_list("follower_id", flat=True))
    author_ids = set(Like.objects.filter(user=user).values_list("note__author_id", flat=True))

    def fix() -> None:
        for note in Note.objects.filter(pk__in=note_ids).annotate(
            n_likes=Count("likes", distinct=True), n_collects=Count("collects", distinct=True),
            n_comments=Count("comments", distinct=True),
        ):
            Note.objects.filter(pk=note.pk).update(
                like_count=note.n_likes, collect_count=note.n_collects,
                comment_count=note.n_comments)
        for comment in Comment.objects.filter(pk__in=comment_ids | root_ids).annotate(
            n_likes=Count("likes", distinct=True), n_replies=Count("replies", distinct=True)
        ):
            Comment.objects.filter(pk=comment.pk).update(
                like_count=comment.n_likes, reply_count=comment.n_replies)
        for uid in user_ids | author_ids:
            User.objects.filter(pk=uid).update(
                follower_count=Follow.objects.filter(
                    followee_id=uid, status=Follow.Status.ACCEPTED).count(),
                following_count=Follow.objects.filter(
                    follower_id=uid, status=Follow.Status.ACCEPTED).count(),
                likes_received=Like.objects.filter(note__author_id=uid).count(),
            )

    return fix


def hide_note(viewer: User, note_id: int) -> None:
    """"Not interested": the For-you feed stops showing the note and learns from it."""
    note = get_note_for(viewer, note_id)
    if note.author_id == viewer.pk:
        raise Invalid(_("This is your own note."))
    log_event(viewer.pk, note.pk, "hide", author_id=note.author_id, surface="note")

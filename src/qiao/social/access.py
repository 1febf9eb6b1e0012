"""Who may see which board, comment and notification. Every reader asks here.

Builds on `notes.access` (a comment or board note is only visible with its note) and
`accounts.access` (blocks hide both ways; private accounts show boards to followers only).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from qiao.accounts.access import blocked_user_ids, can_see_profile_content, signed_in
from qiao.accounts.models import User
from qiao.core.errors import NotFound
from qiao.notes.access import get_note_for, visible_notes
from qiao.notes.models import Note
from qiao.social.models import Board, Comment, Notification


def _is_owner(viewer: User | None, board: Board) -> bool:
    return signed_in(viewer) and board.owner_id == viewer.pk


def can_see_board(viewer: User | None, board: Board) -> bool:
    """Owners see their boards; others see public boards of accounts whose content they may
    see (private accounts: accepted followers; never across a block)."""
    if _is_owner(viewer, board):
        return True
    return not board.is_private and can_see_profile_content(viewer, board.owner)


def get_board_for(viewer: User | None, board_id: int) -> Board:
    board = Board.objects.select_related("owner").filter(pk=board_id).first()
    if board is None or not board.owner.is_active or not can_see_board(viewer, board):
        raise NotFound(_("Board not found."))
    return board


def own_board(viewer: User, board_id: int) -> Board:
    board = Board.objects.select_related("owner").filter(pk=board_id, owner=viewer).first()
    if board is None:
        raise NotFound(_("Board not found."))
    return board


def visible_boards(viewer: User | None, owner: User) -> QuerySet[Board]:
    """The boards of `owner` that `viewer` may see, newest first."""
    qs = Board.objects.filter(owner=owner).select_related("owner").order_by("-created_at")
    if signed_in(viewer) and viewer.pk == owner.pk:
        return qs
    if not can_see_profile_content(viewer, owner):
        return qs.none()
    return qs.filter(is_private=False)


def board_notes(viewer: User | None, board: Board) -> QuerySet[Note]:
    """The notes of a board the viewer may see (removed, private, blocked ones left out),
    most recently collected first."""
    return (
        visible_notes(viewer)
        .filter(collects__board=board)
        .select_related("author")
        .prefetch_related("images", "topics")
        .order_by("-collects__created_at")
    )


def visible_comments(viewer: User | None, note: Note) -> QuerySet[Comment]:
    """Comments on a note (which the caller has checked the viewer may see): not removed,
    their authors active, and nobody the viewer blocked or was blocked by."""
    author = User.objects.filter(pk=OuterRef("author_id"), is_active=True)
    qs = Comment.objects.filter(note=note, is_removed=False).filter(Exists(author))
    blocked = blocked_user_ids(viewer)
    if blocked:
        qs = qs.exclude(author_id__in=blocked)
    return qs


def get_comment_for(viewer: User | None, comment_id: int) -> Comment:
    """A comment the viewer may see (its note visible, not removed, no block either way),
    else NotFound — the same answer whether it does not exist or is hidden."""
    comment = Comment.objects.select_related("author", "note").filter(pk=comment_id).first()
    if comment is None or comment.is_removed or not comment.author.is_active:
        raise NotFound(_("Comment not found."))
    if comment.author_id in blocked_user_ids(viewer):
        raise NotFound(_("Comment not found."))
    try:
        get_note_for(viewer, comment.note_id)
    except NotFound:
        raise NotFound(_("Comment not found.")) from None
    return comment


def visible_notifications(user: User) -> QuerySet[Notification]:
    """The user's notifications that still make sense to show: the actor still active and
    not blocked either way, and any note or comment they are about still visible to them."""
    qs = Notification.objects.filter(recipient=user, actor__is_active=True)
    blocked = blocked_user_ids(user)
    if blocked:
        qs = qs.exclude(actor_id__in=blocked)
    note_visible = Exists(visible_notes(user).filter(pk=OuterRef("note_id")))
    return qs.filter(Q(note__isnull=True) | Q(note_visible)).exclude(comment__is_removed=True)

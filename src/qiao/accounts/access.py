"""Who may see which account, and how two accounts stand to each other.

One function per question; every reader (pages, API, other domains) asks here rather than
querying follows and blocks itself. Blocks hide both ways.
"""

from __future__ import annotations

from typing import TypeGuard

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from qiao.accounts.models import Block, Follow, User
from qiao.core.errors import NotFound


def signed_in(viewer: User | None) -> TypeGuard[User]:
    """A member (the edges pass None for a visitor, never Django's AnonymousUser)."""
    return viewer is not None


def is_moderator(user: User | None) -> TypeGuard[User]:
    """A member of the moderation team: an active staff account with the moderation
    permission (the "Moderators" group gives it; superusers have every permission). The
    domains that moderators keep (reports, the glossary, readers' fixes) ask here."""
    return (
        user is not None
        and user.is_active
        and user.is_staff
        and user.has_perm("moderation.moderate")
    )


def blocked_user_ids(user: User | None) -> set[int]:
    """Everyone `user` blocked or was blocked by (blocks hide both ways)."""
    if user is None:
        return set()
    rows = Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
        "blocker_id", "blocked_id"
    )
    return {b if a == user.pk else a for a, b in rows}


def is_blocked(a: User | int | None, b: User | int | None) -> bool:
    """True when either of the two blocked the other."""
    if a is None or b is None:
        return False
    a_id = a if isinstance(a, int) else a.pk
    b_id = b if isinstance(b, int) else b.pk
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def get_user(username: str, viewer: User | None = None) -> User:
    """An active account by username (any case), as `viewer` may see it: NotFound when it
    does not exist, is suspended, or either of the two blocked the other."""
    user = User.objects.filter(username__iexact=(username or "").strip(), is_active=True).first()
    if user is None or (viewer is not None and is_blocked(viewer, user)):
        raise NotFound(_("User not found."))
    return user


def follows(follower: User | None, followee: User) -> bool:
    """An accepted follow from `follower` to `followee`."""
    if not signed_in(follower):
        return False
    return Follow.objects.filter(
        follower=follower, followee=followee, status=Follow.Status.ACCEPTED
    ).exists()


def follows_author(viewer: User, author_ref: str = "author") -> Exists:
    """A subquery expression: `viewer` follows (accepted) the row's `author_ref`."""
    return Exists(
        Follow.objects.filter(
            follower=viewer, followee=OuterRef(author_ref), status=Follow.Status.ACCEPTED
        )
    )


def followed_ids(viewer: User | None) -> set[int]:
    """Accounts `viewer` follows (accepted)."""
    if not signed_in(viewer):
        return set()
    return set(
        Follow.objects.filter(follower=viewer, status=Follow.Status.ACCEPTED).values_list(
            "followee_id", flat=True
        )
    )


def accepted_follow_pairs(user_ids: list[int]) -> list[tuple[int, int]]:
    """Accepted follows among `user_ids` (follower, followee)."""
    return list(
        Follow.objects.filter(
            follower_id__in=user_ids, followee_id__in=user_ids, status=Follow.Status.ACCEPTED
        ).values_list("follower_id", "followee_id")
    )


def accepted_followers(account: User) -> QuerySet[Follow]:
    """The accepted follows of `account` (for its own analytics)."""
    return Follow.objects.filter(followee=account, status=Follow.Status.ACCEPTED)


def follow_state(viewer: User | None, target: User) -> str:
    """ "self", "none", "pending" or "accepted": what the follow button shows."""
    if viewer is None:
        return "none"
    if viewer.pk == target.pk:
        return "self"
    row = (
        Follow.objects.filter(follower=viewer, followee=target)
        .values_list("status", flat=True)
        .first()
    )
    return row or "none"


def can_see_profile_content(viewer: User | None, owner: User) -> bool:
    """Notes, boards and likes of a private account show to accepted followers only, and
    nothing of either shows to the other across a block."""
    if viewer is not None and viewer.pk == owner.pk:
        return True
    if viewer is not None and is_blocked(viewer, owner):
        return False
    if not owner.is_private:
        return True
    return follows(viewer, owner)


def follow_requests(owner: User) -> QuerySet[Follow]:
    """Pending requests to follow `owner` (only the owner sees these)."""
    return (
        Follow.objects.filter(followee=owner, status=Follow.Status.PENDING)
        .exclude(follower__is_active=False)
        .select_related("follower")
        .order_by("-created_at")
    )


def blocked_users(viewer: User) -> QuerySet[User]:
    """The accounts `viewer` blocked (their own list; never shown to anyone else)."""
    return User.objects.filter(blocks_received__blocker=viewer).order_by("username")

"""Who may see and decide which suggested fix. Every reader asks here.

A pending or declined fix is between its suggester, the text's author and the moderators;
an accepted one is what every reader of the text sees. Nobody sees a fix of a text they
may not see (visibility, blocks both ways: `notes.access`, `social.access`).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qiao.accounts.access import blocked_user_ids, is_moderator, signed_in
from qiao.accounts.models import User
from qiao.core.errors import NotFound
from qiao.fixes.models import SuggestedFix
from qiao.notes.access import get_note_for
from qiao.social.access import get_comment_for


def can_see_target(viewer: User | None, fix: SuggestedFix) -> bool:
    """The note or comment the fix is about is visible to `viewer`."""
    try:
        if fix.comment_id is not None:
            get_comment_for(viewer, fix.comment_id)
        else:
            get_note_for(viewer, fix.note_id)
    except NotFound:
        return False
    return True


def is_party(viewer: User | None, fix: SuggestedFix) -> bool:
    return signed_in(viewer) and viewer.pk in (fix.author_id, fix.suggester_id)


def can_see_fix(viewer: User | None, fix: SuggestedFix) -> bool:
    if is_moderator(viewer):
        return True
    if fix.status not in (
        SuggestedFix.Status.ACCEPTED,
        SuggestedFix.Status.SUPERSEDED,
    ) and not is_party(viewer, fix):
        return False
    if signed_in(viewer) and fix.suggester_id in blocked_user_ids(viewer):
        return False
    return can_see_target(viewer, fix)


def get_fix_for(viewer: User | None, fix_id: int) -> SuggestedFix:
    """A fix the viewer may see, else NotFound (the same answer whether it does not exist
    or is hidden from them)."""
    fix = (
        SuggestedFix.objects.select_related("suggester", "author", "note", "comment")
        .filter(pk=fix_id)
        .first()
    )
    if fix is None or not can_see_fix(viewer, fix):
        raise NotFound(_("Suggestion not found."))
    return fix


def can_decide(viewer: User | None, fix: SuggestedFix) -> bool:
    """The text's author accepts or declines; so may a moderator."""
    return signed_in(viewer) and (viewer.pk == fix.author_id or is_moderator(viewer))


def can_withdraw(viewer: User | None, fix: SuggestedFix) -> bool:
    return (
        signed_in(viewer)
        and viewer.pk == fix.suggester_id
        and fix.status == SuggestedFix.Status.PENDING
    )


def fixes_to_review(viewer: User, *, everyone: bool = False) -> QuerySet[SuggestedFix]:
    """Pending fixes of the viewer's texts (of everyone's, for a moderator asking for all),
    not from anyone blocked either way, newest first."""
    qs = SuggestedFix.objects.filter(status=SuggestedFix.Status.PENDING, suggester__is_active=True)
    if not (everyone and is_moderator(viewer)):
        qs = qs.filter(author=viewer)
    blocked = blocked_user_ids(viewer)
    if blocked:
        qs = qs.exclude(suggester_id__in=blocked)
    return qs.select_related("suggester", "note", "comment").order_by("-created_at", "-id")


def own_fixes(viewer: User) -> QuerySet[SuggestedFix]:
    """The fixes the viewer suggested (their own history), newest first."""
    return (
        SuggestedFix.objects.filter(suggester=viewer)
        .select_related("author", "note", "comment")
        .order_by("-created_at", "-id")
    )


def accepted_comment_fix(comment_id: int, language: str) -> SuggestedFix | None:
    """The accepted fix a comment's readers see in `language` (the latest), if any. (The
    caller checked that the viewer may see the comment.)"""
    return (
        SuggestedFix.objects.filter(
            comment_id=comment_id, language=language, status=SuggestedFix.Status.ACCEPTED
        )
        .select_related("suggester")
        .order_by("-decided_at", "-id")
        .first()
    )

"""What readers and authors are shown of suggested fixes: a comment's translation with an
accepted fix in place of the machine output, and the review lists (fixes of my texts to
decide, my own suggestions). Both edges render these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qiao.accounts.models import User
from qiao.core.pagination import cursor_id, decode_cursor, encode_cursor
from qiao.fixes import access
from qiao.fixes.models import SuggestedFix
from qiao.social import read as social_read
from qiao.social.access import get_comment_for
from qiao.translation.models import COMMUNITY_ENGINE
from qiao.translation.services import language_name


def comment_for_reader(viewer: User | None, comment_id: int, target: str) -> dict[str, Any]:
    """A comment the viewer may see, in `target`: a readers' fix its author accepted, else
    the machine translation (raises Invalid/Unavailable when it cannot be translated,
    NotFound when the comment is hidden from the viewer)."""
    comment = get_comment_for(viewer, comment_id)
    fix = access.accepted_comment_fix(comment.pk, target)
    if fix is not None:
        by = fix.suggester
        return {
            "text": fix.text,
            "source": comment.language or fix.source_language,
            "target": target,
            "engine": COMMUNITY_ENGINE,
            "source_name": language_name(comment.language),
            "suggested_by": by.username if by is not None else None,
            "suggested_by_name": by.name if by is not None else "",
        }
    result = social_read.comment_for_reader(viewer, comment_id, target)
    return {**result, "suggested_by": None, "suggested_by_name": ""}


@dataclass
class FixView:
    """A suggestion as one viewer sees it in a review list."""

    fix: SuggestedFix
    can_decide: bool
    can_withdraw: bool
    can_report: bool

    @property
    def is_note(self) -> bool:
        return self.fix.kind == SuggestedFix.Kind.NOTE


BOXES = ("received", "sent", "all")


def fix_views(viewer: User, rows: list[SuggestedFix]) -> list[FixView]:
    return [
        FixView(
            fix=f,
            can_decide=f.status == SuggestedFix.Status.PENDING and access.can_decide(viewer, f),
            can_withdraw=access.can_withdraw(viewer, f),
            can_report=viewer.pk != f.suggester_id and f.suggester_id is not None,
        )
        for f in rows
    ]


def review_list(
    viewer: User, box: str = "received", *, cursor: str | None = None, limit: int = 20
) -> tuple[list[FixView], str | None]:
    """ "received": pending fixes of the viewer's texts; "sent": the viewer's own
    suggestions, any status; "all": every pending fix (moderators; others get their own
    received ones)."""
    qs = (
        access.own_fixes(viewer)
        if box == "sent"
        else access.fixes_to_review(viewer, everyone=box == "all")
    )
    pos = decode_cursor(cursor)
    if pos:
        qs = qs.filter(id__lt=cursor_id(pos, 0))
    limit = max(1, min(limit, 50))
    rows = list(qs[: limit + 1])
    nxt = encode_cursor([rows[limit - 1].pk]) if len(rows) > limit else None
    return fix_views(viewer, rows[:limit]), nxt


def pending_count(viewer: User) -> int:
    return access.fixes_to_review(viewer).count()

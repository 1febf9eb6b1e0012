"""Readers' suggested translation fixes: suggest one for a note or a comment, review the
ones for my posts (accept, decline), follow mine (withdraw). Reports go through
`POST /reports` with kind `fix`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from qiao.api import schemas as s
from qiao.api.auth import require_user
from qiao.api.errors import ERRORS
from qiao.fixes import read, services
from qiao.fixes.access import get_fix_for
from qiao.fixes.models import SuggestedFix

router = Router(tags=["fixes"])


class NoteFixIn(Schema):
    language: s.Language = Field(description="the translation's language")
    title: str = Field(max_length=100)
    body: str = Field("", max_length=2000)
    reason: str = Field("", max_length=300, description="why it is better (optional)")


class CommentFixIn(Schema):
    language: s.Language
    text: str = Field(max_length=1000)
    reason: str = Field("", max_length=300)


class FixOut(Schema):
    id: int
    kind: str = Field(description="note or comment")
    note_id: int
    comment_id: int | None
    language: str
    source_language: str
    original_title: str
    original_text: str
    machine_title: str
    machine_text: str
    title: str
    text: str
    reason: str
    status: str = Field(
        description="pending, accepted, declined, withdrawn, outdated, superseded or removed"
    )
    suggested_by: str | None
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def of(f: SuggestedFix) -> dict[str, Any]:
        return {
            "id": f.pk,
            "kind": f.kind,
            "note_id": f.note_id,
            "comment_id": f.comment_id,
            "language": f.language,
            "source_language": f.source_language,
            "original_title": f.original_title,
            "original_text": f.original_text,
            "machine_title": f.machine_title,
            "machine_text": f.machine_text,
            "title": f.title,
            "text": f.text,
            "reason": f.reason,
            "status": f.status,
            "suggested_by": f.suggester.username if f.suggester else None,
            "created_at": f.created_at,
            "decided_at": f.decided_at,
        }


class FixPageOut(Schema):
    items: list[FixOut]
    next_cursor: str | None


@router.post("/notes/{int:note_id}/fixes", response={201: FixOut, **ERRORS})
def suggest_note_fix(
    request: HttpRequest, note_id: int, payload: NoteFixIn
) -> Status[dict[str, Any]]:
    """Suggest a better translation of a note into `language` (the one readers see now must
    be a machine translation or an earlier fix). One pending suggestion per note and
    language: a new one replaces it. Rate-limited (`suggest`)."""
    fix = services.suggest_note_fix(require_user(request), note_id, **payload.dict())
    return Status(201, FixOut.of(fix))


@router.post("/comments/{int:comment_id}/fixes", response={201: FixOut, **ERRORS})
def suggest_comment_fix(
    request: HttpRequest, comment_id: int, payload: CommentFixIn
) -> Status[dict[str, Any]]:
    """Suggest a better translation of a comment."""
    fix = services.suggest_comment_fix(require_user(request), comment_id, **payload.dict())
    return Status(201, FixOut.of(fix))


@router.get("/fixes", response={200: FixPageOut, **ERRORS})
def list_fixes(
    request: HttpRequest, box: str = "received", cursor: str | None = None, limit: s.Limit = 20
) -> dict[str, Any]:
    """`received`: pending suggestions for my notes and comments; `sent`: mine, any status;
    `all`: every pending suggestion (moderators)."""
    rows, nxt = read.review_list(require_user(request), box, cursor=cursor, limit=limit)
    return {"items": [FixOut.of(r.fix) for r in rows], "next_cursor": nxt}


@router.get("/fixes/{int:fix_id}", response={200: FixOut, **ERRORS})
def get_fix(request: HttpRequest, fix_id: int) -> dict[str, Any]:
    return FixOut.of(get_fix_for(require_user(request), fix_id))


@router.post("/fixes/{int:fix_id}/accept", response={200: FixOut, **ERRORS})
def accept(request: HttpRequest, fix_id: int) -> dict[str, Any]:
    """The author (or a moderator) accepts: every reader sees it, as improved by the
    community."""
    return FixOut.of(services.accept_fix(require_user(request), fix_id))


@router.post("/fixes/{int:fix_id}/decline", response={200: FixOut, **ERRORS})
def decline(request: HttpRequest, fix_id: int) -> dict[str, Any]:
    return FixOut.of(services.decline_fix(require_user(request), fix_id))


@router.delete("/fixes/{int:fix_id}", response={204: None, **ERRORS})
def withdraw(request: HttpRequest, fix_id: int) -> Status[None]:
    """Withdraw my pending suggestion."""
    services.withdraw_fix(require_user(request), fix_id)
    return Status(204, None)

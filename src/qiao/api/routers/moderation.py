"""`POST /api/v1/reports`: report a note, comment or account."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from qiao.api import schemas as s
from qiao.api.auth import require_user
from qiao.api.errors import ERRORS
from qiao.moderation import services

router = Router(tags=["moderation"])


class ReportIn(Schema):
    kind: Literal["note", "comment", "user", "fix"] = Field(
        description="note, comment, user or fix (a suggested translation)"
    )
    target_id: s.Id
    reason: Literal[
        "spam", "harassment", "hate", "nudity", "violence", "misinformation", "ip", "other"
    ]
    details: s.ReportDetails = ""


class ReportOut(Schema):
    id: int
    kind: str
    reason: str
    status: str
    created_at: datetime


@router.post("/reports", response={201: ReportOut, **ERRORS})
def create_report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    row = services.report(require_user(request), **payload.dict())
    return Status(
        201,
        {
            "id": row.pk,
            "kind": row.kind,
            "reason": row.reason,
            "status": row.status,
            "created_at": row.created_at,
        },
    )


class AppealIn(Schema):
    message: s.ReportDetails = ""


class AppealOut(Schema):
    id: int
    note_id: int
    status: str
    created_at: datetime


@router.post("/notes/{id:note_id}/appeal", response={201: AppealOut, **ERRORS})
def appeal(request: HttpRequest, note_id: int, payload: AppealIn) -> Status[dict[str, Any]]:
    """Ask the moderators to look again at my note that was hidden after reports."""
    row = services.appeal(require_user(request), note_id, payload.message)
    return Status(
        201,
        {"id": row.pk, "note_id": row.note_id, "status": row.status, "created_at": row.created_at},
    )

"""`POST /api/v1/reports`: report a note, comment or account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from qiao.api.auth import require_user
from qiao.moderation import services

router = Router(tags=["moderation"])


class ReportIn(Schema):
    kind: str = Field(description="note, comment, user or fix (a suggested translation)")
    target_id: int
    reason: str = Field(description="spam, harassment, hate, nudity, violence, "
                                    "misinformation, ip or other")
    details: str = Field("", max_length=500)


class ReportOut(Schema):
    id: int
    kind: str
    reason: str
    status: str
    created_at: datetime


@router.post("/reports", response={201: ReportOut, 400: Any, 401: Any, 404: Any, 429: Any})
def create_report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    row = services.report(require_user(request), **payload.dict())
    return Status(201, {"id": row.pk, "kind": row.kind, "reason": row.reason,
                        "status": row.status, "created_at": row.created_at})

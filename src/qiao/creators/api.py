"""`/api/v1/me/analytics` and `/api/v1/notes/{id}/analytics`: creator analytics as JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from qiao.api.auth import require_user
from qiao.api.schemas import ErrorOut
from qiao.creators import services

router = Router(tags=["creators"])
ERRORS: dict[int | tuple[int, ...], Any] = {(400, 401, 403, 404): ErrorOut}


@router.get("/me/analytics", response={200: dict[str, Any], **ERRORS})
def my_analytics(request: HttpRequest, days: int = services.DEFAULT_DAYS,
                 order: str = "views", top: int = services.TOP_NOTES) -> dict[str, Any]:
    """My account over the last `days` (7, 28 or 90) days: views, opens, unique viewers,
    engagement, average dwell, audience language mix, cross-language reach, a daily series,
    follower growth and the top notes (`order`: views or engagement). See docs/creators.md."""
    return services.account_analytics(require_user(request), days=days, order=order, top=top)


@router.get("/notes/{int:note_id}/analytics", response={200: dict[str, Any], **ERRORS})
def note_analytics(request: HttpRequest, note_id: int,
                   days: int = services.DEFAULT_DAYS) -> dict[str, Any]:
    """One of my notes over the last `days` days. 403 for someone else's note I can see,
    404 for a note I cannot see."""
    return services.note_analytics(require_user(request), note_id, days=days)

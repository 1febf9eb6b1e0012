"""Engagement events from clients (impressions, opens, dwell time, shares, hides)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from qiao.api import schemas as s
from qiao.api.auth import require_user
from qiao.api.errors import ERRORS
from qiao.feed import services as feed

router = Router(tags=["events"])


@router.post("/events", response={202: s.CountOut, **ERRORS})
def post_events(request: HttpRequest, payload: s.EventsIn) -> Status[dict[str, Any]]:
    """Log impressions, opens, dwell time, shares and hides in one batch (≤ 200)."""
    user = require_user(request)
    count = feed.record_client_events(
        user, [(e.kind, e.note_id, e.value, e.surface) for e in payload.events]
    )
    return Status(202, {"count": count})

"""`/api/v1/me/analytics` and `/api/v1/notes/{id}/analytics`: creator analytics as JSON.

docs/creators.md defines every field.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from qiao.api.auth import require_user
from qiao.api.schemas import ErrorOut
from qiao.creators import services

router = Router(tags=["creators"])
ERRORS: dict[int | tuple[int, ...], Any] = {(400, 401, 403, 404): ErrorOut}


class PeriodOut(Schema):
    days: int
    first_day: str
    last_day: str
    start: str
    end: str
    time_zone: str


class SummaryOut(Schema):
    impressions: int
    opens: int
    likes: int
    unlikes: int
    collects: int
    comments: int
    shares: int
    follows: int
    hides: int
    engagements: int
    viewers: int
    engagers: int
    dwells: int
    open_rate: float | None
    engagement_rate: float | None
    avg_dwell_seconds: float | None


class CrossLanguageOut(Schema):
    viewers: int
    cross_viewers: int
    cross_viewer_share: float | None
    translated: int
    translated_share: float | None
    engagers: int
    cross_engagers: int
    cross_engager_share: float | None


class LanguageShare(Schema):
    language: str
    users: int
    share: float | None


class CombinationShare(Schema):
    languages: list[str]
    users: int
    share: float | None


class MixOut(Schema):
    users: int
    read_languages: list[LanguageShare]
    read_combinations: list[CombinationShare]
    ui_languages: list[LanguageShare]


class AudienceOut(Schema):
    engaged: MixOut
    viewers: MixOut


class DayOut(Schema):
    date: str
    impressions: int
    opens: int
    engagements: int
    follows: int


class FollowerDay(Schema):
    date: str
    new: int
    total: int


class FollowersOut(Schema):
    now: int
    at_start: int
    new: int
    series: list[FollowerDay]


class TopNoteOut(Schema):
    id: int
    title: str
    language: str | None
    status: str
    visibility: str
    author_versions: list[str]
    has_author_version: bool
    impressions: int
    viewers: int
    engagements: int
    engagement_rate: float | None
    cross_viewers: int
    cross_viewer_share: float | None
    translated: int


class AccountRef(Schema):
    id: int
    username: str


class AccountAnalyticsOut(Schema):
    period: PeriodOut
    account: AccountRef
    summary: SummaryOut
    cross_language: CrossLanguageOut
    audience: AudienceOut
    daily: list[DayOut]
    followers: FollowersOut
    top_notes: list[TopNoteOut]


class VersionRef(Schema):
    language: str
    is_machine: bool


class NoteRef(Schema):
    id: int
    title: str
    language: str | None
    status: str
    visibility: str
    versions: list[VersionRef]
    has_author_version: bool


class NoteAnalyticsOut(Schema):
    period: PeriodOut
    note: NoteRef
    summary: SummaryOut
    cross_language: CrossLanguageOut
    audience: AudienceOut
    daily: list[DayOut]


@router.get("/me/analytics", response={200: AccountAnalyticsOut, **ERRORS})
def my_analytics(
    request: HttpRequest,
    days: int = services.DEFAULT_DAYS,
    order: str = "views",
    top: int = services.TOP_NOTES,
) -> dict[str, Any]:
    """My account over the last `days` (7, 28 or 90) calendar days, today included: views,
    opens, unique viewers, engagement, average dwell, audience language mix, cross-language
    reach, a daily series, follower growth and the top notes (`order`: views or engagement;
    `top`: 1–50). See docs/creators.md for the exact definitions."""
    return services.account_analytics(require_user(request), days=days, order=order, top=top)


@router.get("/notes/{id:note_id}/analytics", response={200: NoteAnalyticsOut, **ERRORS})
def note_analytics(
    request: HttpRequest, note_id: int, days: int = services.DEFAULT_DAYS
) -> dict[str, Any]:
    """One of my notes over the last `days` days. 403 for someone else's note I can see,
    404 for a note I cannot see."""
    return services.note_analytics(require_user(request), note_id, days=days)

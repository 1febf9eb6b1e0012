"""Creator analytics: what happened to an account's notes over the last 7, 28 or 90 days.

Every number comes from a handful of aggregate queries over the engagement log (joined to the
reader and the note in the database through `EventFact`), never from a Python loop over
events. Python only reshapes the few grouped rows that come back (≤ 90 days, ≤ a few dozen
language groups, ≤ `top` notes). docs/creators.md defines each metric exactly.

Only the author sees their analytics: `account_analytics` serves the caller's own account and
`note_analytics` goes through `notes.services.get_own_note` (403 for a note the caller can see
but does not own, 404 otherwise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Replace, StrIndex, TruncDate
from django.db.models.lookups import Exact, GreaterThan, In, IsNull
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotAuthenticated
from qiao.creators.models import EventFact
from qiao.notes.services import get_own_note
from qiao.social.models import Follow
from qiao.translation.models import NoteVersion

PERIODS = (7, 28, 90)
DEFAULT_DAYS = 28
TOP_NOTES = 10
VIEW_KINDS = ("impression", "open")
#: Actions on a note that count as engagement (the numerator of the engagement rate).
ENGAGE_KINDS = ("like", "collect", "comment", "share")
#: Everything that makes a reader an "engaged user": engagement plus following the author.
ENGAGER_KINDS = (*ENGAGE_KINDS, "follow")
#: Note languages that say nothing about who can read the note.
UNKNOWN_LANGUAGES = ("", "und")

VIEW = Q(kind__in=VIEW_KINDS)
ENGAGE = Q(kind__in=ENGAGE_KINDS)
ENGAGER = Q(kind__in=ENGAGER_KINDS)


# --- the period --------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    days: int
    first_day: date  # local calendar days, both ends included
    last_day: date
    start: datetime  # aware: midnight at the start of first_day
    end: datetime  # aware: now
    tz: tzinfo

    def day_list(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.days)]


def period(days: int = DEFAULT_DAYS, *, now: datetime | None = None) -> Period:
    """The last `days` calendar days in the current time zone, today included."""
    if days not in PERIODS:
        raise Invalid(_("Choose a period of 7, 28 or 90 days."),
                      fields={"days": [_("Choose 7, 28 or 90.")]})
    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    last = timezone.localtime(now, tz).date()
    first = last - timedelta(days=days - 1)
    start = datetime.combine(first, time.min).replace(tzinfo=tz)
    return Period(days=days, first_day=first, last_day=last, start=start, end=now, tz=tz)


# --- SQL building blocks -----------------------------------------------------------------

def _day(field: str, tz: tzinfo) -> Any:
    """The local calendar day of a timestamp, computed by the database.

    Django's TruncDate on SQLite calls a Python function per row (slow on 100k rows); SQLite's
    own date() with the zone's current UTC offset is native. (On SQLite the offset is the one
    in force now, so in a zone with summer time a day boundary can be an hour off for events
    before the last switch; PostgreSQL converts each timestamp exactly.)
    """
    if connection.vendor == "sqlite":
        offset = timezone.localtime(timezone.now(), tz).utcoffset() or timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        if minutes == 0:
            return Func(F(field), function="date", output_field=CharField())
        sign = "+" if minutes >= 0 else "-"
        modifier = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return Func(F(field), Value(modifier), function="date", output_field=CharField())
    return TruncDate(field, tzinfo=tz)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _langs(ref: type[F] | type[OuterRef] = F) -> Case:
    """The languages the reader reads, as JSON text such as `["en", "zh"]`.

    A reader with an empty `read_languages` list falls back to the interface language, written
    so that `"zh"` matches `zh-hans` (`"zh"-hans"`), the way
    `translation.services.reader_languages` falls back. `ref` is `OuterRef` inside a subquery.
    """
    rl = Cast(ref("user__read_languages"), TextField())
    return Case(
        When(Q(IsNull(rl, False)) & ~Q(In(rl, ["[]", ""])), then=rl),
        default=Concat(Value('"'), Replace(ref("user__ui_language"), Value("-"), Value('"-')),
                       Value('"'), output_field=TextField()),
        output_field=TextField(),
    )


def _quoted(expr: Any) -> Concat:
    return Concat(Value('"'), expr, Value('"'), output_field=TextField())


def _facts(p: Period) -> QuerySet[EventFact]:
    """Events in the period (the caller narrows to an author or a note)."""
    return EventFact.objects.filter(created_at__gte=p.start, created_at__lte=p.end)


#: A view or action that crossed the language barrier: the note has a known language and the
#: reader's (known) languages do not include it.
_NL = F("note__language")
CROSS = (
    Q(IsNull(_NL, False)) & ~Q(In(_NL, list(UNKNOWN_LANGUAGES)))
    & Q(IsNull(_langs(), False)) & ~Q(In(_langs(), ["[]", '""']))
    & Q(Exact(StrIndex(_langs(), _quoted(_NL)), 0))
)


def _translated() -> Exists:
    """A version of the note in a language the reader reads existed when the event happened."""
    versions = NoteVersion.objects.filter(
        note_id=OuterRef("note_id"), created_at__lte=OuterRef("created_at"),
    ).filter(GreaterThan(StrIndex(_langs(OuterRef), _quoted(F("language"))), 0))
    return Exists(versions)


def _ratio(num: float | int | None, den: float | int | None) -> float | None:
    if not den:
        return None
    return round(float(num or 0) / float(den), 4)


# --- the blocks of a report --------------------------------------------------------------

def _summary(qs: QuerySet[EventFact]) -> dict[str, Any]:
    translated = _translated()
    row = qs.aggregate(
        impressions=Count("id", filter=Q(kind="impression")),
        opens=Count("id", filter=Q(kind="open")),
        likes=Count("id", filter=Q(kind="like")),
        unlikes=Count("id", filter=Q(kind="unlike")),
        collects=Count("id", filter=Q(kind="collect")),
        comments=Count("id", filter=Q(kind="comment")),
        shares=Count("id", filter=Q(kind="share")),
        follows=Count("id", filter=Q(kind="follow")),
        hides=Count("id", filter=Q(kind="hide")),
        engagements=Count("id", filter=ENGAGE),
        dwells=Count("id", filter=Q(kind="dwell")),
        avg_dwell=Avg("value", filter=Q(kind="dwell")),
        viewers=Count("user_id", distinct=True, filter=VIEW),
        engagers=Count("user_id", distinct=True, filter=ENGAGER),
        cross_viewers=Count("user_id", distinct=True, filter=VIEW & CROSS),
        cross_viewers_translated=Count("user_id", distinct=True,
                                       filter=VIEW & CROSS & Q(translated)),
        cross_engagers=Count("user_id", distinct=True, filter=ENGAGER & CROSS),
    )
    summary = {k: row[k] for k in (
        "impressions", "opens", "likes", "unlikes", "collects", "comments", "shares",
        "follows", "hides", "engagements", "viewers", "engagers", "dwells")}
    summary["open_rate"] = _ratio(row["opens"], row["impressions"])
    summary["engagement_rate"] = _ratio(row["engagements"], row["impressions"])
    summary["avg_dwell_seconds"] = (round(row["avg_dwell"], 1)
                                    if row["avg_dwell"] is not None else None)
    cross = {
        "viewers": row["viewers"],
        "cross_viewers": row["cross_viewers"],
        "cross_viewer_share": _ratio(row["cross_viewers"], row["viewers"]),
        "translated": row["cross_viewers_translated"],
        "translated_share": _ratio(row["cross_viewers_translated"], row["cross_viewers"]),
        "engagers": row["engagers"],
        "cross_engagers": row["cross_engagers"],
        "cross_engager_share": _ratio(row["cross_engagers"], row["engagers"]),
    }
    return {"summary": summary, "cross_language": cross}


def _daily(qs: QuerySet[EventFact], p: Period) -> list[dict[str, Any]]:
    rows = (
        qs.annotate(day=_day("created_at", p.tz)).values("day")
        .annotate(
            impressions=Count("id", filter=Q(kind="impression")),
            opens=Count("id", filter=Q(kind="open")),
            engagements=Count("id", filter=ENGAGE),
            follows=Count("id", filter=Q(kind="follow")),
            viewers=Count("user_id", distinct=True, filter=VIEW),
        )
        .order_by("day")
    )
    found = {_as_date(r["day"]): r for r in rows}
    out = []
    for d in p.day_list():
        r = found.get(d, {})
        out.append({"date": d.isoformat(),
                    **{k: r.get(k, 0) for k in
                       ("impressions", "opens", "engagements", "follows", "viewers")}})
    return out


def _languages(raw: str | None) -> tuple[str, ...]:
    """`_langs` text back to a sorted tuple of base language codes."""
    if not raw or raw in ('""', "[]"):
        return ()
    if raw.startswith("["):
        try:
            return tuple(sorted({str(x).split("-")[0].lower() for x in json.loads(raw)}))
        except ValueError:
            return ()
    return (raw.strip('"').split('"')[0].lower(),)  # the interface-language fallback


def _audience(qs: QuerySet[EventFact]) -> dict[str, Any]:
    """Distinct viewers and engaged users grouped by (reading languages, UI language).

    Each reader has exactly one (languages, UI language) pair, so the groups are disjoint and
    their sizes add up to the distinct totals; Python then re-adds the few groups by language.
    """
    rows = (
        qs.filter(user__isnull=False).filter(VIEW | ENGAGER)
        .annotate(_langs=_langs()).values("_langs", "user__ui_language")
        .annotate(viewers=Count("user_id", distinct=True, filter=VIEW),
                  engaged=Count("user_id", distinct=True, filter=ENGAGER))
        .order_by()
    )
    groups = [(_languages(r["_langs"]), r["user__ui_language"] or "", r["viewers"],
               r["engaged"]) for r in rows]

    def mix(index: int) -> dict[str, Any]:
        total = sum(g[index] for g in groups)
        by_read: dict[str, int] = {}
        by_combo: dict[tuple[str, ...], int] = {}
        by_ui: dict[str, int] = {}
        for langs, ui, *counts in groups:
            n = counts[index - 2]
            if not n:
                continue
            for lang in langs or ("",):
                by_read[lang] = by_read.get(lang, 0) + n
            by_combo[langs] = by_combo.get(langs, 0) + n
            by_ui[ui] = by_ui.get(ui, 0) + n

        def ranked(d: dict[Any, int], key: str) -> list[dict[str, Any]]:
            items = sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))
            return [{key: (list(k) if isinstance(k, tuple) else k), "users": n,
                     "share": _ratio(n, total)} for k, n in items]

        return {"users": total,
                "read_languages": ranked(by_read, "language"),
                "read_combinations": ranked(by_combo, "languages"),
                "ui_languages": ranked(by_ui, "language")}

    return {"engaged": mix(3), "viewers": mix(2)}


def _top_notes(qs: QuerySet[EventFact], *, order: str, top: int) -> list[dict[str, Any]]:
    translated = _translated()
    rows = list(
        qs.filter(note__created_at__isnull=False)  # the note still exists
        .values("note_id", "note__title", "note__language", "note__status",
                "note__visibility")
        .annotate(
            impressions=Count("id", filter=Q(kind="impression")),
            opens=Count("id", filter=Q(kind="open")),
            engagements=Count("id", filter=ENGAGE),
            likes=Count("id", filter=Q(kind="like")),
            collects=Count("id", filter=Q(kind="collect")),
            comments=Count("id", filter=Q(kind="comment")),
            viewers=Count("user_id", distinct=True, filter=VIEW),
            cross_viewers=Count("user_id", distinct=True, filter=VIEW & CROSS),
            translated=Count("user_id", distinct=True, filter=VIEW & CROSS & Q(translated)),
        )
        .order_by(*(("-engagements", "-impressions") if order == "engagement"
                    else ("-impressions", "-engagements")), "-note_id")[:top]
    )
    ids = [r["note_id"] for r in rows]
    versions: dict[int, list[str]] = {}
    for nid, lang in (NoteVersion.objects.filter(note_id__in=ids, is_machine=False)
                      .order_by("language").values_list("note_id", "language")):
        versions.setdefault(nid, []).append(lang)
    return [{
        "id": r["note_id"], "title": r["note__title"], "language": r["note__language"],
        "status": r["note__status"], "visibility": r["note__visibility"],
        "author_versions": versions.get(r["note_id"], []),
        "has_author_version": bool(versions.get(r["note_id"])),
        "impressions": r["impressions"], "opens": r["opens"], "viewers": r["viewers"],
        "likes": r["likes"], "collects": r["collects"], "comments": r["comments"],
        "engagements": r["engagements"],
        "engagement_rate": _ratio(r["engagements"], r["impressions"]),
        "cross_viewers": r["cross_viewers"],
        "cross_viewer_share": _ratio(r["cross_viewers"], r["viewers"]),
        "translated": r["translated"],
    } for r in rows]


def _followers(account: User, p: Period) -> dict[str, Any]:
    """Accepted followers now and how that count grew over the period.

    Unfollowing deletes the Follow row, so history is "followers who still follow": the count
    at the start of the period is today's count minus those who followed during it.
    """
    qs = Follow.objects.filter(followee_id=account.pk, status=Follow.Status.ACCEPTED)
    now_count = qs.count()
    rows = (qs.filter(created_at__gte=p.start).annotate(day=_day("created_at", p.tz))
            .values("day").annotate(n=Count("id")).order_by())
    gained = {_as_date(r["day"]): r["n"] for r in rows}
    total_new = sum(gained.values())
    running = now_count - total_new
    series = []
    for d in p.day_list():
        running += gained.get(d, 0)
        series.append({"date": d.isoformat(), "new": gained.get(d, 0), "total": running})
    return {"now": now_count, "at_start": now_count - total_new, "new": total_new,
            "series": series}


def _period_dict(p: Period) -> dict[str, Any]:
    return {"days": p.days, "first_day": p.first_day.isoformat(),
            "last_day": p.last_day.isoformat(), "start": p.start.isoformat(),
            "end": p.end.isoformat(), "time_zone": str(p.tz)}


# --- use cases ---------------------------------------------------------------------------

def _require(viewer: User | None) -> User:
    if viewer is None or not viewer.is_authenticated:
        raise NotAuthenticated(_("Sign in first."))
    return viewer


def account_analytics(viewer: User | None, *, days: int = DEFAULT_DAYS,
                      account: User | None = None, order: str = "views",
                      top: int = TOP_NOTES, now: datetime | None = None) -> dict[str, Any]:
    """The signed-in creator's own account over the last `days` days."""
    viewer = _require(viewer)
    account = account or viewer
    if account.pk != viewer.pk:
        raise Forbidden(_("Only the creator can see these analytics."))
    if order not in ("views", "engagement"):
        raise Invalid(_("Sort by views or engagement."))
    p = period(days, now=now)
    qs = _facts(p).filter(author_id=account.pk)
    return {
        "period": _period_dict(p),
        "account": {"id": account.pk, "username": account.username},
        **_summary(qs),
        "audience": _audience(qs),
        "daily": _daily(qs, p),
        "followers": _followers(account, p),
        "top_notes": _top_notes(qs, order=order, top=max(1, min(top, 50))),
    }


def note_analytics(viewer: User | None, note_id: int, *, days: int = DEFAULT_DAYS,
                   now: datetime | None = None) -> dict[str, Any]:
    """One of the signed-in creator's notes over the last `days` days."""
    viewer = _require(viewer)
    note = get_own_note(viewer, note_id)  # 404, or 403 for someone else's visible note
    p = period(days, now=now)
    qs = _facts(p).filter(note_id=note.pk)
    versions = list(NoteVersion.objects.filter(note=note).order_by("language")
                    .values("language", "is_machine"))
    return {
        "period": _period_dict(p),
        "note": {"id": note.pk, "title": note.title, "language": note.language,
                 "status": note.status, "visibility": note.visibility,
                 "versions": versions,
                 "has_author_version": any(not v["is_machine"] for v in versions)},
        **_summary(qs),
        "audience": _audience(qs),
        "daily": _daily(qs, p),
    }

"""Creator analytics: what happened to an account's notes over the last 7, 28 or 90 days.

Every number comes from two aggregate statements over the engagement log (joined to the
reader and the note in the database), never from a Python loop over events. Python only
reshapes the few grouped rows that come back (≤ 90 days × 10 kinds, ≤ a few dozen language
groups, ≤ `top` notes). docs/creators.md defines each metric exactly.

Only the author sees their analytics: `account_analytics` serves the caller's own account and
`note_analytics` goes through `notes.services.get_own_note` (403 for a note the caller can see
but does not own, 404 otherwise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Func, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.access import accepted_followers
from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotAuthenticated
from qiao.events.models import EngagementEvent
from qiao.notes.access import get_own_note
from qiao.notes.models import Note
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
DAILY_KEYS = ("impressions", "opens", "engagements", "follows")


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
        raise Invalid(
            _("Choose a period of 7, 28 or 90 days."), fields={"days": [_("Choose 7, 28 or 90.")]}
        )
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


def _facts(p: Period) -> QuerySet[EngagementEvent]:
    """Events in the period (the caller narrows to an author or a note)."""
    return EngagementEvent.objects.filter(created_at__gte=p.start, created_at__lte=p.end)


# --- reader x note pairs ---------------------------------------------------------------
#
# Cross-language reach depends on the pair (reader, note): the reader's languages and the
# note's language. Joining every event (100k rows) to its user and note and testing that on
# each is what made a first version slow, so the work is done on pairs, in one SQL statement
# of materialised common table expressions:
#
#   p   the period's events grouped by (user_id, note_id) by the ORM -- one index-only pass
#       over the covering index of migration 0003; tens of thousands of rows at most
#   ul  each reader's languages as JSON text, once per reader;  nl  each note's language
#   r   p joined to ul and nl, with is_cross and is_translated per pair
#   ru  r rolled up per reader, so distinct-people counts are plain SUMs
#
# and three parts in one row layout (UNION ALL): totals over ru, audience groups over ru, the
# top notes over r. Because a pair is one reader and one note, "distinct readers of a note" is
# a count of pairs.
#
# Raw SQL here only glues together ORM-compiled SQL and fixed fragments: every value is a
# query parameter and every interpolated name is a constant of this module or a model's
# db_table.

PAIR_COUNTS = {
    "views": VIEW,
    "impressions": Q(kind="impression"),
    "engagements": ENGAGE,
    "engager": ENGAGER,
}


def _pairs_sql(qs: QuerySet[EngagementEvent]) -> tuple[str, list[Any]]:
    inner = (
        qs.order_by()
        .values("user_id", "note_id")
        .annotate(
            **{k: Count("id", filter=f) for k, f in PAIR_COUNTS.items()},
            last_view=Max("created_at", filter=VIEW),
        )
    )
    sql, params = inner.query.sql_with_params()
    return sql, list(params)


def _readers_ctes(qs: QuerySet[EngagementEvent]) -> tuple[str, list[Any]]:
    """Common table expressions ending in `r`: the pairs with `langs`, `ui`, `nl`, `nid`,
    `is_cross` and `is_translated`.

    `langs` is the reader's `read_languages` as JSON text (`["en", "zh"]`); a reader with an
    empty list falls back to the interface language, written so that `"zh"` matches `zh-hans`
    (`"zh"-hans"`), as `translation.services.reader_languages` falls back. It is computed once
    per reader (`ul`), not per pair: turning jsonb into text is what costs on PostgreSQL. A pair
    is cross-language when the note has a known language and the reader's known languages do
    not include it; translated when, in addition, the reader viewed the note and a version of
    it in a language the reader reads existed at the reader's last view.
    """
    pairs, params = _pairs_sql(qs)
    pg = connection.vendor == "postgresql"
    rl = "u.read_languages::text" if pg else "u.read_languages"
    find = "strpos" if pg else "instr"
    users, notes = User._meta.db_table, Note._meta.db_table
    versions = NoteVersion._meta.db_table
    langs = (
        f"CASE WHEN {rl} IS NOT NULL AND {rl} NOT IN ('[]', '') THEN {rl} "
        "ELSE '\"' || REPLACE(COALESCE(u.ui_language, ''), '-', '\"-') || '\"' END"
    )
    cross = (
        "(nl.language IS NOT NULL AND nl.language NOT IN ('', 'und') "
        "AND COALESCE(ul.langs, '\"\"') NOT IN ('[]', '\"\"') "
        f"AND {find}(ul.langs, '\"' || nl.language || '\"') = 0)"
    )
    translated = (
        f"EXISTS (SELECT 1 FROM {versions} v WHERE v.note_id = p.note_id "  # noqa: S608 - see above
        "AND v.created_at <= p.last_view "
        f"AND {find}(ul.langs, '\"' || v.language || '\"') > 0)"
    )
    sql = (
        f"p AS MATERIALIZED ({pairs}), "  # noqa: S608 - see above
        f"ul AS MATERIALIZED (SELECT u.id, ({langs}) AS langs, u.ui_language AS ui "
        f"FROM {users} u WHERE u.id IN (SELECT p.user_id FROM p)), "
        f"nl AS MATERIALIZED (SELECT n.id, n.language FROM {notes} n "
        "WHERE n.id IN (SELECT p.note_id FROM p)), "
        "r AS MATERIALIZED (SELECT p.*, ul.langs, ul.ui, nl.language AS nl, nl.id AS nid, "
        f"CASE WHEN {cross} THEN 1 ELSE 0 END AS is_cross, "
        f"CASE WHEN p.views > 0 AND {cross} AND {translated} THEN 1 ELSE 0 END "
        "AS is_translated "
        "FROM p LEFT JOIN ul ON ul.id = p.user_id LEFT JOIN nl ON nl.id = p.note_id)"
    )
    return sql, params


def _fetch(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    if connection.vendor == "postgresql":
        # PostgreSQL cannot estimate rows through the CTEs, guesses millions, and then spends
        # ~2 s JIT-compiling a query that runs in a fraction of that: no JIT for this one.
        with transaction.atomic(savepoint=False), connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            cur.execute(sql, params)
            names = [c[0] for c in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _ratio(num: float | int | None, den: float | int | None) -> float | None:
    if not den:
        return None
    return round(float(num or 0) / float(den), 4)


# One row layout for the three parts of the report (UNION ALL needs one): `part` says which.
_T, _N = "CAST(NULL AS VARCHAR(200))", "CAST(NULL AS BIGINT)"


def _report_rows(qs: QuerySet[EngagementEvent], *, order: str, top: int) -> list[dict[str, Any]]:
    return _fetch(*_report_sql(qs, order=order, top=top))


def _report_sql(qs: QuerySet[EngagementEvent], *, order: str, top: int) -> tuple[str, list[Any]]:
    ctes, params = _readers_ctes(qs)
    order_sql = (
        "engagements DESC, impressions DESC"
        if order == "engagement"
        else "impressions DESC, engagements DESC"
    )
    viewer = "r.views > 0 AND r.user_id IS NOT NULL"
    sql = (
        f"WITH {ctes}, "  # noqa: S608 - see above
        # one row per reader: what they did across all the pairs (no COUNT DISTINCT needed)
        "ru AS (SELECT r.user_id, MAX(r.langs) AS langs, MAX(r.ui) AS ui, "
        "MAX(CASE WHEN r.views > 0 THEN 1 ELSE 0 END) AS viewed, "
        "MAX(CASE WHEN r.engager > 0 THEN 1 ELSE 0 END) AS engaged, "
        "MAX(CASE WHEN r.views > 0 AND r.is_cross = 1 THEN 1 ELSE 0 END) AS cross_viewed, "
        "MAX(r.is_translated) AS translated, "
        "MAX(CASE WHEN r.engager > 0 AND r.is_cross = 1 THEN 1 ELSE 0 END) AS cross_engaged "
        "FROM r WHERE r.user_id IS NOT NULL GROUP BY r.user_id) "
        "SELECT 'total' AS part, "
        f"{_N} AS id, {_T} AS s1, {_T} AS s2, {_T} AS s3, {_T} AS s4, "
        "SUM(ru.viewed) AS n1, SUM(ru.engaged) AS n2, SUM(ru.cross_viewed) AS n3, "
        "SUM(ru.translated) AS n4, SUM(ru.cross_engaged) AS n5 "
        "FROM ru "
        "UNION ALL "
        f"SELECT 'audience', {_N}, ru.langs, ru.ui, {_T}, {_T}, "
        f"SUM(ru.viewed), SUM(ru.engaged), {_N}, {_N}, {_N} "
        "FROM ru WHERE ru.ui IS NOT NULL GROUP BY ru.langs, ru.ui "
        "UNION ALL "
        "SELECT * FROM (SELECT 'note', g.note_id, n.title, n.language, n.status, "
        "n.visibility, g.viewers, g.cross_viewers, g.translated, g.impressions, "
        "g.engagements FROM (SELECT r.note_id, "
        f"SUM(CASE WHEN {viewer} THEN 1 ELSE 0 END) AS viewers, "
        f"SUM(CASE WHEN {viewer} AND r.is_cross = 1 THEN 1 ELSE 0 END) AS cross_viewers, "
        "SUM(CASE WHEN r.is_translated = 1 AND r.user_id IS NOT NULL THEN 1 ELSE 0 END) "
        "AS translated, "
        "SUM(r.impressions) AS impressions, SUM(r.engagements) AS engagements "
        "FROM r WHERE r.nid IS NOT NULL GROUP BY r.note_id) g "
        f"JOIN {Note._meta.db_table} n ON n.id = g.note_id "
        f"ORDER BY {order_sql}, g.note_id DESC LIMIT %s) top_notes"
    )
    return sql, [*params, top]


def _by_day_and_kind(
    qs: QuerySet[EngagementEvent], p: Period
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The daily series and the per-kind totals, from one pass grouped by (day, kind).

    At most 90 days x 10 kinds rows come back; Python adds them up.
    """
    rows = (
        qs.order_by()
        .annotate(day=_day("created_at", p.tz))
        .values("day", "kind")
        .annotate(n=Count("id"), total=Sum("value"))
    )
    per_day: dict[date, dict[str, int]] = {}
    kinds: dict[str, dict[str, Any]] = {}
    for r in rows:
        kind, n = r["kind"], int(r["n"])
        k = kinds.setdefault(kind, {"n": 0, "total": 0.0})
        k["n"] += n
        k["total"] += float(r["total"] or 0)
        day = per_day.setdefault(_as_date(r["day"]), dict.fromkeys(DAILY_KEYS, 0))
        if kind == "impression":
            day["impressions"] += n
        elif kind == "open":
            day["opens"] += n
        elif kind == "follow":
            day["follows"] += n
        if kind in ENGAGE_KINDS:
            day["engagements"] += n
    daily = [
        {"date": d.isoformat(), **per_day.get(d, dict.fromkeys(DAILY_KEYS, 0))}
        for d in p.day_list()
    ]
    return daily, kinds


def _summary(total: dict[str, Any], kinds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def n(*names: str) -> int:
        return sum(int(kinds[k]["n"]) for k in names if k in kinds)

    summary: dict[str, int | float | None] = {
        "impressions": n("impression"),
        "opens": n("open"),
        "likes": n("like"),
        "unlikes": n("unlike"),
        "collects": n("collect"),
        "comments": n("comment"),
        "shares": n("share"),
        "follows": n("follow"),
        "hides": n("hide"),
        "engagements": n(*ENGAGE_KINDS),
        "viewers": int(total["n1"] or 0),
        "engagers": int(total["n2"] or 0),
        "dwells": n("dwell"),
    }
    summary["open_rate"] = _ratio(summary["opens"], summary["impressions"])
    summary["engagement_rate"] = _ratio(summary["engagements"], summary["impressions"])
    dwell_total = float(kinds["dwell"]["total"] or 0) if "dwell" in kinds else 0.0
    dwells = n("dwell")
    summary["avg_dwell_seconds"] = round(dwell_total / dwells, 1) if dwells else None
    # Clips: how often one started, and seconds watched per start (a reader who watches
    # twice counts twice; the player reports each opening's watch time once).
    plays = n("play")
    watched = float(kinds["watch"]["total"] or 0) if "watch" in kinds else 0.0
    summary["plays"] = plays
    summary["watch_seconds"] = round(watched, 1)
    summary["avg_watch_seconds"] = round(watched / plays, 1) if plays else None
    cross_viewers, translated, cross_engagers = (int(total[k] or 0) for k in ("n3", "n4", "n5"))
    cross = {
        "viewers": summary["viewers"],
        "cross_viewers": cross_viewers,
        "cross_viewer_share": _ratio(cross_viewers, summary["viewers"]),
        "translated": translated,
        "translated_share": _ratio(translated, cross_viewers),
        "engagers": summary["engagers"],
        "cross_engagers": cross_engagers,
        "cross_engager_share": _ratio(cross_engagers, summary["engagers"]),
    }
    return {"summary": summary, "cross_language": cross}


def _languages(raw: str | None) -> tuple[str, ...]:
    """`langs` text back to a sorted tuple of base language codes."""
    if not raw or raw in ('""', "[]"):
        return ()
    if raw.startswith("["):
        try:
            return tuple(sorted({str(x).split("-")[0].lower() for x in json.loads(raw)}))
        except ValueError:
            return ()
    return (raw.strip('"').split('"')[0].lower(),)  # the interface-language fallback


def _audience(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Distinct viewers and engaged users by reading languages and by UI language.

    The rows are grouped by (reading languages, UI language); each reader has exactly one such
    pair, so the groups are disjoint and add up to the distinct totals, and Python re-adds the
    few groups by language.
    """
    groups: list[tuple[tuple[str, ...], str, int, int]] = [
        (_languages(r["s1"]), r["s2"] or "", int(r["n1"] or 0), int(r["n2"] or 0)) for r in rows
    ]

    def count(group: tuple[tuple[str, ...], str, int, int], index: int) -> int:
        return group[2] if index == 2 else group[3]

    def mix(index: int) -> dict[str, Any]:
        total = sum(count(g, index) for g in groups)
        by_read: dict[str, int] = {}
        by_combo: dict[tuple[str, ...], int] = {}
        by_ui: dict[str, int] = {}
        for group in groups:
            langs, ui, n = group[0], group[1], count(group, index)
            if not n:
                continue
            for lang in langs or ("",):
                by_read[lang] = by_read.get(lang, 0) + n
            by_combo[langs] = by_combo.get(langs, 0) + n
            by_ui[ui] = by_ui.get(ui, 0) + n

        def ranked(d: dict[Any, int], key: str) -> list[dict[str, Any]]:
            items = sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))
            return [
                {
                    key: (list(k) if isinstance(k, tuple) else k),
                    "users": n,
                    "share": _ratio(n, total),
                }
                for k, n in items
            ]

        return {
            "users": total,
            "read_languages": ranked(by_read, "language"),
            "read_combinations": ranked(by_combo, "languages"),
            "ui_languages": ranked(by_ui, "language"),
        }

    return {"engaged": mix(3), "viewers": mix(2)}


def _top_notes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    versions: dict[int, list[str]] = {}
    for nid, lang in (
        NoteVersion.objects.filter(note_id__in=ids, is_machine=False)
        .order_by("language")
        .values_list("note_id", "language")
    ):
        versions.setdefault(nid, []).append(lang)
    out = []
    for r in rows:
        viewers, cross, translated = int(r["n1"] or 0), int(r["n2"] or 0), int(r["n3"] or 0)
        impressions, engagements = int(r["n4"] or 0), int(r["n5"] or 0)  # column names: part 1
        out.append(
            {
                "id": r["id"],
                "title": r["s1"],
                "language": r["s2"],
                "status": r["s3"],
                "visibility": r["s4"],
                "author_versions": versions.get(r["id"], []),
                "has_author_version": bool(versions.get(r["id"])),
                "impressions": impressions,
                "viewers": viewers,
                "engagements": engagements,
                "engagement_rate": _ratio(engagements, impressions),
                "cross_viewers": cross,
                "cross_viewer_share": _ratio(cross, viewers),
                "translated": translated,
            }
        )
    return out


def _report(
    qs: QuerySet[EngagementEvent], p: Period, *, order: str = "views", top: int = TOP_NOTES
) -> dict[str, Any]:
    rows = _report_rows(qs, order=order, top=top)
    total = next(r for r in rows if r["part"] == "total")
    daily, kinds = _by_day_and_kind(qs, p)
    return {
        **_summary(total, kinds),
        "audience": _audience([r for r in rows if r["part"] == "audience"]),
        "daily": daily,
        "top_notes": _top_notes([r for r in rows if r["part"] == "note"]),
    }


def _followers(account: User, p: Period) -> dict[str, Any]:
    """Accepted followers now and how that count grew over the period.

    Unfollowing deletes the Follow row, so history is "followers who still follow": the count
    at the start of the period is today's count minus those who followed during it.
    """
    qs = accepted_followers(account)
    now_count = qs.count()
    rows = (
        qs.filter(created_at__gte=p.start)
        .annotate(day=_day("created_at", p.tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    gained = {_as_date(r["day"]): r["n"] for r in rows}
    total_new = sum(gained.values())
    running = now_count - total_new
    series = []
    for d in p.day_list():
        running += gained.get(d, 0)
        series.append({"date": d.isoformat(), "new": gained.get(d, 0), "total": running})
    return {"now": now_count, "at_start": now_count - total_new, "new": total_new, "series": series}


def _period_dict(p: Period) -> dict[str, Any]:
    return {
        "days": p.days,
        "first_day": p.first_day.isoformat(),
        "last_day": p.last_day.isoformat(),
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "time_zone": str(p.tz),
    }


# --- use cases ---------------------------------------------------------------------------


def _require(viewer: User | None) -> User:
    if viewer is None:
        raise NotAuthenticated(_("Sign in first."))
    return viewer


def account_analytics(
    viewer: User | None,
    *,
    days: int = DEFAULT_DAYS,
    account: User | None = None,
    order: str = "views",
    top: int = TOP_NOTES,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The signed-in creator's own account over the last `days` days."""
    viewer = _require(viewer)
    account = account or viewer
    if account.pk != viewer.pk:
        raise Forbidden(_("Only the creator can see these analytics."))
    if order not in ("views", "engagement"):
        raise Invalid(_("Sort by views or engagement."))
    p = period(days, now=now)
    qs = _facts(p).filter(author_id=account.pk)
    report = _report(qs, p, order=order, top=max(1, min(top, 50)))
    return {
        "period": _period_dict(p),
        "account": {"id": account.pk, "username": account.username},
        **report,
        "followers": _followers(account, p),
    }


def note_analytics(
    viewer: User | None, note_id: int, *, days: int = DEFAULT_DAYS, now: datetime | None = None
) -> dict[str, Any]:
    """One of the signed-in creator's notes over the last `days` days."""
    viewer = _require(viewer)
    note = get_own_note(viewer, note_id)  # 404, or 403 for someone else's visible note
    p = period(days, now=now)
    qs = _facts(p).filter(note_id=note.pk)
    versions = list(
        NoteVersion.objects.filter(note=note).order_by("language").values("language", "is_machine")
    )
    return {
        "period": _period_dict(p),
        "note": {
            "id": note.pk,
            "title": note.title,
            "language": note.language,
            "status": note.status,
            "visibility": note.visibility,
            "versions": versions,
            "has_author_version": any(not v["is_machine"] for v in versions),
        },
        **{k: v for k, v in _report(qs, p, top=1).items() if k != "top_notes"},
    }

"""The discovery feeds. `for_you` is the one function the recommender replaces."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.db.models import Exists, ExpressionWrapper, F, FloatField, IntegerField, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.access import followed_ids
from qiao.accounts.models import User
from qiao.core.errors import Invalid
from qiao.core.pagination import (
    check_id,
    cursor_id,
    cursor_offset,
    cursor_time,
    decode_cursor,
    encode_cursor,
)
from qiao.core.ratelimit import rate_limited
from qiao.events.services import EventIn, log_events
from qiao.feed import adapter, store, training
from qiao.notes.access import visible_notes
from qiao.notes.models import Note
from qiao.notes.read import list_notes

#: How many of the newest visible notes the untrained fallback ranks by engagement.
FALLBACK_POOL = 1000


def for_you(viewer: User | None, *, cursor: str | None = None, limit: int = 20
            ) -> tuple[list[Note], str | None]:
    """Personal discovery feed. Until a recommender model is trained: recent notes ranked by
    engagement, boosted for the viewer's interests, paged by offset into a stable ranking."""
    ranked = adapter.recommend_page(viewer, cursor=cursor, limit=limit)
    if ranked is not None and (cursor or len(ranked[0]) >= limit):
        return ranked
    if ranked is not None:
        # The model ran out of unseen notes for this viewer: top the first page up from
        # the engagement-ranked fallback, so the feed never looks empty.
        rows, nxt = ranked
        fill, _fill_next = _fallback(viewer, None, limit)
        have = {n.pk for n in rows}
        rows = rows + [n for n in fill if n.pk not in have][: limit - len(rows)]
        return rows, nxt  # the model's cursor only: the two cursor formats never mix
    return _fallback(viewer, cursor, limit)


def _fallback(viewer: User | None, cursor: str | None, limit: int
              ) -> tuple[list[Note], str | None]:
    """Recent notes ranked by engagement and onboarding interests (no model needed)."""
    limit = max(1, min(limit, 50))
    offset = cursor_offset(decode_cursor(cursor), 0, maximum=FALLBACK_POOL)
    since = timezone.now() - timedelta(days=30)
    recent = visible_notes(viewer).filter(published_at__gte=since)
    if viewer is not None:
        recent = recent.exclude(author=viewer)
    # Rank only the newest FALLBACK_POOL notes (walked on the recent-notes index): the cost
    # stays flat however big the site grows, instead of sorting every note of the month.
    pool = list(recent.order_by("-published_at", "-id").values_list("pk", flat=True)
                [:FALLBACK_POOL])
    qs = Note.objects.filter(pk__in=pool)
    score = ExpressionWrapper(
        F("like_count") + 2 * F("collect_count") + 3 * F("comment_count"),
        output_field=FloatField(),
    )
    interests = list(getattr(viewer, "interests", None) or [])
    if interests:
        # Onboarding interests are the cold-start signal: a matching topic is worth a lot.
        # An EXISTS per row, not a COUNT over a join: no GROUP BY over every recent note,
        # which kept the signed-in discovery page over its 50 ms budget (bench/discovery.py).
        match = Note.topics.through.objects.filter(
            note_id=OuterRef("pk"), topic__name__in=interests)
        qs = qs.annotate(_match=Cast(Exists(match), IntegerField()))  # PostgreSQL: no int*bool
        score = ExpressionWrapper(score + 20 * F("_match"), output_field=FloatField())
    qs = qs.annotate(_score=score)
    rows: list[Note] = list(
        qs.select_related("author").prefetch_related("images", "topics")
        .order_by("-_score", "-published_at", "-id")[offset: offset + limit + 1]
    )
    if len(rows) < limit + 1 and offset == 0 and len(rows) < limit:
        # Young site: fill with anything recent.
        more, _n = list_notes(viewer, limit=limit)
        seen = {n.pk for n in rows}
        rows += [n for n in more if n.pk not in seen]
    nxt = encode_cursor([offset + limit]) if len(rows) > limit else None
    return rows[:limit], nxt


def following(viewer: User, *, cursor: str | None = None, limit: int = 20
              ) -> tuple[list[Note], str | None]:
    """Notes from people the viewer follows, newest first."""
    pos = decode_cursor(cursor)  # a malformed cursor is a 400 even when nothing follows
    if pos:
        cursor_time(pos, 0), cursor_id(pos, 1)
    ids = sorted(followed_ids(viewer))
    if not ids:
        return [], None

    rows, nxt = list_notes(viewer, cursor=cursor, limit=limit, authors=ids)
    return rows, nxt


def train(**kwargs: Any) -> tuple[str, Any]:
    """Train and publish a new model version (see `feed.training.train_and_publish`), and
    serve it in this process at once (other processes pick it up within seconds)."""
    version, report = training.train_and_publish(**kwargs)
    adapter.forget_model()
    return version, report


def rollback() -> str:
    """Serve the previous model version again."""
    version = store.registry().rollback()
    adapter.forget_model()
    return version


#: Event kinds a client may report; likes, follows and the rest are logged by the server.
CLIENT_EVENT_KINDS = frozenset({"impression", "open", "dwell", "share", "hide"})


@rate_limited("write")
def record_client_events(
    viewer: User, events: list[tuple[str, int | None, float, str]]
) -> int:
    """Log a client's batch of (kind, note id, value, surface): impressions, opens, dwell
    time, shares, hides. Events about notes the viewer may not see are dropped; server-side
    kinds are refused. Returns the number logged."""
    unknown = sorted({kind for kind, *_rest in events if kind not in CLIENT_EVENT_KINDS})
    if unknown:
        raise Invalid(_("Unknown or server-side event kinds: %(k)s") % {"k": ", ".join(unknown)})
    for _kind, note_id, value, _surface in events:
        if note_id is not None:
            check_id(note_id, "note_id")
        if not math.isfinite(value):
            raise Invalid(_("Event values must be finite numbers."))
    note_ids = {note_id for _kind, note_id, _value, _surface in events if note_id}
    authors = dict(
        visible_notes(viewer).filter(pk__in=note_ids).values_list("pk", "author_id")
    )
    rows = [EventIn(kind=kind, note_id=note_id, author_id=authors.get(note_id or 0),
                    value=value, surface=surface)
            for kind, note_id, value, surface in events
            if note_id is None or note_id in authors]
    return log_events(viewer.pk, rows)

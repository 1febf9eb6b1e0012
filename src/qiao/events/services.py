"""Writing the engagement log: cheap, bulk, never in the way of the request."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError

from qiao.events.models import EngagementEvent

logger = logging.getLogger(__name__)
KINDS = set(EngagementEvent.Kind.values)


@dataclass
class EventIn:
    kind: str
    note_id: int | None = None
    author_id: int | None = None
    value: float = 0.0
    surface: str = ""
    at: datetime | None = None


def log_events(user_id: int | None, events: Iterable[EventIn]) -> int:
    """Append events in one INSERT. Unknown kinds are dropped; returns the count written."""
    rows = []
    for ev in events:
        if ev.kind not in KINDS:
            continue
        row = EngagementEvent(
            user_id=user_id,
            note_id=ev.note_id,
            author_id=ev.author_id,
            kind=ev.kind,
            value=float(ev.value),
            surface=ev.surface[:20],
        )
        if ev.at is not None:
            row.created_at = ev.at
        rows.append(row)
    if rows:
        EngagementEvent.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def log_event(
    user_id: int | None,
    note_id: int | None,
    kind: str,
    *,
    author_id: int | None = None,
    value: float = 0.0,
    surface: str = "",
) -> None:
    try:
        log_events(
            user_id,
            [
                EventIn(
                    kind=kind, note_id=note_id, author_id=author_id, value=value, surface=surface
                )
            ],
        )
    except DatabaseError:  # the log is best-effort; the like itself already committed
        logger.warning("could not log %s event", kind, exc_info=True)


def log_impressions(
    user_id: int | None, notes: Iterable[object], *, surface: str, first_rank: int = 0
) -> None:
    """One impression per note shown in a feed page, with its rank as `value` (what the
    ranker learns shown-and-skipped from). Anonymous visitors are not logged."""
    if user_id is None:
        return
    rows = [
        EventIn(
            kind="impression",
            note_id=getattr(n, "pk", None),
            author_id=getattr(n, "author_id", None),
            value=float(first_rank + i),
            surface=surface,
        )
        for i, n in enumerate(notes)
    ]
    try:
        log_events(user_id, rows)
    except DatabaseError:
        logger.warning("could not log impressions", exc_info=True)

"""Each member's live event log, and writing to it.

`emit` appends one event per member inside the writer's transaction and publishes them on
the bus after the commit. Sequence numbers are handed out per member by one UPDATE of that
member's `Mailbox` row, which holds the row lock until commit: for one member, numbers are
assigned in commit order, so a reader that has seen n has seen every event up to n (an event
numbered below n can never commit after n). Ephemeral events (typing) are only published.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qiao.core import live
from qiao.core import tasks as core_tasks
from qiao.messages.models import LiveEvent, Mailbox


def _allocate(user_ids: list[int]) -> dict[int, int]:
    """The next sequence number of each member, locked until this transaction ends (one
    statement; a member without a mailbox yet gets one first)."""
    table = Mailbox._meta.db_table

    def bump(ids: list[int]) -> dict[int, int]:
        marks = ", ".join(["%s"] * len(ids))
        if connection.vendor == "postgresql":
            # Lock in id order: two writers for overlapping groups never deadlock.
            sql = (
                f"UPDATE {table} SET last_seq = last_seq + 1 WHERE user_id IN ("  # noqa: S608 - the table name is ours, values are parameters
                f"SELECT user_id FROM {table} WHERE user_id IN ({marks}) "
                f"ORDER BY user_id FOR UPDATE) RETURNING user_id, last_seq"
            )
        else:  # SQLite: one writer at a time anyway
            sql = (
                f"UPDATE {table} SET last_seq = last_seq + 1 "  # noqa: S608 - the table name is ours, values are parameters
                f"WHERE user_id IN ({marks}) RETURNING user_id, last_seq"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            return {int(u): int(s) for u, s in cursor.fetchall()}

    seqs = bump(user_ids)
    missing = [u for u in user_ids if u not in seqs]
    if missing:
        Mailbox.objects.bulk_create([Mailbox(user_id=u) for u in missing], ignore_conflicts=True)
        seqs.update(bump(missing))
    return seqs


def emit(
    user_ids: Iterable[int],
    kind: str,
    data: dict[str, Any],
    extra: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Append `kind` to the event log of each member and publish it once committed.
    `extra` adds fields for some members only (their own badge counts)."""
    ids = sorted({int(u) for u in user_ids})
    if not ids:
        return
    extra = extra or {}
    payloads = {u: {**data, **extra[u]} if u in extra else data for u in ids}
    with transaction.atomic(savepoint=False):  # inside the writer's transaction: no savepoint
        seqs = _allocate(ids)
        now = timezone.now()
        LiveEvent.objects.bulk_create(
            [
                LiveEvent(user_id=u, seq=seqs[u], kind=kind, data=payloads[u], created_at=now)
                for u in ids
            ]
        )
    events = [{"u": u, "id": seqs[u], "t": kind, "d": payloads[u]} for u in ids]
    if core_tasks.EAGER:
        live.publish(events)
    else:
        transaction.on_commit(lambda: live.publish(events), robust=True)


def signal(user_ids: Iterable[int], kind: str, data: dict[str, Any]) -> None:
    """Publish an ephemeral event (typing): nothing is stored, a member who is not
    connected now never sees it."""
    live.publish([{"u": int(u), "id": None, "t": kind, "d": data} for u in set(user_ids)])


def head(user_id: int) -> int:
    """The last sequence number in the member's log (0: none yet)."""
    row = Mailbox.objects.filter(user_id=user_id).values_list("last_seq", flat=True).first()
    return int(row or 0)


def heads(user_ids: list[int]) -> dict[int, int]:
    return dict(Mailbox.objects.filter(user_id__in=user_ids).values_list("user_id", "last_seq"))


def events_after(user_id: int, after: int, limit: int = 200) -> tuple[list[dict[str, Any]], bool]:
    """Events numbered above `after`, oldest first, and whether the log still reaches back
    to `after` (False: events were pruned in between; the client must reload)."""
    rows = list(
        LiveEvent.objects.filter(user_id=user_id, seq__gt=after)
        .order_by("seq")
        .values("seq", "kind", "data")[:limit]
    )
    if after <= 0:
        complete = True
    elif rows:
        complete = rows[0]["seq"] == after + 1  # a gap: pruned
    else:
        complete = head(user_id) <= after
    return [{"u": user_id, "id": r["seq"], "t": r["kind"], "d": r["data"]} for r in rows], complete


def prune(days: int | None = None) -> int:
    """Drop events older than QIAO_LIVE_EVENT_DAYS (a periodic job). A client that was
    away longer reloads instead of resuming."""
    cutoff = timezone.now() - timedelta(days=days or settings.QIAO_LIVE_EVENT_DAYS)
    deleted, _detail = LiveEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted

"""What the recommender reads from the platform and where its models live: public notes as
`NoteInfo`, the engagement log as columns, and the model registry. Shared by training and
serving (`feed.training`, `feed.adapter`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, Exists, FloatField, Func, OuterRef, Q, Sum
from django.utils import timezone

from qiao.accounts.models import User
from qiao.engines.recommend import KINDS, InteractionLog, ModelRegistry, NoteInfo
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note, NoteClip, NoteImage

#: The event kinds the engine learns from, with the platform's meaning unchanged: clip
#: `play` (neutral: the `open` of the same visit already counted) and `watch` (seconds
#: watched; the engine counts one covering 80% of the clip like a long dwell, and uses such
#: completions for its `watched` source) included.
ENGINE_KINDS = set(KINDS)


def registry() -> ModelRegistry:
    return ModelRegistry(Path(settings.QIAO_MODELS_DIR) / "recommend")


NOTE_FIELDS = (
    "id",
    "author_id",
    "title",
    "body",
    "language",
    "published_at",
    "created_at",
    "like_count",
    "collect_count",
    "comment_count",
)


def _note_infos(rows: list[tuple[Any, ...]]) -> Iterator[NoteInfo]:
    """NoteInfo for a batch of note rows, with their topics and photos in two queries.

    Plain tuples, not model instances: building a million Notes and two million NoteImages
    through the ORM was most of the time `qiao train` spent reading."""
    ids = [r[0] for r in rows]
    topics: dict[int, list[str]] = {}
    for nid, name in Note.topics.through.objects.filter(note_id__in=ids).values_list(
        "note_id", "topic__name"
    ):
        topics.setdefault(nid, []).append(name)
    images: dict[int, list[tuple[str, str]]] = {}
    for nid, colour, phash in (
        NoteImage.objects.filter(note_id__in=ids)
        .order_by("note_id", "position")
        .values_list("note_id", "dominant_color", "phash")
    ):
        images.setdefault(nid, []).append((colour, phash))
    videos = video_features(ids)
    for (
        nid,
        author_id,
        title,
        body,
        language,
        published,
        created,
        likes,
        collects,
        comments,
    ) in rows:
        yield NoteInfo(
            note_id=nid,
            author_id=author_id,
            topics=topics.get(nid, []),
            language=(language or "").split("-")[0] or None,
            created_ts=(published or created).timestamp(),
            text=f"{title}\n{body}",
            like_count=likes,
            collect_count=collects,
            comment_count=comments,
            images=images.get(nid, []),
            **videos.get(nid, {}),
        )


def video_features(note_ids: list[int], days: int | None = None) -> dict[int, dict[str, Any]]:
    """For the notes among `note_ids` that have a ready clip: its length, how often readers
    started it and the share of it they watched on average (total `watch` seconds / plays /
    length, at most 1), over the training window. Two queries, both only over clip notes."""
    lengths = dict(
        NoteClip.objects.filter(note_id__in=note_ids, state=NoteClip.State.READY).values_list(
            "note_id", "duration"
        )
    )
    if not lengths:
        return {}
    since = timezone.now() - timedelta(days=days or settings.QIAO_RECOMMEND_TRAIN_DAYS)
    rows = (
        EngagementEvent.objects.filter(
            note_id__in=list(lengths), created_at__gte=since, kind__in=("play", "watch")
        )
        .values("note_id")
        .order_by()
        .annotate(
            plays=Count("id", filter=Q(kind="play")), watched=Sum("value", filter=Q(kind="watch"))
        )
    )
    out: dict[int, dict[str, Any]] = {
        nid: {"video_seconds": float(length), "video_plays": 0, "video_completion": 0.0}
        for nid, length in lengths.items()
    }
    for r in rows:
        nid, plays, watched = r["note_id"], int(r["plays"] or 0), float(r["watched"] or 0.0)
        length = float(lengths[nid]) or 1.0
        out[nid]["video_plays"] = plays
        out[nid]["video_completion"] = (
            round(min(1.0, watched / plays / length), 4) if plays else 0.0
        )
    return out


def recommendable_notes(since: float | None = None, batch: int = 5000) -> Iterator[NoteInfo]:
    """Public, published notes (the only ones a shared model may learn from or serve)."""
    public_author = User.objects.filter(pk=OuterRef("author_id"), is_private=False)
    qs = Note.objects.filter(
        Exists(public_author),
        status=Note.Status.PUBLISHED,
        visibility=Note.Visibility.PUBLIC,
        is_removed=False,
    )
    order = "id"
    if since is not None:
        # The serving process asks every few seconds for what was published since: newest
        # first on the (status, published_at) index. In id order SQLite walked every note
        # (137 ms at 1M notes, inside a For-you request every 15 s); this way ~5 ms.
        qs = qs.filter(published_at__gt=datetime.fromtimestamp(since, tz=UTC))
        order = "-published_at"
    rows: list[tuple[Any, ...]] = []
    for row in qs.order_by(order).values_list(*NOTE_FIELDS).iterator(chunk_size=batch):
        rows.append(row)
        if len(rows) >= batch:
            yield from _note_infos(rows)
            rows = []
    if rows:
        yield from _note_infos(rows)


class Epoch(Func):
    """A timestamp as unix seconds, computed by the database: building ten million Python
    datetimes only to call .timestamp() on them costs more than the rest of reading the log."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra
        )


def interaction_rows(days: int) -> Iterator[tuple[int, int, str, float, float]]:
    """The engagement log of the last `days` days, oldest first, streamed from the database."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        EngagementEvent.objects.filter(
            created_at__gte=since,
            kind__in=ENGINE_KINDS,
            user_id__isnull=False,
            note_id__isnull=False,
        )
        .annotate(ts=Epoch("created_at"))
        .values_list("user_id", "note_id", "kind", "ts", "value")
        .order_by("id")
    )
    # Both filters above exclude NULL ids; the database computes `ts` as a float.
    yield from cast(Iterator[tuple[int, int, str, float, float]], rows.iterator(chunk_size=20000))


def interactions(days: int) -> InteractionLog:
    """The log as columns (~29 bytes an event, instead of ~200 as Python objects)."""
    return InteractionLog.from_chunks(interaction_rows(days))

"""Training the recommender from the platform's log (`qiao train`, or the scheduler)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import FloatField, Func, Prefetch
from django.utils import timezone

from qiao.engines.recommend import (
    InteractionLog,
    ModelRegistry,
    NoteInfo,
    Recommender,
    RecommenderConfig,
    TrainReport,
)
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note, NoteImage, Topic

logger = logging.getLogger("qiao.feed")
Progress = Callable[[str, float], None]
ENGINE_KINDS = {"impression", "open", "dwell", "like", "collect", "comment", "share", "hide"}


def registry() -> ModelRegistry:
    return ModelRegistry(Path(settings.QIAO_MODELS_DIR) / "recommend")


def note_info(note: Note) -> NoteInfo:
    return NoteInfo(
        note_id=note.pk, author_id=note.author_id,
        topics=[t.name for t in note.topics.all()],
        language=(note.language or "").split("-")[0] or None,
        created_ts=(note.published_at or note.created_at).timestamp(),
        text=f"{note.title}\n{note.body}",
        like_count=note.like_count, collect_count=note.collect_count,
        comment_count=note.comment_count,
        images=[(im.dominant_color, im.phash) for im in note.images.all()],
    )


def recommendable_notes(since: float | None = None) -> Iterator[NoteInfo]:
    """Public, published notes (the only ones a shared model may learn from or serve)."""
    qs = Note.objects.filter(status=Note.Status.PUBLISHED, visibility=Note.Visibility.PUBLIC,
                             is_removed=False, author__is_private=False)
    if since is not None:
        qs = qs.filter(published_at__gt=datetime.fromtimestamp(since, tz=UTC))
    qs = qs.only("id", "author_id", "title", "body", "language", "published_at", "created_at",
                 "like_count", "collect_count", "comment_count").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.only("id", "name")),
        Prefetch("images", queryset=NoteImage.objects.only(
            "id", "note_id", "position", "dominant_color", "phash").order_by("position")))
    for note in qs.order_by("id").iterator(chunk_size=2000):
        yield note_info(note)


class Epoch(Func):
    """A timestamp as unix seconds, computed by the database: building ten million Python
    datetimes only to call .timestamp() on them costs more than the rest of reading the log."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
                           **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra)


def interaction_rows(days: int) -> Iterator[tuple[int, int, str, float, float]]:
    """The engagement log of the last `days` days, oldest first, streamed from the database."""
    since = timezone.now() - timedelta(days=days)
    rows = (EngagementEvent.objects.filter(created_at__gte=since, kind__in=ENGINE_KINDS,
                                           user_id__isnull=False, note_id__isnull=False)
            .annotate(ts=Epoch("created_at"))
            .values_list("user_id", "note_id", "kind", "ts", "value")
            .order_by("id"))
    yield from rows.iterator(chunk_size=20000)


def interactions(days: int) -> InteractionLog:
    """The log as columns (~29 bytes an event, instead of ~200 as Python objects)."""
    return InteractionLog.from_chunks(interaction_rows(days))


def platform_config(**overrides: Any) -> RecommenderConfig:
    """The engine's defaults with the site's feed settings applied."""
    return RecommenderConfig(**{
        "max_per_topic_in_10": settings.QIAO_FEED_MAX_PER_TOPIC,
        "cross_language_share": settings.QIAO_FEED_CROSS_LANGUAGE_SHARE,
        **overrides,
    })


def train_and_publish(*, days: int | None = None, progress: Progress | None = None,
                      config: RecommenderConfig | None = None
                      ) -> tuple[str, TrainReport | None]:
    """Train on the last `days` of events and publish a new model version."""
    days = days or settings.QIAO_RECOMMEND_TRAIN_DAYS
    started = time.perf_counter()
    report = progress or (lambda stage, fraction: None)
    report("read notes", 0.0)
    notes = list(recommendable_notes())
    report("read events", 0.05)
    events = interactions(days)
    read_s = time.perf_counter() - started
    if not notes:
        raise ValueError("there are no public notes to learn from yet")

    def engine_progress(stage: str, fraction: float) -> None:  # reading was the first 10%
        report(stage, 0.1 + 0.9 * fraction)

    rec = Recommender.train(events, notes, config or platform_config(),
                            progress=engine_progress)
    rec.report.stages["read"] = read_s
    version = registry().publish(rec)
    from qiao.core.db import refresh_planner_stats

    refresh_planner_stats()  # the site grew since the last run; runs every few hours
    logger.info("recommender %s trained on %d events, %d notes in %.1fs", version,
                len(events), len(notes), time.perf_counter() - started)
    from qiao.feed import adapter

    adapter.forget_model()
    return version, getattr(rec, "report", None)


def train_periodic() -> str:
    """Entry point for the scheduler (`qiao beat`)."""
    version, _report = train_and_publish()
    return version

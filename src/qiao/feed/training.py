"""Training the recommender from the platform's log (`qiao train`, or the scheduler).

Publishing a version is enough: every serving process picks it up within seconds
(`feed.adapter.current_model`). `feed.services.train` also refreshes this process at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from threadpoolctl import threadpool_limits

from qiao.core.db import refresh_planner_stats
from qiao.engines.recommend import Recommender, RecommenderConfig, TrainReport
from qiao.feed.store import interactions, recommendable_notes, registry

logger = logging.getLogger("qiao.feed")
Progress = Callable[[str, float], None]


def platform_config(**overrides: Any) -> RecommenderConfig:
    """The engine's defaults with the site's feed settings applied."""
    return RecommenderConfig(
        **{
            "max_per_topic_in_10": settings.QIAO_FEED_MAX_PER_TOPIC,
            "cross_language_share": settings.QIAO_FEED_CROSS_LANGUAGE_SHARE,
            "cross_language_content": settings.QIAO_FEED_CROSS_LANGUAGE_CONTENT,
            "neural": settings.QIAO_RECOMMEND_NEURAL,
            "neural_time_budget_s": float(settings.QIAO_RECOMMEND_NEURAL_SECONDS),
            **overrides,
        }
    )


def train_and_publish(
    *,
    days: int | None = None,
    progress: Progress | None = None,
    config: RecommenderConfig | None = None,
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

    # One BLAS thread: the neural model's small matrix products only lose to thread hand-offs
    # (two threads made training ~9x slower on 2 cores; docs/recommender.md).
    with threadpool_limits(limits=1, user_api="blas"):
        rec = Recommender.train(
            events, notes, config or platform_config(), progress=engine_progress
        )
    rec.report.stages["read"] = read_s
    version = registry().publish(rec)
    refresh_planner_stats()  # the site grew since the last run; runs every few hours
    logger.info(
        "recommender %s trained on %d events, %d notes in %.1fs",
        version,
        len(events),
        len(notes),
        time.perf_counter() - started,
    )
    return version, getattr(rec, "report", None)


def train_periodic() -> str:
    """Entry point for the scheduler (`qiao beat`)."""
    version, _report = train_and_publish()
    return version

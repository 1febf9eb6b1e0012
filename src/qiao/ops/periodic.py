"""The periodic jobs, listed once: `qiao beat` (Celery, production) and the embedded
scheduler of `qiao serve` (laptop) both run exactly these."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("qiao.periodic")


@dataclass(frozen=True)
class Job:
    name: str
    function: str  # dotted path of a function taking no arguments
    every: float  # seconds


def jobs() -> list[Job]:
    return [
        Job(
            "train-recommender",
            settings.QIAO_RECOMMEND_TRAIN_FUNCTION,
            float(settings.QIAO_RECOMMEND_TRAIN_EVERY),
        ),
        Job("retry-translations", "qiao.translation.services.retry_pending", 600.0),
        Job("prune-translation-cache", "qiao.translation.services.prune_cache", 6 * 3600.0),
        Job(
            "repair-image-variants",
            "qiao.notes.tasks.repair_image_variants",
            float(settings.QIAO_REPAIR_EVERY),
        ),
        Job("repair-clips", "qiao.notes.tasks.repair_clips", float(settings.QIAO_REPAIR_EVERY)),
        Job("expire-video-uploads", "qiao.notes.uploads.expire_uploads", 3600.0),
        Job("prune-live-events", "qiao.messages.live.prune", 6 * 3600.0),
    ]


def run(function_path: str) -> object:
    """Call a job's function; a job whose function is not installed is skipped quietly."""
    if not function_path:
        return None
    try:
        func = import_string(function_path)
    except ImportError:
        logger.debug("periodic job %s is not available; skipped", function_path)
        return None
    return func()

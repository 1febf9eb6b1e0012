"""Background work for notes (run by the task backend: in-process thread or Celery)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from qiao.notes.media import logger, make_variants
from qiao.notes.models import NoteImage


@task()
def render_image_variants(image_id: int) -> bool:
    return make_variants(image_id)


def repair_image_variants() -> int:
    """Re-enqueue images whose variants are missing (an enqueue lost while the broker was
    down); a periodic job. Returns how many were re-enqueued."""
    cutoff = timezone.now() - timedelta(seconds=settings.QIAO_REPAIR_AFTER)
    ids = list(
        NoteImage.objects.filter(variants={}, note__created_at__lt=cutoff)
        .values_list("pk", flat=True)[:500]
    )
    for image_id in ids:
        render_image_variants.enqueue(image_id)
    if ids:
        logger.info("re-enqueued %d image variant tasks", len(ids))
    return len(ids)

"""Background work for notes (run by the task backend: in-process thread or Celery), and the
periodic jobs that re-enqueue work a lost message left undone."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from qiao.core.tasks import enqueue_on_commit
from qiao.notes import clips
from qiao.notes.media import make_variants
from qiao.notes.models import NoteClip, NoteImage

logger = logging.getLogger(__name__)

#: The Celery queue of video work (a transcode takes minutes of CPU): workers that run
#: `qiao worker --queues video` take it; the default worker takes both queues.
VIDEO_QUEUE = "video"


@task()
def render_image_variants(image_id: int) -> bool:
    return make_variants(image_id)


@task(queue_name=VIDEO_QUEUE)
def process_clip(clip_id: int) -> str:
    """Transcode a clip; then ask for automatic captions. A clip the engine refuses fails
    without a retry; anything else raises and is retried (`clips.ClipBusy` included)."""
    state = clips.process_clip(clip_id)
    if state == NoteClip.State.READY:
        enqueue_on_commit(transcribe_clip, clip_id)
    return str(state)


@task(queue_name=VIDEO_QUEUE)
def transcribe_clip(clip_id: int) -> str:
    return clips.transcribe(clip_id)


def repair_image_variants() -> int:
    """Re-enqueue images whose variants are missing (an enqueue lost while the broker was
    down); a periodic job. Returns how many were re-enqueued."""
    cutoff = timezone.now() - timedelta(seconds=settings.QIAO_REPAIR_AFTER)
    ids = list(
        # the smallest width is made with the upload, the rest by the worker: the widest
        # missing means the worker never ran for this image
        NoteImage.objects.filter(note__created_at__lt=cutoff)
        .exclude(variants__has_key=str(max(settings.QIAO_IMAGE_WIDTHS)))
        .values_list("pk", flat=True)[:500]
    )
    for image_id in ids:
        render_image_variants.enqueue(image_id)
    if ids:
        logger.info("re-enqueued %d image variant tasks", len(ids))
    return len(ids)


def repair_clips() -> int:
    """Re-enqueue clips whose processing stopped (a lost message, or a worker that died
    after its last retry); a periodic job. Returns how many were re-enqueued."""
    ids = clips.clips_to_repair()
    for clip_id in ids:
        process_clip.enqueue(clip_id)
    if ids:
        logger.info("re-enqueued %d clip tasks", len(ids))
    return len(ids)

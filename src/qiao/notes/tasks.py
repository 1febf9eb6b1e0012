"""Background work for notes (run by the task backend: in-process thread or Celery)."""

from __future__ import annotations

from django_tasks import task

from qiao.notes.media import make_variants


@task()
def render_image_variants(image_id: int) -> bool:
    return make_variants(image_id)

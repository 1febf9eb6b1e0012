"""Background work for notes (run by the task backend: in-process thread or Celery)."""

from __future__ import annotations

from django_tasks import task


@task()
def render_image_variants(image_id: int) -> bool:
    from qiao.notes.services import make_variants

    return make_variants(image_id)

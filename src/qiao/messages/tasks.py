"""Background work for direct messages (run by the task backend: in-process or Celery)."""

from __future__ import annotations

from django_tasks import task

from qiao.messages.media import make_photo_variants


@task()
def render_message_photo(photo_id: int) -> bool:
    return make_photo_variants(photo_id)

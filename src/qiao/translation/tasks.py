"""Background translation work (in-process thread or Celery); each task takes ids."""

from __future__ import annotations

from django_tasks import task

from qiao.translation import services


@task()
def translate_note(note_id: int) -> str:
    result = services.process_note(note_id)
    services.retry_pending(limit=5)  # opportunistic: the laptop profile has no scheduler
    return result


@task()
def detect_bio_language(user_id: int) -> None:
    services.detect_bio(user_id)

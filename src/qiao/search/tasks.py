"""Background indexing (in-process thread or Celery); each task takes ids."""

from __future__ import annotations

from django_tasks import task


@task()
def index_note(note_id: int) -> bool:
    from qiao.search.index import index_note as run

    return run(note_id)

"""Hook the search index into the platform's events without the platform importing us.

A note is indexed once per event: when it is published, and when its text or topics change
afterwards (`note_edited`), after the transaction commits. Deletion cascades to the
document; visibility and moderation are applied at query time (see index.py).
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qiao.core.tasks import enqueue_on_commit
from qiao.notes import signals as note_signals
from qiao.search import tasks


@receiver(note_signals.note_published, dispatch_uid="search_note_published")
def _note_published(sender: Any, note_id: int, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.index_note, note_id)


@receiver(note_signals.note_edited, dispatch_uid="search_note_edited")
def _note_edited(sender: Any, note_id: int, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.index_note, note_id)

"""Hook the search index into the platform's events without the platform importing us.

A note's text or topics change when it is published, edited (title, body) or re-tagged;
each of those re-indexes it after the transaction commits. Deletion cascades to the
document; visibility and moderation are applied at query time (see index.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from qiao.core.tasks import enqueue_on_commit
from qiao.notes import signals as note_signals
from qiao.notes.models import Note
from qiao.search import tasks


@receiver(note_signals.note_published, dispatch_uid="search_note_published")
def _note_published(sender: Any, note_id: int, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.index_note, note_id)


@receiver(note_signals.note_edited, dispatch_uid="search_note_edited")
def _note_edited(sender: Any, note_id: int, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.index_note, note_id)


@receiver(m2m_changed, sender=Note.topics.through, dispatch_uid="search_note_topics")
def _topics_changed(sender: Any, instance: Any, action: str, reverse: bool,
                    **kwargs: Any) -> None:
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Note) and instance.pk and instance.is_published:
        enqueue_on_commit(tasks.index_note, instance.pk)

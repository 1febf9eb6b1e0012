"""Hook translation into the platform's events without the platform importing us."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from qiao.accounts.models import User
from qiao.core.tasks import enqueue_on_commit
from qiao.notes import signals as note_signals
from qiao.social.models import Board
from qiao.translation import tasks


@receiver(note_signals.note_published, dispatch_uid="translation_note_published")
def _note_published(sender: Any, note_id: int, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.translate_note, note_id)


@receiver(note_signals.note_edited, dispatch_uid="translation_note_edited")
def _note_edited(sender: Any, note_id: int, **kwargs: Any) -> None:
    from qiao.translation.services import original_edited

    original_edited(note_id)
    enqueue_on_commit(tasks.translate_note, note_id)


@receiver(note_signals.comment_posted, dispatch_uid="translation_comment_posted")
def _comment_posted(sender: Any, comment_id: int, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.detect_comment_language, comment_id)


@receiver(post_save, sender=User, dispatch_uid="translation_bio_saved")
def _bio_saved(sender: Any, instance: User, created: bool, update_fields: Any = None,
               **kwargs: Any) -> None:
    if instance.bio and (created or (update_fields and "bio" in update_fields)):
        enqueue_on_commit(tasks.detect_bio_language, instance.pk)


@receiver(post_save, sender=Board, dispatch_uid="translation_board_saved")
def _board_saved(sender: Any, instance: Board, created: bool, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.detect_board_language, instance.pk)

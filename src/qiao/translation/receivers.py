"""Translation's part in what happens to notes and profiles (connected in
`TranslationConfig.ready`); the domains below never import this."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qiao.accounts import signals as account_signals
from qiao.accounts.models import User
from qiao.core.tasks import enqueue_on_commit
from qiao.notes import signals as note_signals
from qiao.translation import services, tasks


@receiver(note_signals.note_published, dispatch_uid="translation_note_published")
def _note_published(sender: Any, note_id: int, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.translate_note, note_id)


@receiver(note_signals.note_edited, dispatch_uid="translation_note_edited")
def _note_edited(sender: Any, note_id: int, changed: set[str], **kwargs: Any) -> None:
    if "text" in changed:
        services.original_edited(note_id)
    if "captions" in changed:
        services.captions_edited(note_id)
    if changed & {"text", "captions"}:
        enqueue_on_commit(tasks.translate_note, note_id)


@receiver(account_signals.profile_changed, dispatch_uid="translation_profile_changed")
def _profile_changed(sender: Any, user_id: int, changed: list[str], **kwargs: Any) -> None:
    if "bio" in changed:
        enqueue_on_commit(tasks.detect_bio_language, user_id)


@receiver(account_signals.account_deleting, dispatch_uid="translation_account_deleting")
def _account_deleting(sender: Any, user_id: int, **kwargs: Any) -> None:
    bio = User.objects.filter(pk=user_id).values_list("bio", "bio_language").first()
    if bio:
        services.forget_text(*bio)

"""Notes' part in what happens to accounts (connected in `NotesConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from qiao.accounts import signals as account_signals
from qiao.notes.media import delete_media, media_paths_for_notes
from qiao.notes.models import Note


@receiver(account_signals.account_deleting, dispatch_uid="notes_account_deleting")
def _account_deleting(sender: Any, user_id: int, **_kw: Any) -> None:
    # The rows go with the account (cascade); their photos go once that has committed.
    paths = media_paths_for_notes(Note.objects.filter(author_id=user_id))
    transaction.on_commit(lambda: delete_media(paths))

"""Notes' part in what happens to accounts (connected in `NotesConfig.ready`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from qiao.accounts import signals as account_signals
from qiao.notes.media import (
    clip_sources_for_notes,
    delete_clip_sources,
    delete_media,
    media_paths_for_notes,
)
from qiao.notes.models import Note, VideoUpload
from qiao.notes.uploads import upload_path


@receiver(account_signals.account_deleting, dispatch_uid="notes_account_deleting")
def _account_deleting(sender: Any, user_id: int, **_kw: Any) -> None:
    # The rows go with the account (cascade); their photos, clips, clip sources and
    # unfinished uploads go once that has committed.
    notes = Note.objects.filter(author_id=user_id)
    paths = media_paths_for_notes(notes)
    sources = clip_sources_for_notes(notes)
    parts = [upload_path(u) for u in VideoUpload.objects.filter(owner_id=user_id)]
    transaction.on_commit(lambda: delete_media(paths))
    transaction.on_commit(lambda: delete_clip_sources(sources))
    transaction.on_commit(lambda: _unlink(parts))


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)

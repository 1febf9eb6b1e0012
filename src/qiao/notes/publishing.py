"""What publishing a note does, whoever publishes it: the author pressing Publish, or the
worker that finished the note's video."""

from __future__ import annotations

from django.db.models import F

from qiao.accounts.models import User
from qiao.notes import signals
from qiao.notes.models import Note, Topic


def on_published(note: Note, topics: list[Topic]) -> None:
    """Counts follow the note, and the domains above hear of it (inside the transaction)."""
    User.objects.filter(pk=note.author_id).update(note_count=F("note_count") + 1)
    Topic.objects.filter(pk__in=[t.pk for t in topics]).update(note_count=F("note_count") + 1)
    signals.note_published.send(sender=Note, note_id=note.pk)

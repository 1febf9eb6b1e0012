"""Stored translations: the shared cache, and per-note language versions."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from qiao.notes.models import Note


class CachedTranslation(models.Model):
    """Machine translations of short texts that have no row of their own — comments, bios,
    free text from the API — behind the engine's `TranslationCache` protocol. (A note's
    translations are stored with the note, as `NoteVersion`s, and nowhere else.)

    The key already covers (normalised text hash, source, target, engine, model version), so a
    new model version never serves an old translation. Rows unused for a while are pruned
    (`translation.services.prune_cache`, run by the scheduler).
    """

    key = models.CharField(max_length=64, primary_key=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    #: Touched at most once a day by a read, so the busy path rarely writes.
    last_used_at = models.DateTimeField(default=timezone.now, db_index=True)


class NoteVersion(models.Model):
    """A note's title and body in another language.

    `is_machine` versions are made in the background when a public note is published; an
    author-written version (`is_machine=False`) is preferred and labelled as the author's.
    Editing the original deletes machine versions (they are made again) and marks the
    author's as `stale`: written before the last edit, so the author is asked to check it.
    """

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    is_machine = models.BooleanField(default=True)
    stale = models.BooleanField(default=False)
    engine = models.CharField(max_length=40, blank=True)
    model_version = models.CharField(max_length=80, blank=True)
    source_language = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "language"], name="uniq_note_version"),
        ]


class PendingTranslation(models.Model):
    """A note whose background translation failed (engine down, no model): retried later."""

    note = models.OneToOneField(Note, on_delete=models.CASCADE, related_name="+")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)

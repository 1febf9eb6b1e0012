"""Stored translations: the shared cache, per-note language versions, and the community
glossary."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.notes.models import Note

USER = settings.AUTH_USER_MODEL
#: `NoteVersion.engine` of a reader's accepted fix
COMMUNITY_ENGINE = "community"


class CachedTranslation(models.Model):
    """Machine translations of short texts that have no row of their own — comments, bios,
    free text from the API — behind the engine's `TranslationCache` protocol. (A note's
    translations are stored with the note, as `NoteVersion`s, and nowhere else.)

    The key already covers (normalised text hash, source, target, engine, model version), so a
    new model version never serves an old translation. Rows unused for a while are pruned
    (`translation.services.prune_cache`, run by the scheduler).
    """

    key = models.CharField(max_length=100, primary_key=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    #: Touched at most once a day by a read, so the busy path rarely writes.
    last_used_at = models.DateTimeField(default=timezone.now, db_index=True)


class NoteVersion(models.Model):
    """A note's title and body in another language.

    `is_machine` versions are made in the background when a public note is published; an
    author-written version (`is_machine=False`) is preferred and labelled as the author's.
    A reader's fix the author (or a moderator) accepted replaces the machine version for
    everyone: `is_machine=False`, engine `community`, `suggested_by` the reader.
    Editing the original deletes machine and community versions (they translated the old
    text; machine ones are made again) and marks the author's as `stale`: written before the
    last edit, so the author is asked to check it.
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
    suggested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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


class GlossaryTerm(models.Model):
    """A term of the community glossary: a Chinese form and an English form that every
    translation engine renders the same way, both ways (猫税 ↔ "cat tax", YYDS → "GOAT").

    The first form of each side is the rendering; `zh_variants`/`en_variants` (separated by
    "|") are other spellings matched in texts. Moderators keep `active` terms; accepted
    reader fixes propose `candidate` terms for them to review; `retired` terms are kept so a
    later import of the starter set does not bring back what a moderator removed.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("In use")
        CANDIDATE = "candidate", _("Candidate")
        RETIRED = "retired", _("Retired")

    class Kind(models.TextChoices):
        SLANG = "slang", _("Slang")
        FASHION = "fashion", _("Fashion and beauty")
        FOOD = "food", _("Food and drink")
        PETS = "pets", _("Pets")
        PLACE = "place", _("Places")
        BRAND = "brand", _("Brands")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        STARTER = "starter", _("Starter set")
        MODERATOR = "moderator", _("Moderator")
        COMMUNITY = "community", _("Reader's fix")

    zh = models.CharField(_("Chinese"), max_length=60)
    zh_variants = models.CharField(
        _("other Chinese forms"), max_length=300, blank=True, help_text=_("Separated by |")
    )
    en = models.CharField(_("English"), max_length=100)
    en_variants = models.CharField(
        _("other English forms"), max_length=300, blank=True, help_text=_("Separated by |")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SLANG)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MODERATOR
    )
    #: for a candidate: the sentence it came from and its accepted translation
    context = models.TextField(_("context"), blank=True)
    suggested_by = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested by"),
    )
    created_by = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        constraints = [
            models.UniqueConstraint(
                fields=["zh"], condition=models.Q(status="active"), name="uniq_active_glossary_zh"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zh} ↔ {self.en}"

    def zh_forms(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(f.strip() for f in [self.zh, *self.zh_variants.split("|")] if f.strip())
        )

    def zh_others(self) -> list[str]:
        return list(self.zh_forms()[1:])

    def en_forms(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(f.strip() for f in [self.en, *self.en_variants.split("|")] if f.strip())
        )

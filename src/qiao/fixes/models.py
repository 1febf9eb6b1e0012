"""Readers' suggested fixes of a note's or a comment's translation (issue 13).

A reader who sees a machine translation they can improve suggests a better one; the text's
author (or a moderator) accepts or declines it. An accepted fix replaces the machine output
for every reader — a note's as its `NoteVersion` (engine "community"), a comment's from
here — shown as "Improved by the community" with who suggested it, and its changed words
are offered to moderators as glossary candidates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.notes.models import Note
from qiao.social.models import Comment

USER = settings.AUTH_USER_MODEL


class SuggestedFix(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        COMMENT = "comment", _("Comment")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the author")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        #: the original was edited after the suggestion (it translated the old text)
        OUTDATED = "outdated", _("Outdated")
        #: a later accepted fix of the same text replaced it
        SUPERSEDED = "superseded", _("Replaced by a later fix")
        #: a moderator took it down (a report)
        REMOVED = "removed", _("Removed by a moderator")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: who decides: the note's or comment's author
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    #: kept (as "a reader") when the suggester's account goes, if the fix was accepted
    suggester = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    source_language = models.CharField(max_length=16)
    language = models.CharField(max_length=16)  # the translation's language
    original_title = models.CharField(max_length=200, blank=True)
    original_text = models.TextField(blank=True)
    machine_title = models.CharField(max_length=200, blank=True)
    machine_text = models.TextField(blank=True)
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["author", "status", "-created_at"]),
            models.Index(fields=["comment", "language", "status"]),
            models.Index(fields=["suggester", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"fix #{self.pk} of {self.kind} ({self.language}, {self.status})"

    @property
    def target_id(self) -> int:
        return self.comment_id or self.note_id

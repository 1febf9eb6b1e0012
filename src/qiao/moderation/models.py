"""Reports from users, and the audit log of what moderators did about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.fixes.models import SuggestedFix
from qiao.notes.models import Note
from qiao.social.models import Comment

USER = settings.AUTH_USER_MODEL


class Report(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        COMMENT = "comment", _("Comment")
        USER = "user", _("Account")
        MESSAGE = "message", _("Direct message")
        CONVERSATION = "conversation", _("Conversation")
        FIX = "fix", _("Suggested translation")

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or scam")
        HARASSMENT = "harassment", _("Harassment or bullying")
        HATE = "hate", _("Hate speech")
        NUDITY = "nudity", _("Nudity or sexual content")
        VIOLENCE = "violence", _("Violence or dangerous acts")
        MISINFORMATION = "misinformation", _("False information")
        IP = "ip", _("Copyright or stolen content")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIONED = "actioned", _("Action taken")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reports_made")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    account = models.ForeignKey(
        USER, on_delete=models.CASCADE, null=True, blank=True, related_name="reports_received"
    )
    #: The reported message or conversation (private content has no foreign key here: the
    #: messages domain sits above moderation and hands over what moderators need).
    object_id = models.BigIntegerField(null=True, blank=True)
    #: What the reporter saw, frozen when reported: the reported message and a few around
    #: it ({"id", "sender", "body", "created_at", "reported"} each), so moderators judge
    #: the context even after an unsend.
    context = models.JSONField(default=list, blank=True)
    fix = models.ForeignKey(
        SuggestedFix, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        permissions = [("moderate", "Can act on reports")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.target_id}: {self.get_reason_display()}"

    @property
    def target_id(self) -> int | None:
        if self.kind in (self.Kind.MESSAGE, self.Kind.CONVERSATION):
            return self.object_id
        return self.fix_id or self.note_id or self.comment_id or self.account_id


class AuditLog(models.Model):
    """Append-only: who did what to which content, and why."""

    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=30)
    kind = models.CharField(max_length=12)
    target_id = models.BigIntegerField()
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.action} {self.kind} #{self.target_id}"


class Appeal(models.Model):
    """An author asks a moderator to look again at their hidden note."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        UPHELD = "upheld", _("The note stays hidden")
        RESTORED = "restored", _("The note is shown again")

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="appeals")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="appeals")
    message = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["note"], condition=models.Q(status="open"), name="one_open_appeal"
            )
        ]

    def __str__(self) -> str:
        return f"Appeal on note #{self.note_id}"

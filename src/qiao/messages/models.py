"""Direct messages: conversations (one-to-one and small groups), their members with each
member's own state (request or accepted, read position, mute, left), messages stored once
per conversation, and the per-member live event log that streams resume from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.notes.models import Note

USER = settings.AUTH_USER_MODEL
BODY_MAX = 2000
GROUP_MAX = 20  # members, the creator included
TITLE_MAX = 60
PHOTOS_MAX = 4


class Conversation(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct")
        GROUP = "group", _("Group")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    #: "<smaller id>:<larger id>" for a one-to-one conversation: one per pair of people.
    pair_key = models.CharField(max_length=41, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Member(models.Model):
    """One person's place in a conversation, and everything that is theirs alone about it."""

    class State(models.TextChoices):
        ACTIVE = "active", _("In the conversation")
        REQUEST = "request", _("Message request")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="dm_memberships")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    is_admin = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)
    #: Copied from the conversation on every message, so "my conversations by last
    #: activity" is one walk of the (user, state, -last_activity_at) index.
    last_activity_at = models.DateTimeField(default=timezone.now)
    last_read_id = models.BigIntegerField(default=0)
    #: Messages up to this id are deleted for this member ("delete chat").
    cleared_id = models.BigIntegerField(default=0)
    unread = models.PositiveIntegerField(default=0)
    muted = models.BooleanField(default=False)
    #: The conversation left the list ("delete chat") until the next message.
    hidden = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="uniq_dm_member"),
        ]
        indexes = [
            models.Index(fields=["user", "state", "-last_activity_at"], name="dm_member_activity"),
        ]


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        PHOTO = "photo", _("Photo")
        NOTE = "note", _("Shared note")
        SYSTEM = "system", _("Event")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    #: NULL once the sender's account is deleted (the row stays as a tombstone).
    sender = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="dm_messages_sent"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(max_length=BODY_MAX, blank=True)
    language = models.CharField(max_length=16, blank=True, null=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: System messages: what happened ("joined", "left", "removed", "renamed", "accepted")
    #: and to whom, rendered in each reader's language.
    event = models.CharField(max_length=20, blank=True)
    event_user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    unsent_at = models.DateTimeField(null=True, blank=True)
    removed = models.BooleanField(default=False)  # by a moderator
    sender_deleted = models.BooleanField(default=False)  # the account is gone

    class Meta:
        indexes = [models.Index(fields=["conversation", "-id"], name="dm_message_recent")]

    @property
    def is_tombstone(self) -> bool:
        return bool(self.unsent_at or self.removed or self.sender_deleted)


class MessagePhoto(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=0)
    original = models.CharField(max_length=300)  # EXIF-free JPEG in the private storage
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    variants = models.JSONField(default=dict, blank=True)  # {"640": {"webp": p, "jpeg": p}}
    blurhash = models.CharField(max_length=64, blank=True)
    dominant_color = models.CharField(max_length=7, default="#dddddd")
    alt_text = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position"]


class HiddenMessage(models.Model):
    """ "Delete for me": the message stays for everyone else."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "message"], name="uniq_dm_hidden"),
        ]


class Mailbox(models.Model):
    """A member's messaging settings and the head of their live event log."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, primary_key=True, related_name="mailbox"
    )
    read_receipts = models.BooleanField(default=True)
    #: The last sequence number handed out in this member's event log.
    last_seq = models.BigIntegerField(default=0)


class LiveEvent(models.Model):
    """One event for one member, numbered 1, 2, 3… per member in commit order: a stream
    that reconnects with `Last-Event-ID: n` gets exactly the events after n."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=30)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "seq"], name="uniq_live_event_seq"),
        ]
        indexes = [models.Index(fields=["created_at"], name="live_event_age")]

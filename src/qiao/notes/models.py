"""Notes: photo-and-text posts, their images and topics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 100
BODY_MAX = 2000
MAX_IMAGES = 9


class Topic(models.Model):
    name = models.CharField(max_length=40, unique=True)  # normalised: NFC, lower-case
    note_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        FOLLOWERS = "followers", _("Followers")
        PRIVATE = "private", _("Only me")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX, blank=True)
    language = models.CharField(max_length=16, blank=True, null=True)  # detected
    topics = models.ManyToManyField(Topic, related_name="notes", blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    collect_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    is_removed = models.BooleanField(default=False)  # by moderation

    class Meta:
        indexes = [
            models.Index(fields=["status", "visibility", "-published_at"]),
            # Newest-first lists walk this index and stop after one page, whatever mix of
            # visibilities the viewer may see.
            models.Index(fields=["status", "-published_at", "-id"], name="note_status_recent"),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class NoteImage(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField()
    original = models.CharField(max_length=300)  # EXIF-free JPEG at full size
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    variants = models.JSONField(default=dict, blank=True)  # {"320": {"webp": path, "jpeg": path}}
    blurhash = models.CharField(max_length=64, blank=True)
    dominant_color = models.CharField(max_length=7, default="#dddddd")
    phash = models.CharField(max_length=32, blank=True, db_index=True)
    alt_text = models.CharField(max_length=200, blank=True)
    #: The author said so, or the upload's metadata declared it (IPTC digital source type,
    #: a C2PA manifest) before the metadata was stripped.
    ai_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["note", "position"], name="uniq_note_image_position")
        ]

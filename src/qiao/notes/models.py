"""Notes: photo-and-video posts, their images, clips, captions and topics."""

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
        #: Published as soon as its video is ready; until then only its author sees it.
        PROCESSING = "processing", _("Processing")
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
    #: The upload's metadata declared it (the author cannot take that label off).
    ai_declared = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["note", "position"], name="uniq_note_image_position")
        ]


class VideoUpload(models.Model):
    """A resumable upload of one video: chunks are appended to a file in the upload area
    (`QIAO_VIDEO_UPLOAD_DIR`) at the offset the server has, until `received == size`; the
    file is then checked (`sniff_file`, `probe`) and waits for a note to take it. Unused
    uploads expire (`QIAO_VIDEO_UPLOAD_EXPIRY`)."""

    class State(models.TextChoices):
        RECEIVING = "receiving", _("Uploading")
        COMPLETE = "complete", _("Uploaded")
        REJECTED = "rejected", _("Refused")

    id = models.UUIDField(primary_key=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_uploads"
    )
    filename = models.CharField(max_length=200, blank=True)
    size = models.BigIntegerField()  # declared by the client, checked against the limit
    received = models.BigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVING)
    error_code = models.CharField(max_length=40, blank=True)
    #: What `probe` found once the upload was complete (duration, size, codecs, AI label).
    info = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "state"])]


class NoteClip(models.Model):
    """A note's video (one per note, alone or with photos): `uploaded → processing → ready`,
    or `failed` with the engine's code (translated when shown). Renditions, the poster and
    its variants live in media storage under `clips/<note id>/<key>/`."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    note = models.OneToOneField(Note, on_delete=models.CASCADE, related_name="clip")
    key = models.CharField(max_length=32)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    error_code = models.CharField(max_length=40, blank=True)
    #: The upload as received (deleted once the renditions exist).
    source = models.CharField(max_length=300, blank=True)
    source_bytes = models.BigIntegerField(default=0)
    duration = models.FloatField(default=0.0)  # seconds
    width = models.PositiveIntegerField(default=0)  # of the largest rendition (upright)
    height = models.PositiveIntegerField(default=0)
    has_audio = models.BooleanField(default=False)
    #: [{"label": "720p", "path": ..., "width", "height", "size_bytes", "bitrate_kbps"}]
    renditions = models.JSONField(default=list, blank=True)
    poster = models.CharField(max_length=300, blank=True)  # clean JPEG, full size
    poster_variants = models.JSONField(default=dict, blank=True)  # like NoteImage.variants
    poster_width = models.PositiveIntegerField(default=0)
    poster_height = models.PositiveIntegerField(default=0)
    blurhash = models.CharField(max_length=64, blank=True)
    dominant_color = models.CharField(max_length=7, default="#222222")
    ai_author = models.BooleanField(default=False)  # the author's own label
    ai_declared = models.BooleanField(default=False)  # the upload's metadata declared it
    alt_text = models.CharField(max_length=200, blank=True)
    #: Processing bookkeeping: tries so far, and a lease a running worker keeps renewing
    #: (a second delivery of the same task waits while it is held).
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    cpu_seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    #: Automatic captions: "" (not asked), "pending", "done", "none" (no speech or no sound),
    #: "failed" or "off" (no engine configured).
    transcription = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    @property
    def ai_generated(self) -> bool:
        return self.ai_author or self.ai_declared

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY


class ClipCaption(models.Model):
    """One caption track of a clip (WebVTT text, sanitised by the media engine).

    The original track is the author's (uploaded or typed) or, when the author gave none, an
    automatic transcription; machine translations of it, cue by cue, are stored one per
    language and made again when the original changes."""

    class Source(models.TextChoices):
        AUTHOR = "author", _("Author")
        TRANSCRIPTION = "transcription", _("Automatic")
        MACHINE = "machine", _("Machine translation")

    clip = models.ForeignKey(NoteClip, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(max_length=16, blank=True)  # "" until detected
    source = models.CharField(max_length=14, choices=Source.choices)
    vtt = models.TextField()
    cue_count = models.PositiveIntegerField(default=0)
    engine = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clip"],
                condition=~models.Q(source="machine"),
                name="uniq_clip_original_caption",
            ),
            models.UniqueConstraint(
                fields=["clip", "language"],
                condition=models.Q(source="machine"),
                name="uniq_clip_caption_language",
            ),
        ]

    @property
    def is_original(self) -> bool:
        return self.source != self.Source.MACHINE

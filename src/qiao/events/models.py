"""The append-only engagement log the recommender learns from."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EngagementEvent(models.Model):
    class Kind(models.TextChoices):
        IMPRESSION = "impression"
        OPEN = "open"
        DWELL = "dwell"
        LIKE = "like"
        UNLIKE = "unlike"
        COLLECT = "collect"
        COMMENT = "comment"
        SHARE = "share"
        FOLLOW = "follow"
        HIDE = "hide"
        PLAY = "play"  # a clip started playing (once per opening)
        WATCH = "watch"  # value = seconds of a clip actually watched in one opening

    # No foreign keys: the log is written in bulk on the hot path and kept when rows go.
    # Account deletion removes a user's events explicitly (see accounts.services).
    user_id = models.BigIntegerField(null=True, db_index=True)
    note_id = models.BigIntegerField(null=True, db_index=True)
    author_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.FloatField(default=0.0)  # dwell/watch seconds, an impression's rank
    surface = models.CharField(max_length=20, blank=True)  # for_you, following, topic, search
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user_id", "-created_at"])]

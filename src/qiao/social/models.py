"""Interactions around notes: likes, boards, comments, notifications. (The account graph,
follows and blocks, lives in `accounts`.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.notes.models import Note

USER = settings.AUTH_USER_MODEL


class Like(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="likes")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "note"], name="uniq_like")]


class Board(models.Model):
    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(max_length=40)
    description = models.CharField(max_length=200, blank=True)
    is_private = models.BooleanField(default=False)
    language = models.CharField(max_length=16, blank=True, null=True)
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="uniq_board_name"),
        ]


class Collect(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="items")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="collects")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="collects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "note"], name="uniq_collect"),
        ]


class Comment(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    reply_to = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(max_length=1000)
    language = models.CharField(max_length=16, blank=True, null=True)
    like_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    is_removed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["note", "parent", "created_at"])]


class CommentLike(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="comment_likes")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="uniq_comment_like"),
        ]


class Notification(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("liked your note")
        COLLECT = "collect", _("collected your note")
        COMMENT = "comment", _("commented on your note")
        REPLY = "reply", _("replied to your comment")
        MENTION = "mention", _("mentioned you")
        FOLLOW = "follow", _("started following you")
        FOLLOW_REQUEST = "follow_request", _("asked to follow you")
        FOLLOW_ACCEPTED = "follow_accepted", _("accepted your follow request")
        COMMENT_LIKE = "comment_like", _("liked your comment")
        #: To moderators: a note by `actor` was hidden after reports and waits for review.
        REVIEW = "review", _("has a note hidden after reports, waiting for review")
        #: To moderators: `actor` appealed against their note being hidden.
        APPEAL = "appeal", _("appealed against a hidden note")
        FIX_SUGGESTED = "fix_suggested", _("suggested a better translation of your post")
        FIX_ACCEPTED = "fix_accepted", _("accepted your translation")

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

"""Accounts: the user, their profile fields, API tokens, and the account graph (who follows
whom, who blocked whom)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

username_validator = RegexValidator(
    r"^[A-Za-z0-9_]{3,30}$",
    _("3–30 letters, digits or underscores."),
)


class User(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=30,
        unique=True,
        validators=[username_validator],
        error_messages={"unique": _("That username is taken.")},
    )
    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    bio = models.CharField(_("bio"), max_length=300, blank=True)
    bio_language = models.CharField(max_length=16, blank=True, null=True)
    avatar = models.CharField(max_length=300, blank=True)  # storage path of a 256px WebP
    avatar_color = models.CharField(max_length=7, default="#e85d75")
    ui_language = models.CharField(_("interface language"), max_length=16, blank=True)
    read_languages = models.JSONField(_("languages I read"), default=list, blank=True)
    chinese_name = models.CharField(_("Chinese name"), max_length=12, blank=True)
    chinese_name_pinyin = models.CharField(max_length=60, blank=True)
    is_private = models.BooleanField(_("private account"), default=False)
    auto_translate = models.BooleanField(_("translate automatically"), default=False)
    #: Clips in the feed play muted while in view (never on a data-saving connection).
    autoplay_videos = models.BooleanField(
        _("play videos automatically"), default=False, db_default=False
    )
    interests = models.JSONField(default=list, blank=True)
    #: Share of For you in the member's first reading language (0.5–1.0; the rest in other
    #: languages); null: the site default (QIAO_FEED_CROSS_LANGUAGE_SHARE).
    language_mix = models.FloatField(_("language mix"), null=True, blank=True, default=None)
    onboarded = models.BooleanField(default=False)
    follower_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    note_count = models.PositiveIntegerField(default=0)
    likes_received = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["date_joined"])]

    def __str__(self) -> str:
        return self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    label = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, label: str = "") -> tuple[ApiToken, str]:
        raw = "qiao_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, key_hash=cls.hash_key(raw), prefix=raw[5:13], label=label
        )
        return token, raw


class Follow(models.Model):
    """`follower` follows `followee`; pending until a private account approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Requested")
        ACCEPTED = "accepted", _("Following")

    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table predates the move of the account graph from `social` to `accounts`.
        db_table = "social_follow"
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="uniq_follow"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")), name="no_self_follow"
            ),
        ]
        indexes = [
            models.Index(fields=["followee", "status"], name="social_foll_followe_659d2e_idx")
        ]


class Block(models.Model):
    """`blocker` blocked `blocked`: each is hidden from the other everywhere."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "social_block"
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="uniq_block"),
        ]

"""Social's part in what happens below it: notifications for follows and mentions, board
counters when a note goes, counters when an account goes. Connected in `SocialConfig.ready`;
each runs inside the sender's transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from qiao.accounts import signals as account_signals
from qiao.accounts.models import Follow, User
from qiao.core.text import extract_mentions
from qiao.notes import signals as note_signals
from qiao.notes.models import Note
from qiao.social import services
from qiao.social.models import Comment, Notification
from qiao.translation.services import forget_text


@receiver(account_signals.followed, dispatch_uid="social_followed")
def _followed(sender: Any, follower_id: int, followee_id: int, status: str, **_kw: Any) -> None:
    kind = (
        Notification.Kind.FOLLOW
        if status == Follow.Status.ACCEPTED
        else Notification.Kind.FOLLOW_REQUEST
    )
    services.notify(followee_id, follower_id, kind)


@receiver(account_signals.follow_request_answered, dispatch_uid="social_request_answered")
def _request_answered(
    sender: Any, requester_id: int, owner_id: int, approved: bool, **_kw: Any
) -> None:
    if approved:
        services.notify(requester_id, owner_id, Notification.Kind.FOLLOW_ACCEPTED)
    Notification.objects.filter(
        recipient_id=owner_id,
        actor_id=requester_id,
        kind=Notification.Kind.FOLLOW_REQUEST,
        read_at__isnull=True,
    ).update(read_at=timezone.now())


@receiver(account_signals.account_deleting, dispatch_uid="social_account_deleting")
def _account_deleting(sender: Any, user_id: int, **_kw: Any) -> Callable[[], None]:
    texts = list(Comment.objects.filter(author_id=user_id).values_list("body", "language"))
    recount = services.recount_after_user_removal(user_id)

    def after() -> None:
        recount()
        for text, language in texts:  # their words must not outlive them in the cache
            forget_text(text, language)

    return after


@receiver(note_signals.note_published, dispatch_uid="social_note_published")
def _note_published(sender: Any, note_id: int, **_kw: Any) -> None:
    note = Note.objects.select_related("author").get(pk=note_id)
    author: User = note.author
    services.notify_mentions(author, extract_mentions(note.body), note=note)


@receiver(note_signals.note_deleting, dispatch_uid="social_note_deleting")
def _note_deleting(sender: Any, note_id: int, **_kw: Any) -> None:
    services.recount_before_note_removal(note_id)

"""The messages domain's part in what happens below it: blocks close conversations,
deleted accounts leave tombstones, moderators' removals are carried out, notifications
reach the live badge. Connected in `MessagesConfig.ready`; each runs inside the sender's
transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qiao.accounts import signals as account_signals
from qiao.accounts.models import User
from qiao.messages import services
from qiao.moderation import signals as moderation_signals
from qiao.social import signals as social_signals
from qiao.social.read import unread_count


@receiver(account_signals.blocked, dispatch_uid="messages_blocked")
def _blocked(sender: Any, blocker_id: int, blocked_id: int, **_kw: Any) -> None:
    services.conversation_blocked(blocker_id, blocked_id)


@receiver(account_signals.account_deleting, dispatch_uid="messages_account_deleting")
def _account_deleting(sender: Any, user_id: int, **_kw: Any) -> None:
    services.account_deleting(user_id)


@receiver(moderation_signals.content_removed, dispatch_uid="messages_content_removed")
def _content_removed(sender: Any, kind: str, object_id: int, **_kw: Any) -> None:
    services.content_removed(kind, object_id)


@receiver(social_signals.notified, dispatch_uid="messages_notified")
def _notified(sender: Any, recipient_id: int, **_kw: Any) -> None:
    user = User.objects.filter(pk=recipient_id).first()
    if user is not None:
        services.notifications_changed(recipient_id, unread_count(user))

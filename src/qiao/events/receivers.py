"""The engagement log's part in what happens to accounts (connected in `EventsConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qiao.accounts import signals as account_signals
from qiao.events.models import EngagementEvent
from qiao.events.services import log_event


@receiver(account_signals.followed, dispatch_uid="events_followed")
def _followed(sender: Any, follower_id: int, followee_id: int, status: str, **_kw: Any) -> None:
    log_event(follower_id, None, "follow", author_id=followee_id)


@receiver(account_signals.account_deleting, dispatch_uid="events_account_deleting")
def _account_deleting(sender: Any, user_id: int, **_kw: Any) -> None:
    # The log has no foreign keys (it is written in bulk on the hot path), so a deleted
    # account's events, and the events about its notes, go explicitly.
    EngagementEvent.objects.filter(user_id=user_id).delete()
    EngagementEvent.objects.filter(author_id=user_id).delete()

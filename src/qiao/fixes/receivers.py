"""Suggested fixes' part in what happens to notes and accounts (connected in
`FixesConfig.ready`); the domains below never import this."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qiao.accounts import signals as account_signals
from qiao.fixes import services
from qiao.notes import signals as note_signals


@receiver(note_signals.note_edited, dispatch_uid="fixes_note_edited")
def _note_edited(sender: Any, note_id: int, changed: set[str], **kwargs: Any) -> None:
    if "text" in changed:
        services.note_text_changed(note_id)


@receiver(account_signals.blocked, dispatch_uid="fixes_blocked")
def _blocked(sender: Any, blocker_id: int, blocked_id: int, **kwargs: Any) -> None:
    services.forget_between(blocker_id, blocked_id)


@receiver(account_signals.account_deleting, dispatch_uid="fixes_account_deleting")
def _account_deleting(sender: Any, user_id: int, **kwargs: Any) -> None:
    services.forget_pending_of(user_id)

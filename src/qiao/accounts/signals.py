"""What happened to accounts, for the domains above to react to.

Sent inside the writer's transaction; receivers write their own rows there (a notification)
or schedule work with `enqueue_on_commit`. Lower floors never import the receivers.
"""

from django.dispatch import Signal

#: kwargs: follower_id, followee_id, status ("accepted" or "pending")
followed = Signal()
#: kwargs: requester_id, owner_id, approved
follow_request_answered = Signal()
#: kwargs: blocker_id, blocked_id
blocked = Signal()
#: kwargs: user_id, changed (the profile fields that changed)
profile_changed = Signal()
#: kwargs: user_id. Sent before an account is deleted, inside the deleting transaction;
#: a receiver may return a callable, run after the rows are gone (to fix counters).
account_deleting = Signal()

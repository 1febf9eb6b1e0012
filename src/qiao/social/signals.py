"""What happened in social, for the domains above it to react to (live badges).

Sent inside the writer's transaction; social never imports the receivers."""

from django.dispatch import Signal

#: kwargs: recipient_id, notification_id. A notification was created for someone.
notified = Signal()

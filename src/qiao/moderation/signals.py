"""What moderators did, for the domains above moderation to carry out on their own rows
(moderation never imports them). Sent inside the resolving transaction."""

from django.dispatch import Signal

#: kwargs: kind (a Report.Kind value), object_id. A moderator removed reported private
#: content (a direct message, a conversation) that moderation holds no row of.
content_removed = Signal()

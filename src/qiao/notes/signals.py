"""What happened to notes, for the domains above (social, translation, search, feed) to react
to. Sent inside the writer's transaction; receivers write their own rows there or schedule
work with `enqueue_on_commit`. Notes never import the receivers."""

from django.dispatch import Signal

note_published = Signal()  # kwargs: note_id
#: kwargs: note_id, changed ({"text", "topics"}: what changed after publishing)
note_edited = Signal()
note_deleting = Signal()  # kwargs: note_id (its author deletes it; the rows still exist)

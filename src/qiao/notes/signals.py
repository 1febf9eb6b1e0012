"""Signals other apps (translation, recommender) listen to. Sent inside the transaction;
receivers schedule work with `enqueue_on_commit`."""

from django.dispatch import Signal

note_published = Signal()  # kwargs: note_id
note_edited = Signal()  # kwargs: note_id
comment_posted = Signal()  # kwargs: comment_id

"""A read-only view of the engagement log with the joins analytics needs.

`events.EngagementEvent` deliberately has no foreign keys (the log is written in bulk and
outlives its rows). Analytics must join each event to the reader (their reading and interface
languages) and to the note (its language), in the database, not row by row in Python. This
unmanaged model maps the same table with `db_constraint=False` foreign keys, so the ORM can
express those joins (`user__read_languages`, `note__language`) and nothing is ever created,
altered or cascaded by it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qiao.notes.models import Note


class EventFact(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    note = models.ForeignKey(Note, null=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    author_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=12)
    value = models.FloatField(default=0.0)
    surface = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "events_engagementevent"

"""An index on the engagement log for "this author's events since a date".

Every analytics query starts from `author_id = ? AND created_at >= ?`; without this index it
scans the whole log. The table belongs to the events app, which has no index on author_id, so
the index is created here with plain SQL (valid on SQLite and PostgreSQL) and dropped on
reversal. If events.EngagementEvent ever declares the same index, drop this migration's effect
with a RunSQL that removes it.
"""

from django.db import migrations

INDEX = "creators_event_author_created"


class Migration(migrations.Migration):

    dependencies = [
        ("creators", "0001_initial"),
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} "
                "ON events_engagementevent (author_id, created_at)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]

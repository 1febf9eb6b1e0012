"""The note search index: documents, plus the full-text index the database offers
(SQLite FTS5 table kept in step by triggers, or a PostgreSQL tsvector column + GIN index)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_note_fts USING fts5(
        title, body, topics, content='search_notesearchdocument', content_rowid='note_id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_notesearchdocument BEGIN
        INSERT INTO search_note_fts(rowid, title, body, topics)
        VALUES (new.note_id, new.title, new.body, new.topics);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_notesearchdocument BEGIN
        INSERT INTO search_note_fts(search_note_fts, rowid, title, body, topics)
        VALUES ('delete', old.note_id, old.title, old.body, old.topics);
    END""",
    """CREATE TRIGGER search_doc_au AFTER UPDATE ON search_notesearchdocument BEGIN
        INSERT INTO search_note_fts(search_note_fts, rowid, title, body, topics)
        VALUES ('delete', old.note_id, old.title, old.body, old.topics);
        INSERT INTO search_note_fts(rowid, title, body, topics)
        VALUES (new.note_id, new.title, new.body, new.topics);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_note_fts",
]
# Title weighs A, topics B, body C (ts_rank's default weights 1.0, 0.4, 0.2). The text is
# pre-segmented, space-separated tokens: the 'simple' configuration only lower-cases them.
POSTGRES_FORWARD = [
    """ALTER TABLE search_notesearchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title), 'A')
        || setweight(to_tsvector('simple', topics), 'B')
        || setweight(to_tsvector('simple', body), 'C')) STORED""",
    "CREATE INDEX search_doc_tsv ON search_notesearchdocument USING GIN (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_tsv",
    "ALTER TABLE search_notesearchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("notes", "0002_recent_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="NoteSearchDocument",
            fields=[
                ("note", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                    related_name="search_document", serialize=False, to="notes.note")),
                ("title", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("topics", models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]

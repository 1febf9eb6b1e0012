"""The search index's rows: one pre-segmented document per published note.

The full-text index itself is not a Django model: on SQLite it is an FTS5 table
(``search_note_fts``, external content = this table, kept in step by triggers); on
PostgreSQL a generated ``tsv`` column of this table with a GIN index. Both are created by
migration 0001 for the database in use. Who may see a note is never stored here: it is
applied at query time by ``visible_notes``, so visibility, blocks and moderation take effect
at once and a stale document cannot leak a note.
"""

from __future__ import annotations

from django.db import models

from qiao.notes.models import Note


class NoteSearchDocument(models.Model):
    note = models.OneToOneField(
        Note, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.TextField(blank=True)  # space-separated tokens (qiao.engines.search)
    body = models.TextField(blank=True)
    topics = models.TextField(blank=True)
    #: `engines.search.segmenter_version()` when it was cut: a document cut by another
    #: version of the word lists (jieba's user dictionary, the starter glossary) is stale and
    #: re-indexed (`qiao search reindex --stale`, run by `qiao serve` at start). Nullable, so
    #: adding it is a plain ALTER TABLE (rebuilding the table would drop the FTS5 triggers).
    segmenter = models.CharField(max_length=16, null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"search document of note {self.note_id}"

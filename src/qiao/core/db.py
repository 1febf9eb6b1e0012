"""Database upkeep that is the same call on every backend."""

from __future__ import annotations

import logging

from django.db import connection
from django.db.backends.utils import CursorWrapper

logger = logging.getLogger("qiao.db")


#: Tables with more rows than this (the engagement log) are sampled, not read whole:
#: ANALYZE holds the write lock while it reads a table.
SAMPLE_ABOVE_ROWS = 2_000_000
_FTS5_SHADOWS = ("data", "idx", "docsize", "config", "content")


def refresh_planner_stats() -> None:
    """Give the query planner fresh table statistics.

    Without them SQLite guesses: at a million notes it answered "these 40 notes, if the
    viewer may see them" by walking every published note (118 ms) instead of looking the 40
    up by key (1 ms). PostgreSQL's autovacuum analyses on its own; an explicit ANALYZE after
    a bulk load saves waiting for it.

    On SQLite each table is analysed on its own (the write lock is held for one table at a
    time: 0.3 s for the notes at 1M) and read whole: a sampled ANALYZE (``analysis_limit``)
    reads the first rows of each index, so an index that starts with a column of few values
    (status, visibility) looked as if each value had ~1,000 rows, and search's "which of
    these 1,000 matches may the viewer see" walked every published note (94 ms at 1M notes;
    8 ms by key). Only the engagement log, with millions of rows, is sampled.

    SQLite's full-text (FTS5) shadow tables are left without statistics: FTS5 queries them
    itself, and a count taken while the search index was nearly empty ("2 rows") made every
    later insert scan them: indexing 1,000 notes took 5.3 s instead of 0.02 s at 315k
    indexed notes, so a million-note reindex slowed to a crawl. Without a row the planner
    assumes a big table and uses the keys."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                _analyse_sqlite(cursor)
            elif connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
    except Exception:
        logger.exception("could not refresh the query planner's statistics")


def _analyse_sqlite(cursor: CursorWrapper) -> None:
    shadows = {f"{name}_{part}" for name in _fts5_tables(cursor) for part in _FTS5_SHADOWS}
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
    )
    tables = [row[0] for row in cursor.fetchall() if row[0] not in shadows]
    for table in tables:
        name = connection.ops.quote_name(table)
        try:
            cursor.execute(f"SELECT max(rowid) FROM {name}")  # noqa: S608 - a schema name
            rows = cursor.fetchone()[0] or 0
        except Exception:  # noqa: BLE001 - WITHOUT ROWID tables (small ones here)
            rows = 0
        cursor.execute(f"PRAGMA analysis_limit={1000 if rows > SAMPLE_ABOVE_ROWS else 0}")
        cursor.execute(f"ANALYZE {name}")
    cursor.execute("PRAGMA analysis_limit=0")
    for table in sorted(shadows):
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
    cursor.execute("ANALYZE sqlite_schema")  # reload what the planner uses


def _fts5_tables(cursor: CursorWrapper) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'"
    )
    return [row[0] for row in cursor.fetchall()]

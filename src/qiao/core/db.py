"""Database upkeep that is the same call on every backend."""

from __future__ import annotations

import logging

from django.db import connection
from django.db.backends.utils import CursorWrapper

logger = logging.getLogger("qiao.db")


def refresh_planner_stats() -> None:
    """Give the query planner fresh table statistics.

    Without them SQLite guesses: at a million notes it answered "these 40 notes, if the
    viewer may see them" by walking every published note (118 ms) instead of looking the 40
    up by key (1 ms). ``analysis_limit`` makes ANALYZE sample each index, so this takes
    milliseconds even on a multi-gigabyte file. PostgreSQL's autovacuum analyses on its own;
    an explicit ANALYZE after a bulk load saves waiting for it.

    SQLite's full-text (FTS5) shadow tables are left without statistics: FTS5 queries them
    itself, and a count taken while the search index was nearly empty ("2 rows") made every
    later insert scan them: indexing 1,000 notes took 5.3 s instead of 0.02 s at 315k
    indexed notes, so a million-note reindex slowed to a crawl. Without a row the planner
    assumes a big table and uses the keys."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit=1000")
                cursor.execute("ANALYZE")
                shadows = [f"{name}_{part}" for name in _fts5_tables(cursor)
                           for part in ("data", "idx", "docsize", "config", "content")]
                for table in shadows:
                    cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
                if shadows:
                    cursor.execute("ANALYZE sqlite_schema")  # reload what the planner uses
            elif connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
    except Exception:  # noqa: BLE001 - statistics are an optimisation, never a failure
        logger.exception("could not refresh the query planner's statistics")


def _fts5_tables(cursor: CursorWrapper) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                   "AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'")
    return [row[0] for row in cursor.fetchall()]

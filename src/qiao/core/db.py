"""Database upkeep that is the same call on every backend."""

from __future__ import annotations

import logging

from django.db import connection

logger = logging.getLogger("qiao.db")


def refresh_planner_stats() -> None:
    """Give the query planner fresh table statistics.

    Without them SQLite guesses: at a million notes it answered "these 40 notes, if the
    viewer may see them" by walking every published note (118 ms) instead of looking the 40
    up by key (1 ms). ``analysis_limit`` makes ANALYZE sample each index, so this takes
    milliseconds even on a multi-gigabyte file. PostgreSQL's autovacuum analyses on its own;
    an explicit ANALYZE after a bulk load saves waiting for it."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit=1000")
                cursor.execute("ANALYZE")
            elif connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
    except Exception:  # noqa: BLE001 - statistics are an optimisation, never a failure
        logger.exception("could not refresh the query planner's statistics")

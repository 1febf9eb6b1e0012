"""The planner gets statistics after bulk loads and training (see qiao.core.db)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from qiao.core.db import refresh_planner_stats

pytestmark = pytest.mark.django_db


def test_refresh_planner_stats_analyses_the_tables(make_note: Any) -> None:
    for _ in range(3):
        make_note()
    refresh_planner_stats()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'notes_note'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'notes_note'")
        assert cursor.fetchone()[0] > 0


def test_a_failure_is_logged_not_raised(monkeypatch: pytest.MonkeyPatch,
                                        caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> Any:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(connection, "cursor", broken)
    refresh_planner_stats()
    assert "could not refresh" in caplog.text

"""Bridge between the platform and the recommender engine (filled in by the feed work)."""

from __future__ import annotations

from qiao.accounts.models import User
from qiao.notes.models import Note


def recommend_page(viewer: User | None, *, cursor: str | None, limit: int
                   ) -> tuple[list[Note], str | None] | None:
    """A page from the trained recommender, or None when no model is available."""
    return None

"""The final order of search results: text relevance, then engagement and recency.

    score = text × (1 + ENGAGEMENT · ln(1 + likes + 2·collects + comments))
                 × (1 − RECENCY + RECENCY · 0.5 ^ (age_days / HALF_LIFE_DAYS))

``text`` is the back-end's relevance (−bm25 in SQLite FTS5, ts_rank in PostgreSQL) with
expansions discounted (`text_score`). Everything multiplies, so the scale of ``text`` (which
differs between back-ends) does not matter: only ratios between notes of one query do. With
these constants a note with 100 likes gets ×1.7 and a year-old note ×0.75, while a title match
scores about 5× a single body mention: relevance leads, engagement and freshness break ties
and reorder near-equals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ENGAGEMENT = 0.15
RECENCY = 0.25
HALF_LIFE_DAYS = 30.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A note the text index found, with the two relevance figures of `text_score`."""

    note_id: int
    full: float  # relevance for the whole query, expansions included
    original: float = 0.0  # relevance for the words as typed (0 if only expansions match)


def text_score(full: float, original: float, expansion_weight: float) -> float:
    """Relevance with the part owed to expansions counted at ``expansion_weight``."""
    original = min(max(original, 0.0), full)
    return original + expansion_weight * (full - original)


def blend(text: float, *, likes: int, collects: int, comments: int, age_days: float) -> float:
    engagement = 1.0 + ENGAGEMENT * math.log1p(max(0, likes + 2 * collects + comments))
    fresh = 1.0 - RECENCY + RECENCY * 0.5 ** (max(age_days, 0.0) / HALF_LIFE_DAYS)
    return float(text * engagement * fresh)

"""Search engine (plain Python, no Django): tokenisation for the index and for queries
(jieba + CC-CEDICT for Chinese, Traditional folded to Simplified, lower-cased and lightly
stemmed words for the rest), cross-language query expansion, and the ranking blend.

    from qiao.engines.search import index_text, build_query, blend
    doc = index_text("北京烤鸭", "Crispy skin #food", ["food"])   # IndexedText(title, body, topics)
    q = build_query("roast duck")          # SearchQuery: groups of weighted terms
    q.fts5(), q.tsquery()                  # for SQLite FTS5 MATCH / PostgreSQL ::tsquery

The platform keeps the pre-segmented documents in its database and implements `Searcher`
over SQLite FTS5 or PostgreSQL full-text (qiao.search.backends); see docs/search.md.
"""

from __future__ import annotations

from typing import Protocol

from .query import (
    EXPANSION_WEIGHT,
    CedictLexicon,
    Group,
    Lexicon,
    SearchQuery,
    Term,
    build_query,
)
from .rank import Candidate, blend, text_score
from .text import IndexedText, fold, index_text, segmenter_version, stem, tokenize, warm_up


class Searcher(Protocol):
    """Finds the notes matching a query, best text relevance first."""

    def candidates(
        self, query: SearchQuery, limit: int, *, require_all: bool = True
    ) -> list[Candidate]:
        """At most ``limit`` notes matching every group of ``query`` (any group when not
        ``require_all``), best text relevance first."""
        ...


__all__ = [
    "EXPANSION_WEIGHT",
    "Candidate",
    "CedictLexicon",
    "Group",
    "IndexedText",
    "Lexicon",
    "SearchQuery",
    "Searcher",
    "Term",
    "blend",
    "build_query",
    "fold",
    "index_text",
    "segmenter_version",
    "stem",
    "text_score",
    "tokenize",
    "warm_up",
]

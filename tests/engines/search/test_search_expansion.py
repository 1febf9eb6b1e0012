"""Cross-language query expansion by category (issue 13, category 6)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from qiao.engines.search import build_query

DATA = Path(__file__).resolve().parents[1] / "data" / "bridge" / "search_queries.jsonl"


def _by_category() -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = defaultdict(list)
    for line in DATA.read_text("utf-8").splitlines():
        row = json.loads(line)
        if "query" in row:
            out[str(row["category"])].append(row)
    return out


@pytest.mark.parametrize("category", sorted(_by_category()))
def test_hit_rate_by_category(category: str) -> None:
    rows = _by_category()[category]
    hits = 0
    for r in rows:
        got = set(build_query(str(r["query"])).expansions())
        expected = set(r["expected"])  # type: ignore[arg-type] # JSON rows
        hits += (not got) if not expected else bool(got & expected)
    floor = 1.0 if category == "stopword" else 0.7
    assert hits / len(rows) >= floor, (category, hits, len(rows))


@pytest.mark.parametrize(
    ("query", "chinese"),
    [("milk tea", "奶茶"), ("hot pot", "火锅"), ("Chongqing", "重庆"), ("cat tax", "猫税")],
)
def test_phrases_and_places(query: str, chinese: str) -> None:
    q = build_query(query)
    assert len(q.groups) == 1
    assert chinese in q.expansions()


@pytest.mark.parametrize("query", ["the", "and", "this"])
def test_stop_words_never_expand(query: str) -> None:
    q = build_query(query)
    assert q and not q.has_expansions


def test_phrase_is_matched_as_a_phrase() -> None:
    q = build_query("milk tea")
    assert '"milk tea"' in q.fts5() and "'milk' <-> 'tea'" in q.tsquery()

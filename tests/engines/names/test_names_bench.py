"""The benchmark helpers (the full benchmark is a command: bench/names.py)."""

from __future__ import annotations

import pytest

from qiao.engines.names.bench import char_similarity, markdown_row, suggestion_benchmark
from qiao.engines.names.paths import shared_data_dir


def test_char_similarity_uses_the_closest_reference():
    assert char_similarity("乔丹", ["乔丹", "佐敦"]) == 1.0
    assert char_similarity("乔登", ["乔丹"]) == 0.5
    assert char_similarity("", ["乔丹"]) == 0.0


def test_markdown_row_mentions_every_headline_number():
    row = markdown_row(
        {
            "translit_top1": 0.5, "translit_top5": 0.7, "translit_char_similarity": 0.73,
            "baseline_top1": 0.38, "suggest_pass_rate": 1.0, "suggest_distinct_rate": 0.98,
            "latency_ms_p50": 12.0, "latency_ms_p99": 40.0, "cpu_ms_p50": 10.0,
            "cpu_ms_p99": 30.0,
        },
        "2026-01-01",
    )  # fmt: skip
    assert row.startswith("| 2026-01-01 | names |") and "0.500" in row and "0.380" in row


@pytest.mark.skipif(
    shared_data_dir() is None or not (shared_data_dir() / "names").is_dir(),  # type: ignore[operator] # None checked first
    reason="shared data not available",
)
def test_suggestion_benchmark_smoke():
    out = suggestion_benchmark(pairs=5, seed=1)
    assert out["requests"] == 5
    assert out["pass_rate"] == 1.0
    assert out["min_per_request"] >= 5

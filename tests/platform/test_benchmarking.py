"""The helpers the bench/ scripts share (qiao.ops.benchmarking)."""

from __future__ import annotations

from pathlib import Path

from qiao.ops.benchmarking import append_row, percentile

DOC = """# Benchmarks

## Platform: seeding and API latency (bench/api.py)

Some words.

| date | data |
|---|---|
| 2026-11-25 | old |

- a remark under the table

## Search (bench/search.py)

| date | database |
|---|---|
| 2026-11-25 | sqlite |
"""


def test_rows_go_under_their_own_heading_not_at_the_end(tmp_path: Path) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text(DOC, encoding="utf-8")
    append_row(doc, "Platform: seeding and API latency", "| 2026-11-26 | new |")
    lines = doc.read_text(encoding="utf-8").splitlines()
    assert lines[lines.index("| 2026-11-25 | old |") + 1] == "| 2026-11-26 | new |"
    assert lines[-1] == "| 2026-11-25 | sqlite |"  # the last section is untouched
    append_row(doc, "Search", "| 2026-11-26 | postgresql |")
    assert doc.read_text(encoding="utf-8").splitlines()[-1] == "| 2026-11-26 | postgresql |"


def test_a_missing_section_is_started_at_the_end(tmp_path: Path) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text(DOC, encoding="utf-8")
    append_row(doc, "Uploads (bench/uploads.py)", "| 2026-11-26 | x |")
    assert doc.read_text(encoding="utf-8").endswith(
        "\n## Uploads (bench/uploads.py)\n\n| 2026-11-26 | x |\n"
    )


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 51.0
    assert percentile(values, 0.99) == 100.0
    assert percentile([3.14159], 0.99) == 3.14

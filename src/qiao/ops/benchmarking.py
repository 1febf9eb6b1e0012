"""Small helpers shared by the benchmark scripts in ``bench/`` that run against a seeded site:
Django set-up, percentiles, and adding a row to the right table of ``docs/BENCHMARKS.md``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def setup_django() -> None:
    """Settings from the environment (``QIAO_HOME`` picks the site), rate limits off."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    os.environ.setdefault("QIAO_RATE_LIMITS_ENABLED", "0")
    import django

    django.setup()


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank `q` quantile (0..1) of `values`, rounded to 0.01."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def append_row(path: Path, heading: str, row: str) -> None:
    """Add a markdown table row under the section whose heading starts with `heading`
    (after that section's last table row), or at the end in a new section if there is none.
    Appending at the end of the file put rows under whichever section came last."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if line.startswith("#") and line.lstrip("#").strip().startswith(heading)
        ),
        None,
    )
    if start is None:
        lines += ["", f"## {heading}", "", row]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        last = max((i for i in range(start + 1, end) if lines[i].startswith("|")), default=end - 1)
        lines.insert(last + 1, row)
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")

#!/usr/bin/env python
"""Evaluation of the Chinese-name helper (transliteration accuracy, check pass rate, latency).

    .venv/bin/python bench/names.py [--data DIR] [--folds 5] [--pairs 1000] [--append-md]

Prints one JSON line. Data comes from --data, else $QIAO_DATA_DIR, else
<repo root>/../shared/data. See docs/names.md for the protocol.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qiao.engines.names.bench import markdown_row, run_names_benchmark


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=None, help="shared data dir (containing names/)")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    ap.add_argument("--pairs", type=int, default=1000, help="random name pairs (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--limit",
        type=int,
        default=None,
        help="evaluate only this many dev names (a quick check; default all)",
    )
    ap.add_argument(
        "--append-md",
        nargs="?",
        const="docs/BENCHMARKS.md",
        default=None,
        help="append a row to this markdown file (docs/BENCHMARKS.md)",
    )
    args = ap.parse_args(argv)
    result = run_names_benchmark(
        args.data,
        folds=args.folds,
        pairs=args.pairs,
        seed=args.seed,
        limit=args.limit,
        progress=lambda s: print(s, file=sys.stderr, flush=True),
    )
    print(json.dumps(result, ensure_ascii=False), flush=True)
    if args.append_md:
        path = Path(args.append_md)
        if not path.is_absolute():
            path = Path(__file__).resolve().parents[1] / path
        today = dt.datetime.now(dt.UTC).date().isoformat()
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(markdown_row(result, today) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

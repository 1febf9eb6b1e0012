#!/usr/bin/env python
"""Offline evaluation of the "For you" engine against baselines on public data sets.

    .venv/bin/python bench/recommend.py --dataset ../shared/data/recsys [--append-md]

Prints one JSON line per (data set, protocol, model). Data comes from --dataset/--data, else
$QIAO_DATA_DIR, else <repo root>/../shared/data. See docs/recommender.md for the protocol.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qiao.engines.recommend.bench import ALL_MODELS, run_recommend_benchmark


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dataset", "--data", dest="data", default=None,
                    help="data root, its recsys/ folder, or one data set folder")
    ap.add_argument("--models", default=",".join(ALL_MODELS),
                    help="comma-separated subset of " + ",".join(ALL_MODELS))
    ap.add_argument("--no-time-split", action="store_true", help="skip the global time split")
    ap.add_argument("--append-md", nargs="?", const="docs/BENCHMARKS.md", default=None,
                    help="append a results table to this markdown file (docs/BENCHMARKS.md)")
    ap.add_argument("--simulate", action="store_true",
                    help="also run the simulated-users evaluation")
    ap.add_argument("--serving-notes", type=int, default=0,
                    help="also time serving on a synthetic catalogue of this many notes")
    ap.add_argument("--serving-events", type=int, default=0,
                    help="events of that synthetic log (default: 2 per note)")
    ap.add_argument("--only-serving", action="store_true",
                    help="skip the public-data runs (with --serving-notes)")
    args = ap.parse_args(argv)
    models = tuple(m for m in args.models.split(",") if m)
    unknown = set(models) - set(ALL_MODELS)
    if unknown:
        ap.error(f"unknown models: {sorted(unknown)}")
    if not args.only_serving:
        run_recommend_benchmark(args.data, models=models, time_split=not args.no_time_split,
                                out=lambda s: print(s, flush=True), append_md=args.append_md)
    if args.serving_notes:
        from qiao.engines.recommend.bench import run_serving_benchmark

        n = args.serving_notes
        run_serving_benchmark(n, max(1000, n // 10), args.serving_events or 2 * n,
                              out=lambda s: print(s, flush=True))
    if args.simulate:
        from qiao.engines.recommend.simulate import run_simulation

        run_simulation(out=lambda s: print(s, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

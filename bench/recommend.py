#!/usr/bin/env python
"""Offline evaluation of the "For you" engine against baselines on public data sets.

    .venv/bin/python bench/recommend.py --dataset ../shared/data/recsys [--protocol validation]
    qiao bench recommend --dataset path/to/ratings.inter --seeds 0,1,2 --tie-orders 3

--dataset takes a data root, a folder of data set folders, one data set folder, or one file:
RecBole atomic `.inter` (+ optional `.item`), `user item ...` sequence lines (`.txt`), or
Amazon reviews JSON lines (`.json`/`.jsonl`). Without it: $QIAO_DATA_DIR, else
<repo root>/../shared/data. Prints one JSON line per run, a summary line per (data set,
protocol, model) with mean ± sd over seeds and tie orders, and a markdown table.
See docs/recommender.md for the protocol.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qiao.engines.recommend.bench import ALL_MODELS, run_recommend_benchmark


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split(",") if x.strip())


def language_mix_summary(rows: list[dict[str, Any]], steps: tuple[float, ...]) -> dict[str, Any]:
    """Mean ± sd over seeds of each step's realised share, and of the like-rate change."""
    import numpy as np

    def stat(key: str) -> list[float]:
        values = np.array([r[key] for r in rows], dtype=float)
        return [
            round(float(values.mean()), 4),
            round(float(values.std(ddof=1)), 4) if len(values) > 1 else 0.0,
        ]

    out: dict[str, Any] = {"bench": "language-mix-summary", "seeds": [r["seed"] for r in rows]}
    for step in steps:
        out[f"share_at_{step}"] = stat(f"share_at_{step}")
        out[f"within_5_points_at_{step}"] = stat(f"within_5_points_at_{step}")
    out["like_rate_change"] = stat("like_rate_change")
    out["default_main_share"] = stat("default_main_share")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--dataset",
        "--data",
        dest="data",
        default=None,
        help="data root, folder of data sets, one data set folder, or one file",
    )
    ap.add_argument(
        "--models",
        default=",".join(ALL_MODELS),
        help="comma-separated subset of " + ",".join(ALL_MODELS),
    )
    ap.add_argument(
        "--protocol",
        choices=("test", "validation"),
        default="test",
        help="validation: the second-to-last item is the target and test items "
        "are never loaded (for design work)",
    )
    ap.add_argument("--seeds", type=_ints, default=(0, 1, 2), help="e.g. 0,1,2")
    ap.add_argument(
        "--tie-orders",
        type=int,
        default=3,
        help="orders of equal timestamps (0 = the file's order, the reference)",
    )
    ap.add_argument(
        "--max-users",
        type=int,
        default=None,
        help="evaluate a random sample of this many users (quick runs)",
    )
    ap.add_argument(
        "--time-split",
        action="store_true",
        help="also run the global time split (sets with timestamps)",
    )
    ap.add_argument(
        "--append-md",
        nargs="?",
        const="docs/BENCHMARKS.md",
        default=None,
        help="append the summary table to this markdown file (docs/BENCHMARKS.md)",
    )
    ap.add_argument(
        "--simulate", action="store_true", help="also run the simulated-users evaluation"
    )
    ap.add_argument(
        "--language-mix",
        action="store_true",
        help="also measure the language-mix setting on simulated users, once "
        "per seed, and print mean ± sd over the seeds",
    )
    ap.add_argument(
        "--mix-steps",
        type=_floats,
        default=(0.5, 0.7, 0.9),
        help="language-mix settings to measure (default: the platform's steps, "
        "accounts.services.LANGUAGE_MIX_STEPS)",
    )
    ap.add_argument(
        "--video",
        action="store_true",
        help="also measure the clip signals on the synthetic video world",
    )
    ap.add_argument(
        "--serving-notes",
        type=int,
        default=0,
        help="also time serving on a synthetic catalogue of this many notes",
    )
    ap.add_argument(
        "--serving-events",
        type=int,
        default=0,
        help="events of that synthetic log (default: 2 per note)",
    )
    ap.add_argument(
        "--only-serving",
        action="store_true",
        help="skip the public-data runs (with --serving-notes, --simulate, "
        "--language-mix, --video)",
    )
    args = ap.parse_args(argv)
    models = tuple(m for m in args.models.split(",") if m)
    unknown = set(models) - set(ALL_MODELS)
    if unknown:
        ap.error(f"unknown models: {sorted(unknown)}")
    if not args.only_serving:
        run_recommend_benchmark(
            args.data,
            models=models,
            time_split=args.time_split,
            out=lambda s: print(s, flush=True),
            append_md=args.append_md,
            seeds=args.seeds,
            tie_orders=args.tie_orders,
            protocol=args.protocol,
            max_users=args.max_users,
        )
    if args.serving_notes:
        from qiao.engines.recommend.bench import run_serving_benchmark

        n = args.serving_notes
        run_serving_benchmark(
            n, max(1000, n // 10), args.serving_events or 2 * n, out=lambda s: print(s, flush=True)
        )
    if args.language_mix:
        from qiao.engines.recommend.bench import run_language_mix_benchmark

        rows = [
            run_language_mix_benchmark(
                mixes=args.mix_steps, seed=seed, out=lambda s: print(s, flush=True)
            )
            for seed in args.seeds
        ]
        print(json.dumps(language_mix_summary(rows, args.mix_steps)), flush=True)
    if args.video:
        from qiao.engines.recommend.bench import run_video_benchmark

        run_video_benchmark(seeds=args.seeds, out=lambda s: print(s, flush=True))
    if args.simulate:
        from qiao.engines.recommend.simulate import run_simulation

        run_simulation(out=lambda s: print(s, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

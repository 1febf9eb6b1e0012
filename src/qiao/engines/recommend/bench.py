"""Offline evaluation on public data sets: the engine and the baselines in the same run.

Protocol (see docs/recommender.md): implicit feedback; per-user chronological leave-last-out
(last item = test, second-to-last = validation; users with < 3 interactions are not
evaluated); full ranking over every item for the baselines, the user's earlier items
removed, ties counted at their expected value; the engine is scored on the first page it
actually serves (20 notes, after re-ranking, through the same pager the platform uses).
Baseline hyper-parameters are picked on validation NDCG@10 and the model is refitted on
train+validation; the engine picks its own on its own hold-out inside
``Recommender.train``.

Robustness: every model runs over ``tie_orders`` orders of equal timestamps (order 0 is the
file's, the reference; order k shuffles ties with seed k) and, when it has randomness (ALS,
the engine), over ``seeds``; the summary gives the mean ± sd over all runs. The
development protocol (``protocol="validation"``) drops every user's test item first, so the
whole run (tuning included) sees no test item: design work uses it; the test protocol is
for the record.
"""

from __future__ import annotations

import json
import os
import platform
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from .engine import Recommender
from .evaldata import (
    SeqDataset,
    Split,
    default_data_dir,
    drop_last,
    find_datasets,
    global_time_split,
    item_texts,
    leave_last_out,
    load_dataset,
)
from .metrics import multi_target_metrics, single_target_metrics, topk
from .models import EASE, ImplicitALS, ItemKNN, ItemScorer, MissingExtra, MostPopular
from .types import KIND_CODES, Interaction, InteractionLog, NoteInfo, RecommenderConfig, UserContext

ScoreFn = Callable[[np.ndarray, list[np.ndarray]], Iterator[np.ndarray]]
VAL_MAX_USERS = 5000  # validation (hyper-parameter choice) on a fixed sample of users
ALL_MODELS = ("most-popular", "item-knn", "implicit-als", "ease", "qiao")
SEEDED = {"implicit-als", "qiao"}  # the others are deterministic: one run per tie order
EASE_FULL_MAX_ITEMS = 20000  # above: EASE on the EASE_TOPK_ITEMS most popular items
EASE_TOPK_ITEMS = 10000
PAGE = 20  # the engine is scored on the first page it serves
#: NDCG@10 (test, reference order) of the independent implementation of this protocol in
#: ../shared/data/recsys/README.md; its SASRec is a baseline the engine must clear too
REFERENCE_NDCG10: dict[str, dict[str, float]] = {
    "ml-100k": {
        "most-popular": 0.0444,
        "item-knn": 0.0642,
        "implicit-als": 0.0709,
        "ease": 0.0723,
        "sasrec": 0.1041,
    },
    "amazon-musical-instruments": {
        "most-popular": 0.0437,
        "item-knn": 0.0523,
        "implicit-als": 0.0433,
        "ease": 0.0642,
        "sasrec": 0.0541,
    },
    "amazon-beauty": {
        "most-popular": 0.0038,
        "item-knn": 0.0166,
        "implicit-als": 0.0235,
        "ease": 0.0290,
        "sasrec": 0.0256,
    },
}
METRICS = ("ndcg@10", "recall@10", "ndcg@20", "recall@20", "coverage@10")


class PeakRSS:
    """Samples this process's resident memory every 20 ms while active."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._t: threading.Thread | None = None

    @staticmethod
    def current() -> int:
        try:
            with open("/proc/self/statm", encoding="ascii") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:  # pragma: no cover - non-Linux
            import resource

            return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024

    def __enter__(self) -> PeakRSS:
        self.base = self.current()
        self.peak = self.base
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(0.02):
                self.peak = max(self.peak, self.current())

        self._t = threading.Thread(target=run, daemon=True)
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._t is not None:
            self._t.join()
        self.peak = max(self.peak, self.current())


def _scorer_fn(model: ItemScorer, batch: int = 512) -> ScoreFn:
    def fn(users: np.ndarray, hists: list[np.ndarray]) -> Iterator[np.ndarray]:
        for st in range(0, len(hists), batch):
            yield model.score(users[st : st + batch], hists[st : st + batch])

    return fn


def _sample(split: Split, max_users: int | None, seed: int) -> tuple[np.ndarray, list[np.ndarray]]:
    users, targets = split.users, split.targets
    if max_users is not None and len(users) > max_users:
        pick = np.sort(np.random.default_rng(seed).choice(len(users), max_users, replace=False))
        users = users[pick]
        targets = [targets[i] for i in pick]
    return users, targets


def evaluate(
    score: ScoreFn,
    split: Split,
    n_items: int,
    multi: bool = False,
    max_users: int | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Full ranking of every item (the user's training items removed)."""
    users, targets = _sample(split, max_users, seed)
    hists = [split.train[u] for u in users]
    acc: dict[str, list[np.ndarray]] = {}
    covered = np.zeros(n_items, dtype=bool)
    rng = np.random.default_rng(seed)
    st = 0
    for sc in score(users, hists):
        b = sc.shape[0]
        s = sc.astype(np.float64)
        for r in range(b):
            s[r, hists[st + r]] = -np.inf
        top = topk(s, 20, rng)
        covered[top[:, :10].ravel()] = True
        if multi:
            m = multi_target_metrics(top, targets[st : st + b])
        else:
            tg = np.asarray([t[0] for t in targets[st : st + b]], dtype=np.int64)
            m = single_target_metrics(s, tg)
        for k, v in m.items():
            acc.setdefault(k, []).append(v)
        st += b
    out = {k: float(np.concatenate(v).mean()) for k, v in acc.items()}
    out["coverage@10"] = float(covered.mean())
    out["users"] = float(len(users))
    return out


def served_lists(rec: Recommender, users: np.ndarray, batch: int = 256) -> np.ndarray:
    """The first page each user is served (note ids, -1 past the end): ranked in batches
    by `rank_many` (the same code as `rank`), then paged by `recommend_page`."""
    top = np.full((len(users), PAGE), -1, dtype=np.int64)
    for start in range(0, len(users), batch):
        contexts = [UserContext(int(u), now=rec.t_ref) for u in users[start : start + batch]]
        for row, (ctx, ranked) in enumerate(zip(contexts, rec.rank_many(contexts), strict=True)):
            page = rec.recommend_page(ctx, None, PAGE, ranked=ranked)
            ids = [s.note_id for s in page.items]
            top[start + row, : len(ids)] = ids
        rec.forget_lists()  # the benchmark never pages further
    return top


def evaluate_served(
    rec: Recommender,
    split: Split,
    n_items: int,
    multi: bool = False,
    max_users: int | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Metrics of the served first page (note id == item id in the benchmark)."""
    users, targets = _sample(split, max_users, seed)
    top = served_lists(rec, users)
    metrics = multi_target_metrics(top, targets)
    out = {k: float(v.mean()) for k, v in metrics.items()}
    shown = top[:, :10].ravel()
    out["coverage@10"] = float(len(np.unique(shown[shown >= 0])) / max(1, n_items))
    out["users"] = float(len(users))
    return out


def engine_input(ds: SeqDataset, split: Split) -> tuple[list[Interaction], list[NoteInfo]]:
    """The split's training interactions as likes at their times (item j is note j, user u
    is user u); item text from the catalogue and the training reviews only."""
    inter = [
        Interaction(u, int(i), "like", float(t))
        for u, (s, ts) in enumerate(zip(split.train, split.train_times, strict=True))
        for i, t in zip(s.tolist(), ts.tolist(), strict=True)
    ]
    texts = item_texts(ds, split)
    notes = [
        NoteInfo(j, -1, topics=ds.item_topics[j] if ds.item_topics else [], text=texts[j])
        for j in range(ds.n_items)
    ]
    return inter, notes


@dataclass
class _Cand:
    name: str
    make: Callable[[], ItemScorer]
    params: dict[str, Any]


def _grid(name: str, n_items: int, seed: int = 0) -> list[_Cand]:
    if name == "most-popular":
        return [_Cand(name, MostPopular, {})]
    if name == "item-knn":
        return [_Cand(name, partial(ItemKNN, k, 0.0), {"k": k}) for k in (20, 50, 100, 200, 400)]
    if name == "implicit-als":
        out = []
        for f in (64, 128):
            for reg, alpha in ((0.01, 1.0), (0.1, 5.0), (1.0, 20.0)):
                out.append(
                    _Cand(
                        name,
                        partial(ImplicitALS, f, reg, alpha, 15, seed),
                        {"factors": f, "regularization": reg, "alpha": alpha},
                    )
                )
        return out
    if name == "ease":
        cap = EASE_TOPK_ITEMS if n_items > EASE_FULL_MAX_ITEMS else None
        params: dict[str, Any] = {} if cap is None else {"top_items": cap}
        return [
            _Cand(name, partial(EASE, lam, max_items=cap), {"lambda": lam, **params})
            for lam in (20.0, 100.0, 400.0, 1500.0)
        ]
    raise ValueError(name)


def _missing_extra(name: str) -> str | None:
    if name == "implicit-als":
        import importlib.util

        if importlib.util.find_spec("implicit") is None:
            return str(MissingExtra("implicit", "bench"))
    return None


def run_recommend_benchmark(
    data: str | Path | None = None,
    models: tuple[str, ...] = ALL_MODELS,
    time_split: bool = False,
    out: Callable[[str], None] = print,
    append_md: str | Path | None = None,
    engine_config: RecommenderConfig | None = None,
    seeds: tuple[int, ...] = (0, 1, 2),
    tie_orders: int = 3,
    protocol: str = "test",
    max_users: int | None = None,
) -> list[dict[str, Any]]:
    """Run every model on every data set found under `data` (see evaldata.find_datasets;
    default: $QIAO_DATA_DIR or <repo>/../shared/data) over seeds and tie orders. Prints one
    JSON line per run and one summary line per (data set, protocol, model); returns all.

    protocol: "test" (leave-last-out, the record) or "validation" (the second-to-last item
    is the target and the test item is never loaded: for design work)."""
    if protocol not in ("test", "validation"):
        raise ValueError(f"unknown protocol {protocol!r}")
    root = Path(data) if data is not None else default_data_dir()
    if root is None:
        raise FileNotFoundError("no data: pass --dataset DIR or set QIAO_DATA_DIR")
    sets = find_datasets(root)
    if not sets:
        raise FileNotFoundError(f"no recommender data sets under {root}")
    runnable = []
    for name in models:
        problem = _missing_extra(name)
        if problem is None:
            runnable.append(name)
        else:
            out(json.dumps({"skipped": name, "reason": problem}))
    rows: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for path in sets:
        reference = load_dataset(path)
        orders = range(tie_orders if reference.has_ties else 1)
        runs: list[dict[str, Any]] = []
        for order in orders:
            ds = reference if order == 0 else load_dataset(path, tie_seed=order)
            if protocol == "validation":
                ds = drop_last(ds)
            for name in runnable:
                for seed in seeds if name in SEEDED else seeds[:1]:
                    for row in _run_model(
                        name, ds, order, seed, time_split, engine_config, max_users, protocol
                    ):
                        row["dataset"] = reference.name
                        _emit(row, runs, out)
        rows += runs
        summary = summarise(runs, protocol)
        for row in summary:
            out(json.dumps(row, default=float))
        summaries += summary
    out(markdown_table(summaries))
    if append_md is not None:
        append_markdown(summaries, Path(append_md))
    return rows + summaries


def _run_model(
    name: str,
    ds: SeqDataset,
    order: int,
    seed: int,
    time_split: bool,
    engine_config: RecommenderConfig | None,
    max_users: int | None,
    protocol: str,
) -> Iterator[dict[str, Any]]:
    val = leave_last_out(ds, 2)
    test = leave_last_out(ds, 1)
    tsplit = global_time_split(ds) if time_split else None
    label = "leave-last-out" if protocol == "test" else "validation"
    base = {"tie_order": order, "seed": seed}
    if name == "qiao":
        config = RecommenderConfig(
            **{**(engine_config or RecommenderConfig()).to_dict(), "seed": seed}
        )
        if config.seq_params is not None:
            config.seq_params = tuple(config.seq_params)  # type: ignore[assignment] # JSON lists back to tuples
        for protocol_name, split in ((label, test), ("global-time", tsplit)):
            if split is None:
                continue
            with PeakRSS() as mem:
                started = time.perf_counter()
                inter, notes = engine_input(ds, split)
                rec = Recommender.train(inter, notes, config)
                train_s = time.perf_counter() - started
                res = evaluate_served(
                    rec, split, ds.n_items, multi=split is tsplit, max_users=max_users, seed=seed
                )
            params = dict(rec.report.chosen)
            params.update({k: round(v, 5) for k, v in rec.report.validation.items()})
            yield {**_row(protocol_name, name, res, train_s, mem, params), **base}
        return
    grid = _grid(name, ds.n_items, seed)
    with PeakRSS() as mem:
        started = time.perf_counter()
        best: tuple[float, _Cand] | None = None
        if len(grid) > 1:
            for cand in grid:
                model = cand.make()
                model.fit(val.train, ds.n_items)
                score = evaluate(_scorer_fn(model), val, ds.n_items, max_users=VAL_MAX_USERS)[
                    "ndcg@10"
                ]
                if best is None or score > best[0]:
                    best = (score, cand)
                del model
        else:
            best = (float("nan"), grid[0])
        assert best is not None
        model = best[1].make()
        model.fit(test.train, ds.n_items)
        train_s = time.perf_counter() - started
        res = evaluate(_scorer_fn(model), test, ds.n_items, max_users=max_users, seed=seed)
    params = dict(best[1].params)
    params["val_ndcg@10"] = round(best[0], 5)
    yield {**_row(label, name, res, train_s, mem, params), **base}
    if tsplit is not None:
        with PeakRSS() as mem:
            started = time.perf_counter()
            model = best[1].make()
            model.fit(tsplit.train, ds.n_items)
            train_s = time.perf_counter() - started
            res = evaluate(
                _scorer_fn(model), tsplit, ds.n_items, multi=True, max_users=max_users, seed=seed
            )
        yield {**_row("global-time", name, res, train_s, mem, best[1].params), **base}


def _row(
    protocol: str,
    model: str,
    res: dict[str, float],
    train_s: float,
    mem: PeakRSS,
    params: dict[str, Any],
) -> dict[str, Any]:
    return {
        "protocol": protocol,
        "model": model,
        **{k: round(res[k], 4) for k in METRICS},
        "users": int(res["users"]),
        "train_s": round(train_s, 1),
        "peak_mem_mb": round(mem.peak / 2**20, 1),
        "params": params,
    }


def _emit(row: dict[str, Any], rows: list[dict[str, Any]], out: Callable[[str], None]) -> None:
    rows.append(row)
    out(json.dumps(row, default=float))


def summarise(runs: list[dict[str, Any]], protocol: str = "test") -> list[dict[str, Any]]:
    """Mean ± sd of each metric per (data set, protocol, model) over its runs; for the
    engine, the margin over the best baseline of the same data set and protocol (on the
    test protocol every number of the reference implementation counts as a baseline too:
    its SASRec, and its full EASE where ours is the top-k approximation)."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault((run["dataset"], run["protocol"], run["model"]), []).append(run)
    out: list[dict[str, Any]] = []
    for (dataset, proto, model), members in groups.items():
        row: dict[str, Any] = {
            "summary": True,
            "dataset": dataset,
            "protocol": proto,
            "model": model,
            "runs": len(members),
            "tie_orders": len({m["tie_order"] for m in members}),
            "seeds": len({m["seed"] for m in members}),
        }
        for metric in METRICS:
            values = np.asarray([m[metric] for m in members], dtype=np.float64)
            row[metric] = round(float(values.mean()), 4)
            row[metric + "_sd"] = round(float(values.std(ddof=1)) if len(values) > 1 else 0.0, 4)
        row["train_s"] = round(float(np.mean([m["train_s"] for m in members])), 1)
        shuffled = [m["ndcg@10"] for m in members if m["tie_order"] > 0]
        if shuffled:  # the random orders of equal timestamps alone
            row["ndcg@10_random_ties"] = round(float(np.mean(shuffled)), 4)
            row["ndcg@10_random_ties_sd"] = round(
                float(np.std(shuffled, ddof=1)) if len(shuffled) > 1 else 0.0, 4
            )
        out.append(row)
    for row in out:
        if row["model"] != "qiao":
            continue
        baselines = {
            r["model"]: r["ndcg@10"]
            for r in out
            if r["dataset"] == row["dataset"]
            and r["protocol"] == row["protocol"]
            and r["model"] != "qiao"
        }
        if protocol == "test" and row["protocol"] == "leave-last-out":
            for name, value in REFERENCE_NDCG10.get(row["dataset"], {}).items():
                baselines[f"{name} (reference)"] = value
        if baselines:
            best = max(baselines, key=lambda k: baselines[k])
            row["best_baseline"] = best
            row["best_baseline_ndcg@10"] = baselines[best]
            row["ratio_vs_best"] = round(row["ndcg@10"] / max(baselines[best], 1e-12), 3)
        shuffled_baselines = {
            r["model"]: r["ndcg@10_random_ties"]
            for r in out
            if r["dataset"] == row["dataset"]
            and r["model"] != "qiao"
            and r["protocol"] == row["protocol"]
            and "ndcg@10_random_ties" in r
        }
        if shuffled_baselines and "ndcg@10_random_ties" in row:
            best = max(shuffled_baselines, key=lambda k: shuffled_baselines[k])
            row["best_baseline_random_ties"] = best
            row["ratio_vs_best_random_ties"] = round(
                row["ndcg@10_random_ties"] / max(shuffled_baselines[best], 1e-12), 3
            )
    return out


def markdown_table(summaries: list[dict[str, Any]]) -> str:
    lines = [
        "| data set | protocol | model | runs | NDCG@10 | ± sd | R@10 | NDCG@20 | R@20 "
        "| cov@10 | vs best baseline | train s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in summaries:
        margin = ""
        if "ratio_vs_best" in r:
            margin = f"{r['ratio_vs_best']:.3f}× {r['best_baseline']}"
        if "ratio_vs_best_random_ties" in r:
            margin += (
                f"; random ties {r['ndcg@10_random_ties']:.4f}: "
                f"{r['ratio_vs_best_random_ties']:.3f}× {r['best_baseline_random_ties']}"
            )
        lines.append(
            f"| {r['dataset']} | {r['protocol']} | {r['model']} | {r['runs']} | "
            f"{r['ndcg@10']:.4f} | {r['ndcg@10_sd']:.4f} | {r['recall@10']:.4f} | "
            f"{r['ndcg@20']:.4f} | {r['recall@20']:.4f} | {r['coverage@10']:.3f} | "
            f"{margin} | {r['train_s']} |"
        )
    return "\n".join(lines)


def append_markdown(summaries: list[dict[str, Any]], path: Path) -> None:
    head = (
        f"\n## Recommender ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs)\n\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(head + markdown_table(summaries) + "\n")


def run_video_benchmark(
    seeds: tuple[int, ...] = (0, 1, 2),
    out: Callable[[str], None] = print,
    config: RecommenderConfig | None = None,
) -> list[dict[str, Any]]:
    """The clip signals on the synthetic video world (videoworld.py): per seed, the engine
    trained with them (`config.video` True) and without (False) on the same world; one JSON
    line per (seed, video) with ``videoworld.clip_ranking``'s measures, then the mean and sd
    over seeds of each measure per setting."""
    from dataclasses import replace

    from .videoworld import clip_ranking, make_video_world

    base = config or RecommenderConfig(neural_max_epochs=8, neural_dim=32)
    rows: list[dict[str, Any]] = []
    for seed in seeds:
        world = make_video_world(seed)
        for video in (True, False):
            started = time.perf_counter()
            rec = Recommender.train(
                world.events, world.notes, replace(base, video=video, seed=seed)
            )
            row: dict[str, Any] = {
                "bench": "video-world",
                "seed": seed,
                "video": video,
                "train_s": round(time.perf_counter() - started, 1),
            }
            row.update({k: round(v, 4) for k, v in clip_ranking(rec, world).items()})
            out(json.dumps(row))
            rows.append(row)
    for video in (True, False):
        mine = [r for r in rows if r["video"] is video]
        summary: dict[str, Any] = {
            "bench": "video-world",
            "summary": True,
            "video": video,
            "seeds": len(mine),
        }
        for key in mine[0]:
            if key not in summary and key not in ("seed", "bench", "video", "train_s"):
                values = [r[key] for r in mine]
                summary[key] = round(float(np.mean(values)), 4)
                summary[key + "_sd"] = round(float(np.std(values)), 4)
        out(json.dumps(summary))
        rows.append(summary)
    return rows


def run_language_mix_benchmark(
    mixes: tuple[float, ...] = (0.5, 0.75, 1.0),
    n_days: int = 4,
    seed: int = 0,
    out: Callable[[str], None] = print,
    config: RecommenderConfig | None = None,
) -> dict[str, Any]:
    """The language-mix setting on simulated users: the same world run twice, once with
    every user on the site default and once with users given the settings in `mixes` in
    turn. Reports, per setting, the realised share of first-page notes in the user's main
    language (mean over days, and the share of pages within ±5 points), and the simulated
    like rate (precision) of both runs."""
    from .simulate import run_simulation

    quiet: Callable[[str], None] = lambda line: None  # noqa: E731 - a one-line default
    default = run_simulation(n_days=n_days, seed=seed, out=quiet, config=config)
    mixed = run_simulation(
        n_days=n_days, seed=seed, out=quiet, config=config, language_mixes=tuple(mixes)
    )
    row: dict[str, Any] = {"bench": "language-mix", "days": n_days, "seed": seed}
    for name, rows in (("default", default), ("with_mix", mixed)):
        row[f"precision_{name}"] = round(float(np.mean([r["precision"] for r in rows])), 4)
    row["like_rate_change"] = round(row["precision_with_mix"] / row["precision_default"] - 1.0, 4)
    for setting in (str(m) for m in mixes):
        days = [r["language_share"][setting] for r in mixed if setting in r["language_share"]]
        row[f"share_at_{setting}"] = round(float(np.mean([d["mean"] for d in days])), 4)
        row[f"within_5_points_at_{setting}"] = round(
            float(np.mean([d["within_5_points"] for d in days])), 3
        )
    row["default_main_share"] = round(
        float(np.mean([r["language_share"]["None"]["mean"] for r in default])), 4
    )
    out(json.dumps(row))
    return row


def synthetic_platform(
    n_notes: int,
    n_users: int,
    n_events: int,
    n_topics: int = 200,
    seed: int = 0,
) -> tuple[InteractionLog, list[NoteInfo]]:
    """A large synthetic log for the serving benchmark: users with 1-3 favourite topics,
    notes on one topic each, likes and opens drawn mostly from the favourite topics (Zipf-ish
    note popularity within a topic). The log comes as columns (10M events as objects would
    take gigabytes)."""
    rng = np.random.default_rng(seed)
    topic = rng.integers(0, n_topics, size=n_notes)
    author = rng.integers(0, max(1, n_notes // 20), size=n_notes)
    day = 86400.0
    t0 = 1_750_000_000.0
    created = t0 + rng.uniform(0, 60, size=n_notes) * day
    by_topic = [np.flatnonzero(topic == t) for t in range(n_topics)]
    words = [f"w{t}_{k}" for t in range(n_topics) for k in range(5)]
    notes = [
        NoteInfo(
            int(j),
            int(author[j]),
            topics=[f"topic{topic[j]}"],
            language="zh" if j % 3 else "en",
            created_ts=float(created[j]),
            text=" ".join(words[topic[j] * 5 + k] for k in range(3)),
        )
        for j in range(n_notes)
    ]
    fav = rng.integers(0, n_topics, size=(n_users, 3))
    user = rng.integers(0, n_users, size=n_events)
    pick_t = fav[user, rng.integers(0, 3, size=n_events)]
    explore = rng.random(n_events) < 0.2
    pick_t[explore] = rng.integers(0, n_topics, size=int(explore.sum()))
    r = rng.random(n_events) ** 2  # skew towards the first notes of a topic
    sizes = np.asarray([len(b) for b in by_topic])
    offsets = np.r_[0, np.cumsum(sizes)[:-1]]
    flat = np.concatenate(by_topic) if by_topic else np.zeros(0, np.int64)
    note = flat[
        offsets[pick_t]
        + np.minimum((r * sizes[pick_t]).astype(np.int64), np.maximum(sizes[pick_t] - 1, 0))
    ]
    ts = np.maximum(created[note], t0) + rng.uniform(0, 5, size=n_events) * day
    kinds = np.where(
        rng.random(n_events) < 0.7, KIND_CODES.index("like"), KIND_CODES.index("open")
    ).astype(np.uint8)
    log = InteractionLog(
        user.astype(np.int64), note.astype(np.int64), kinds, ts, np.zeros(n_events, np.float32)
    )
    return log, notes


def _time_pages(rec: Recommender, users: np.ndarray, now: float) -> np.ndarray:
    lat: list[float] = []
    for q, uid in enumerate(users.tolist()):
        ctx = UserContext(int(uid), interests=["topic1"], languages=["zh", "en"], now=now)
        started = time.perf_counter()
        page = rec.recommend_page(ctx, None, 20)
        if q >= 20:  # warm-up
            lat.append((time.perf_counter() - started) * 1000.0)
        assert len(page.items) == 20
    rec.forget_lists()
    return np.asarray(lat)


def run_serving_benchmark(
    n_notes: int = 1_000_000,
    n_users: int = 100_000,
    n_events: int = 2_000_000,
    requests: int = 300,
    out: Callable[[str], None] = print,
    seed: int = 0,
    config: RecommenderConfig | None = None,
) -> dict[str, Any]:
    """Train on a synthetic log, then time `recommend_page` (a fresh list and its first page
    of 20) for random users (single thread, warm model): as served, without the ranker's
    reason attributions (reason_depth 0), and without the neural sequential model (its
    per-page cost). Prints and returns one JSON row."""
    started = time.perf_counter()
    log, notes = synthetic_platform(n_notes, n_users, n_events, seed=seed)
    gen_s = time.perf_counter() - started
    with PeakRSS() as mem:
        started = time.perf_counter()
        rec = Recommender.train(log, notes, config or RecommenderConfig(ranker_max_users=3000))
        train_s = time.perf_counter() - started
    del log
    users = np.random.default_rng(seed + 1).integers(0, n_users, size=requests + 20)
    now = float(rec.t_ref)
    served = _time_pages(rec, users, now)
    depth = rec.config.reason_depth
    rec.config.reason_depth = 0
    no_attribution = _time_pages(rec, users, now)
    rec.config.reason_depth = depth
    neural, neural_index = rec.neural, rec.neural_index
    rec.neural, rec.neural_index = None, None
    no_neural = _time_pages(rec, users, now)
    rec.neural, rec.neural_index = neural, neural_index

    def pct(arr: np.ndarray, q: float) -> float:
        return round(float(np.percentile(arr, q)), 2)

    neural_report = rec.report.chosen.get("neural", {})
    row = {
        "bench": "recommend-serving",
        "notes": n_notes,
        "users": n_users,
        "events": n_events,
        "ann": bool(rec.collab_index is not None and rec.collab_index.approximate),
        "p50_ms": pct(served, 50),
        "p95_ms": pct(served, 95),
        "p99_ms": pct(served, 99),
        "no_attribution_p50_ms": pct(no_attribution, 50),
        "no_attribution_p99_ms": pct(no_attribution, 99),
        "no_neural_p50_ms": pct(no_neural, 50),
        "no_neural_p99_ms": pct(no_neural, 99),
        "neural_index": rec.neural_index is not None,
        "neural": neural_report,
        "generate_s": round(gen_s, 1),
        "train_s": round(train_s, 1),
        "train_stages_s": {k: round(v, 1) for k, v in rec.report.stages.items()},
        "positives": rec.report.n_positive,
        "peak_mem_mb": round(mem.peak / 2**20, 1),
    }
    out(json.dumps(row, default=float))
    return row

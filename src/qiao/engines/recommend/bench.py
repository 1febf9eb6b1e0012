"""Offline evaluation on public data sets: the engine and the baselines in the same run.

Protocol (see docs/recommender.md): implicit feedback; per-user chronological leave-last-out
(last item = test, second-to-last = validation; users with < 3 interactions are not
evaluated); full ranking over every item, the user's earlier items removed; ties counted at
their expected value. Baseline hyper-parameters are picked on validation NDCG@10 and the
model is refitted on train+validation; the engine picks its own on the same validation item
inside ``Recommender.train``. A global time split (train before the 90% time quantile, test
on each user's items after it) is reported too where the set has timestamps.
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
    find_dataset_dirs,
    global_time_split,
    leave_last_out,
    load_dataset,
)
from .metrics import multi_target_metrics, single_target_metrics, topk
from .models import EASE, ImplicitALS, ItemKNN, ItemScorer, MostPopular
from .types import Interaction, NoteInfo, RecommenderConfig

ScoreFn = Callable[[np.ndarray, list[np.ndarray]], Iterator[np.ndarray]]
VAL_MAX_USERS = 5000  # validation (hyper-parameter choice) on a fixed sample of users
ALL_MODELS = ("most-popular", "item-knn", "implicit-als", "ease", "qiao")


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


def evaluate(score: ScoreFn, split: Split, n_items: int, multi: bool = False,
             max_users: int | None = None, seed: int = 0) -> dict[str, float]:
    users = split.users
    targets = split.targets
    if max_users is not None and len(users) > max_users:
        pick = np.sort(np.random.default_rng(seed).choice(len(users), max_users, replace=False))
        users = users[pick]
        targets = [targets[i] for i in pick]
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


def _to_engine_input(ds: SeqDataset, split: Split) -> tuple[list[Interaction], list[NoteInfo]]:
    inter = [
        Interaction(u, int(i), "like", float(t))
        for u, (s, ts) in enumerate(zip(split.train, split.train_times, strict=True))
        for i, t in zip(s.tolist(), ts.tolist(), strict=True)
    ]
    notes = [
        NoteInfo(
            j, -1,
            topics=ds.item_topics[j] if ds.item_topics else [],
            text=ds.item_text[j] if ds.item_text else "",
        )
        for j in range(ds.n_items)
    ]
    return inter, notes


def _engine_fn(rec: Recommender) -> ScoreFn:
    def fn(users: np.ndarray, hists: list[np.ndarray]) -> Iterator[np.ndarray]:
        # note ids == item ids; map to the engine's internal indices
        idx = np.asarray([rec.note_index[int(x)] for x in range(len(rec.note_ids))])
        identity = bool(np.array_equal(idx, np.arange(len(idx))))
        mapped = [idx[h] for h in hists]
        for sc in rec.score_histories(mapped):
            yield sc if identity else sc[:, idx]

    return fn


@dataclass
class _Cand:
    name: str
    make: Callable[[], ItemScorer]
    params: dict[str, Any]


def _grid(name: str, n_items: int) -> list[_Cand]:
    if name == "most-popular":
        return [_Cand(name, MostPopular, {})]
    if name == "item-knn":
        return [_Cand(name, partial(ItemKNN, k, 0.0), {"k": k}) for k in (20, 50, 100, 200, 400)]
    if name == "implicit-als":
        out = []
        for f in (64, 128):
            for reg, alpha in ((0.01, 1.0), (0.1, 5.0), (1.0, 20.0)):
                out.append(_Cand(
                    name, partial(ImplicitALS, f, reg, alpha, 15),
                    {"factors": f, "regularization": reg, "alpha": alpha}))
        return out
    if name == "ease":
        if n_items > 20000:
            return []
        return [_Cand(name, partial(EASE, lam), {"lambda": lam})
                for lam in (20.0, 100.0, 400.0, 1500.0)]
    raise ValueError(name)


def run_recommend_benchmark(
    data: str | Path | None = None,
    models: tuple[str, ...] = ALL_MODELS,
    time_split: bool = True,
    out: Callable[[str], None] = print,
    append_md: str | Path | None = None,
    engine_config: RecommenderConfig | None = None,
) -> list[dict[str, Any]]:
    """Run every model on every data set found under `data` (a data root, its `recsys/`
    folder or one data set folder; default: $QIAO_DATA_DIR or <repo>/../shared/data).
    Prints one JSON line per (data set, protocol, model) and returns the rows."""
    root = Path(data) if data is not None else default_data_dir()
    if root is None:
        raise FileNotFoundError("no data: pass --dataset DIR or set QIAO_DATA_DIR")
    dirs = find_dataset_dirs(root)
    if not dirs:
        raise FileNotFoundError(f"no recommender data sets under {root}")
    rows: list[dict[str, Any]] = []
    for d in dirs:
        ds = load_dataset(d)
        val = leave_last_out(ds, 2)
        test = leave_last_out(ds, 1)
        tsplit = global_time_split(ds) if time_split else None
        for name in models:
            row: dict[str, Any]
            if name == "qiao":
                with PeakRSS() as mem:
                    t0 = time.perf_counter()
                    inter, notes = _to_engine_input(ds, test)
                    rec = Recommender.train(inter, notes, engine_config)
                    train_s = time.perf_counter() - t0
                    res = evaluate(_engine_fn(rec), test, ds.n_items)
                params = dict(rec.report.chosen)
                params.update({k: round(v, 5) for k, v in rec.report.validation.items()})
                row = _row(ds, "leave-last-out", name, res, train_s, mem, params)
                _emit(row, rows, out)
                if tsplit is not None:
                    with PeakRSS() as mem:
                        t0 = time.perf_counter()
                        inter, notes = _to_engine_input(ds, tsplit)
                        rec = Recommender.train(inter, notes, engine_config)
                        train_s = time.perf_counter() - t0
                        res = evaluate(_engine_fn(rec), tsplit, ds.n_items, multi=True)
                    _emit(_row(ds, "global-time", name, res, train_s, mem,
                               dict(rec.report.chosen)), rows, out)
                continue
            grid = _grid(name, ds.n_items)
            if not grid:
                continue
            with PeakRSS() as mem:
                t0 = time.perf_counter()
                best: tuple[float, _Cand] | None = None
                if len(grid) > 1:
                    for c in grid:
                        m = c.make()
                        m.fit(val.train, ds.n_items)
                        v = evaluate(_scorer_fn(m), val, ds.n_items,
                                     max_users=VAL_MAX_USERS)["ndcg@10"]
                        if best is None or v > best[0]:
                            best = (v, c)
                else:
                    best = (float("nan"), grid[0])
                assert best is not None
                model = best[1].make()
                model.fit(test.train, ds.n_items)
                train_s = time.perf_counter() - t0
                res = evaluate(_scorer_fn(model), test, ds.n_items)
            params = dict(best[1].params)
            params["val_ndcg@10"] = round(best[0], 5)
            _emit(_row(ds, "leave-last-out", name, res, train_s, mem, params), rows, out)
            if tsplit is not None:
                with PeakRSS() as mem:
                    t0 = time.perf_counter()
                    model = best[1].make()
                    model.fit(tsplit.train, ds.n_items)
                    train_s = time.perf_counter() - t0
                    res = evaluate(_scorer_fn(model), tsplit, ds.n_items, multi=True)
                _emit(_row(ds, "global-time", name, res, train_s, mem, best[1].params), rows,
                      out)
    if append_md is not None:
        append_markdown(rows, Path(append_md))
    return rows


def _row(ds: SeqDataset, protocol: str, model: str, res: dict[str, float], train_s: float,
         mem: PeakRSS, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "dataset": ds.name, "protocol": protocol, "model": model,
        "recall@10": round(res["recall@10"], 4), "recall@20": round(res["recall@20"], 4),
        "ndcg@10": round(res["ndcg@10"], 4), "ndcg@20": round(res["ndcg@20"], 4),
        "coverage@10": round(res["coverage@10"], 4), "users": int(res["users"]),
        "train_s": round(train_s, 1), "peak_mem_mb": round(mem.peak / 2**20, 1),
        "params": params,
    }


def _emit(row: dict[str, Any], rows: list[dict[str, Any]], out: Callable[[str], None]) -> None:
    rows.append(row)
    out(json.dumps(row, default=float))


def append_markdown(rows: list[dict[str, Any]], path: Path) -> None:
    lines = [
        "",
        f"## Recommender ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs)",
        "",
        "| data set | protocol | model | R@10 | R@20 | NDCG@10 | NDCG@20 | cov@10 | train s "
        "| peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['dataset']} | {r['protocol']} | {r['model']} | {r['recall@10']:.4f} | "
            f"{r['recall@20']:.4f} | {r['ndcg@10']:.4f} | {r['ndcg@20']:.4f} | "
            f"{r['coverage@10']:.3f} | {r['train_s']} | {r['peak_mem_mb']} |"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def synthetic_platform(
    n_notes: int, n_users: int, n_events: int, n_topics: int = 200, seed: int = 0,
) -> tuple[list[Interaction], list[NoteInfo]]:
    """A large synthetic log for the serving benchmark: users with 1-3 favourite topics,
    notes on one topic each, likes drawn mostly from the favourite topics (Zipf-ish note
    popularity within a topic)."""
    rng = np.random.default_rng(seed)
    topic = rng.integers(0, n_topics, size=n_notes)
    author = rng.integers(0, max(1, n_notes // 20), size=n_notes)
    day = 86400.0
    t0 = 1_750_000_000.0
    created = t0 + rng.uniform(0, 60, size=n_notes) * day
    by_topic = [np.flatnonzero(topic == t) for t in range(n_topics)]
    words = [f"w{t}_{k}" for t in range(n_topics) for k in range(5)]
    notes = [
        NoteInfo(int(j), int(author[j]), topics=[f"topic{topic[j]}"],
                 language="zh" if j % 3 else "en", created_ts=float(created[j]),
                 text=" ".join(words[topic[j] * 5 + k] for k in range(3)))
        for j in range(n_notes)
    ]
    fav = rng.integers(0, n_topics, size=(n_users, 3))
    user = rng.integers(0, n_users, size=n_events)
    pick_t = fav[user, rng.integers(0, 3, size=n_events)]
    explore = rng.random(n_events) < 0.2
    pick_t[explore] = rng.integers(0, n_topics, size=int(explore.sum()))
    r = rng.random(n_events) ** 2  # skew towards the first notes of a topic
    note = np.fromiter(
        (by_topic[t][int(x * len(by_topic[t]))] if len(by_topic[t]) else 0
         for t, x in zip(pick_t.tolist(), r.tolist(), strict=True)),
        dtype=np.int64, count=n_events,
    )
    ts = np.maximum(created[note], t0) + rng.uniform(0, 5, size=n_events) * day
    kinds = np.where(rng.random(n_events) < 0.7, "like", "open")
    events = [Interaction(int(u), int(j), str(k), float(t)) for u, j, k, t in
              zip(user.tolist(), note.tolist(), kinds.tolist(), ts.tolist(), strict=True)]
    return events, notes


def run_serving_benchmark(
    n_notes: int = 1_000_000, n_users: int = 100_000, n_events: int = 2_000_000,
    requests: int = 300, out: Callable[[str], None] = print, seed: int = 0,
) -> dict[str, Any]:
    """Train on a synthetic log, then time `recommend_page` (a page of 20) for random users
    (single thread, warm model). Prints and returns one JSON row."""
    from .types import UserContext

    t0 = time.perf_counter()
    events, notes = synthetic_platform(n_notes, n_users, n_events, seed=seed)
    gen_s = time.perf_counter() - t0
    with PeakRSS() as mem:
        t0 = time.perf_counter()
        rec = Recommender.train(events, notes, RecommenderConfig(ranker_max_users=3000))
        train_s = time.perf_counter() - t0
    del events
    rng = np.random.default_rng(seed + 1)
    now = float(rec.t_ref)
    lat: list[float] = []
    for q in range(requests + 20):
        uid = int(rng.integers(0, n_users))
        ctx = UserContext(uid, interests=["topic1"], languages=["zh", "en"], now=now)
        s0 = time.perf_counter()
        page = rec.recommend_page(ctx, None, 20)
        dt = time.perf_counter() - s0
        if q >= 20:  # warm-up
            lat.append(dt * 1000.0)
        assert len(page.items) == 20
    arr = np.asarray(lat)
    row = {
        "bench": "recommend-serving", "notes": n_notes, "users": n_users, "events": n_events,
        "ann": bool(rec.collab_index is not None and rec.collab_index.approximate),
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p95_ms": round(float(np.percentile(arr, 95)), 2),
        "p99_ms": round(float(np.percentile(arr, 99)), 2),
        "generate_s": round(gen_s, 1), "train_s": round(train_s, 1),
        "train_stages_s": {k: round(v, 1) for k, v in rec.report.stages.items()},
        "peak_mem_mb": round(mem.peak / 2**20, 1),
    }
    out(json.dumps(row))
    return row

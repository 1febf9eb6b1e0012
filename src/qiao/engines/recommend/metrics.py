"""Full-ranking metrics (no sampled negatives).

Single-target rows use the exact expectation under a random tie-break, so a model that gives
many items the same score (most-popular, a cold model) is neither rewarded nor punished by the
sort order of equal scores.
"""

from __future__ import annotations

import numpy as np


def _discounts(k: int) -> np.ndarray:
    d = 1.0 / np.log2(np.arange(k) + 2.0)
    return np.concatenate([[0.0], np.cumsum(d)])


def single_target_metrics(
    scores: np.ndarray, targets: np.ndarray, ks: tuple[int, ...] = (10, 20)
) -> dict[str, np.ndarray]:
    """scores: (b, n) with excluded items already set to -inf; targets: (b,) item ids.

    Returns per-row Recall@K and NDCG@K arrays (expected values under random tie-break)."""
    b = scores.shape[0]
    ts = scores[np.arange(b), targets][:, None]
    greater = (scores > ts).sum(axis=1)
    ties = (scores == ts).sum(axis=1) - 1
    out: dict[str, np.ndarray] = {}
    for k in ks:
        cum = _discounts(k)
        lo = np.minimum(greater, k)
        hi = np.minimum(greater + ties + 1, k)
        out[f"recall@{k}"] = (hi - lo) / (ties + 1.0)
        out[f"ndcg@{k}"] = (cum[hi] - cum[lo]) / (ties + 1.0)
    return out


def topk(scores: np.ndarray, k: int, rng: np.random.Generator | None = None) -> np.ndarray:
    """Indices of the k best items per row, best first (ties broken at random)."""
    if rng is not None:
        finite = np.abs(scores[np.isfinite(scores)])
        scale = float(finite.max()) if finite.size else 1.0
        scores = scores + rng.random(scores.shape) * 1e-7 * (scale + 1e-12)
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(scores, part, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(part, order, axis=1)


def multi_target_metrics(
    top: np.ndarray, targets: list[np.ndarray], ks: tuple[int, ...] = (10, 20)
) -> dict[str, np.ndarray]:
    """top: (b, >=max(ks)) ranked item ids; targets: per-row sets of relevant items.
    Recall@K = hits / min(|T|, K); NDCG@K with the ideal DCG of min(|T|, K) hits."""
    b = top.shape[0]
    out: dict[str, np.ndarray] = {}
    for k in ks:
        disc = 1.0 / np.log2(np.arange(k) + 2.0)
        rec = np.zeros(b)
        nd = np.zeros(b)
        for r in range(b):
            t = targets[r]
            hit = np.isin(top[r, :k], t)
            m = min(len(t), k)
            rec[r] = hit.sum() / m
            nd[r] = (disc * hit).sum() / disc[:m].sum()
        out[f"recall@{k}"] = rec
        out[f"ndcg@{k}"] = nd
    return out

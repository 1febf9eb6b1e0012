"""The collaborative models behind three candidate sources, and their tuning.

- co-engagement: EASE^R (Steck 2019) on catalogues up to ``ease_max_items``, else sparse
  cosine item neighbours; scored from the recency-weighted history;
- sequence: item -> next-item transitions (`models.Transitions`);
- embeddings: PureSVD (randomized SVD of the popularity-damped interaction matrix) with
  users folded in from their recency-weighted history.

With tuning data (held-out next positives), each model's hyper-parameters are chosen by the
NDCG@10 of that source alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .metrics import single_target_metrics
from .models import (
    EASE,
    Transitions,
    cosine_item_sim,
    history_matrix,
    interaction_matrix,
    topk_sparse,
)
from .types import RecommenderConfig

#: hyper-parameters chosen on validation and fixed when refitting on all the data
TUNED_KEYS = (
    "ease_lambda",
    "coengage_half_life",
    "knn_k",
    "seq_params",
    "embed_factors",
    "embed_half_life",
)

HistoryScorer = Callable[[list[np.ndarray]], np.ndarray]


@dataclass
class Collaborative:
    """Collaborative parts fitted on one set of per-user sequences."""

    n_items: int
    coengagement: sp.csr_matrix  # item -> item weights (EASE^R or cosine neighbours)
    coengage_half_life: float  # recency half-life (in items) of the history it is scored from
    transitions: Transitions
    item_vectors: np.ndarray  # (n_items, factors) PureSVD item factors
    column_scale: np.ndarray  # popularity damping applied to a history before folding in
    embed_half_life: float
    chosen: dict[str, Any] = field(default_factory=dict)

    def user_vectors(self, histories: list[np.ndarray]) -> np.ndarray:
        weighted = history_matrix(histories, len(self.item_vectors), self.embed_half_life)
        weighted = weighted @ sp.diags(self.column_scale)
        return np.asarray(weighted @ self.item_vectors, dtype=np.float32)


def ndcg10(scores: np.ndarray, histories: list[np.ndarray], targets: np.ndarray) -> float:
    """Mean NDCG@10 of the targets under full ranking, history items excluded."""
    masked = scores.astype(np.float64)
    for row, history in enumerate(histories):
        masked[row, history] = -np.inf
    return float(single_target_metrics(masked, targets, (10,))["ndcg@10"].mean())


def batched_ndcg10(
    scorer: HistoryScorer, histories: list[np.ndarray], targets: np.ndarray, batch: int = 512
) -> float:
    total = 0.0
    if histories:
        n_items = scorer(histories[:1]).shape[1]
        batch = max(8, min(batch, (1 << 23) // max(1, n_items)))  # dense blocks <= ~64 MB
    for start in range(0, len(histories), batch):
        chunk = histories[start : start + batch]
        total += ndcg10(scorer(chunk), chunk, targets[start : start + batch]) * len(chunk)
    return total / max(1, len(histories))


def coengagement_scorer(matrix: sp.csr_matrix, half_life: float, n_items: int) -> HistoryScorer:
    def score(chunk: list[np.ndarray]) -> np.ndarray:
        return np.asarray((history_matrix(chunk, n_items, half_life) @ matrix).todense())

    return score


def transitions_scorer(transitions: Transitions) -> HistoryScorer:
    def score(chunk: list[np.ndarray]) -> np.ndarray:
        return transitions.score(np.zeros(0), chunk)

    return score


def embedding_scorer(collab: Collaborative) -> HistoryScorer:
    def score(chunk: list[np.ndarray]) -> np.ndarray:
        return np.asarray(collab.user_vectors(chunk) @ collab.item_vectors.T)

    return score


def _orthonormalize(block: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the columns of a tall, skinny matrix via its small Gram
    matrix, twice (like CholeskyQR2). np.linalg.qr would copy the whole block to float64
    and keep a second one: gigabytes at a million notes; this keeps one float32 copy."""
    for _ in range(2):
        eigvals, eigvecs = np.linalg.eigh((block.T @ block).astype(np.float64))
        eigvals = np.maximum(eigvals, max(float(eigvals.max(initial=0.0)), 1e-30) * 1e-12)
        block = block @ (eigvecs / np.sqrt(eigvals)).astype(block.dtype)
    return block


def randomized_svd_vt(
    x: sp.csr_matrix, k: int, n_iter: int = 4, oversample: int = 16, seed: int = 0
) -> np.ndarray:
    """Top-k right singular vectors (k, n_cols), largest first: randomized range finder with
    power iterations (Halko et al. 2011); far cheaper than ARPACK for k ~ 100. Works in
    float32 with Gram-matrix orthonormalisation, so the peak memory is a few (n_cols, k)
    float32 blocks (PureSVD does not need double precision)."""
    rng = np.random.default_rng(seed)
    n_rows, n_cols = x.shape
    width = min(n_cols, n_rows, k + oversample)
    x = x.astype(np.float32)
    xt = x.T.tocsr()
    q = _orthonormalize(np.asarray(x @ rng.standard_normal((n_cols, width), dtype=np.float32)))
    for _ in range(n_iter):
        z = _orthonormalize(np.asarray(xt @ q))
        q = _orthonormalize(np.asarray(x @ z))
        del z
    bt = np.asarray(xt @ q)  # (n, width) = (q^T x)^T
    # b = q^T x = U S Vt  =>  b b^T = U S^2 U^T and Vt = S^-1 U^T b
    s2, u = np.linalg.eigh((bt.T @ bt).astype(np.float64))
    order = np.argsort(-s2)[:k]
    singular = np.sqrt(np.maximum(s2[order], 1e-30))
    vt = ((bt @ (u[:, order] / singular).astype(np.float32)).T).astype(np.float32)
    return np.ascontiguousarray(vt)


def fit_components(
    seqs: list[np.ndarray],
    n_items: int,
    cfg: RecommenderConfig,
    tune_histories: list[np.ndarray] | None = None,
    tune_targets: np.ndarray | None = None,
    fixed: dict[str, Any] | None = None,
) -> Collaborative:
    """Fit co-engagement (EASE or cosine neighbours), transitions and embeddings. With tune
    data, pick each component's hyper-parameters by NDCG@10 of that source alone; `fixed`
    (or the config) pins a hyper-parameter."""
    fixed = dict(fixed or {})
    tuning = tune_histories is not None and tune_targets is not None and len(tune_histories) > 0

    def score_on_tuning(scorer: HistoryScorer) -> float:
        if not tuning:
            return 0.0
        assert tune_histories is not None and tune_targets is not None
        return batched_ndcg10(scorer, tune_histories, tune_targets)

    def grid(key: str, configured: Any, default: Any, search: list[Any]) -> list[Any]:
        if key in fixed:
            return [fixed[key]]
        if configured is not None or not tuning:
            return [configured if configured is not None else default]
        return search

    chosen: dict[str, Any] = {}
    x = interaction_matrix(seqs, n_items)
    half_lives = grid("coengage_half_life", cfg.coengage_half_life, 0.0, [0.0, 3.0, 10.0, 30.0])
    # co-engagement: (score, matrix, half-life, hyper-parameter)
    best_co: tuple[float, sp.csr_matrix, float, float] | None = None
    if n_items <= cfg.ease_max_items:
        gram = np.asarray((x.T @ x).todense(), dtype=np.float64)
        lambdas = grid(
            "ease_lambda",
            cfg.ease_lambda,
            200.0,
            [20.0, 100.0, 400.0, 1500.0] if n_items <= 5000 else [50.0, 400.0],
        )
        for lam in lambdas:
            ease = EASE(float(lam))
            ease.fit_gram(gram)
            matrix = topk_sparse(ease.b, 256)
            for half_life in half_lives:
                score = score_on_tuning(coengagement_scorer(matrix, float(half_life), n_items))
                if best_co is None or score > best_co[0]:
                    best_co = (score, matrix, float(half_life), float(lam))
        del gram
        assert best_co is not None
        chosen.update(coengage="ease", ease_lambda=best_co[3])
    else:
        for k in grid("knn_k", cfg.knn_k, 100, [50, 200]):
            matrix = cosine_item_sim(x, int(k), 10.0)
            for half_life in half_lives:
                score = score_on_tuning(coengagement_scorer(matrix, float(half_life), n_items))
                if best_co is None or score > best_co[0]:
                    best_co = (score, matrix, float(half_life), int(k))
        assert best_co is not None
        chosen.update(coengage="cosine-knn", knn_k=best_co[3])
    coengagement, coengage_half_life = best_co[1], best_co[2]
    chosen.update(coengage_half_life=coengage_half_life, val_coengage=round(best_co[0], 5))

    # sequential transitions: (window, step decay, half-life)
    seq_grid = grid(
        "seq_params", cfg.seq_params, (5, 0.6, 2.0), [(3, 0.5, 1.0), (5, 0.6, 2.0), (10, 0.8, 5.0)]
    )
    best_seq: tuple[float, Transitions] | None = None
    for window, decay, half_life in seq_grid:
        transitions = Transitions(int(window), float(decay), float(half_life))
        transitions.fit(seqs, n_items)
        score = score_on_tuning(transitions_scorer(transitions))
        if best_seq is None or score > best_seq[0]:
            best_seq = (score, transitions)
    assert best_seq is not None
    transitions = best_seq[1]
    chosen.update(
        seq_params=[transitions.window, transitions.step_decay, transitions.half_life],
        val_sequence=round(best_seq[0], 5),
    )

    # embeddings (PureSVD, folded-in users)
    popularity = np.asarray(x.sum(axis=0)).ravel()
    column_scale = (1.0 / np.power(popularity + 1.0, 0.25)).astype(np.float32)
    damped = (x @ sp.diags(column_scale)).astype(np.float32)
    factor_grid = [int(f) for f in grid("embed_factors", cfg.embed_factors, 64, [32, 64, 128])]
    k_max = max(2, min(max(factor_grid), min(damped.shape) - 1))
    if damped.nnz == 0 or min(damped.shape) <= k_max:  # no engagement yet: content-only
        k_max = 2
        vt = np.zeros((k_max, n_items), dtype=np.float64)
    else:
        vt = randomized_svd_vt(damped, k_max, seed=cfg.seed)
    embed_half_lives = grid("embed_half_life", cfg.embed_half_life, 0.0, [0.0, 10.0])
    best_embed: tuple[float, int, float] | None = None
    for factors in factor_grid:
        factors = min(factors, k_max)
        vectors = np.ascontiguousarray(vt[:factors].T.astype(np.float32))
        for half_life in embed_half_lives:
            score = 0.0
            if tuning:
                trial = Collaborative(
                    n_items,
                    coengagement,
                    coengage_half_life,
                    transitions,
                    vectors,
                    column_scale,
                    float(half_life),
                )
                score = score_on_tuning(embedding_scorer(trial))
            if best_embed is None or score > best_embed[0]:
                best_embed = (score, factors, float(half_life))
    assert best_embed is not None
    item_vectors = np.ascontiguousarray(vt[: best_embed[1]].T.astype(np.float32))
    chosen.update(
        embed_factors=best_embed[1],
        embed_half_life=best_embed[2],
        val_collab=round(best_embed[0], 5),
    )
    return Collaborative(
        n_items,
        coengagement,
        coengage_half_life,
        transitions,
        item_vectors,
        column_scale,
        best_embed[2],
        chosen,
    )

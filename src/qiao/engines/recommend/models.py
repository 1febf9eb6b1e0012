"""Item scorers over implicit feedback: the engine's collaborative building blocks and the
baselines it is measured against.

Every scorer takes per-user chronological item sequences. ``score`` takes the histories of
the users to score (so a session's fresh positives can be appended without refitting) and
returns a dense ``(batch, n_items)`` float32 matrix. Histories are chronological; recency
weighting treats the last item as the most recent.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np
import scipy.sparse as sp


def interaction_matrix(
    seqs: list[np.ndarray], n_items: int, weights: list[np.ndarray] | None = None
) -> sp.csr_matrix:
    rows = np.concatenate(
        [np.full(len(s), u, dtype=np.int64) for u, s in enumerate(seqs)]
        or [np.zeros(0, dtype=np.int64)]
    )
    cols = np.concatenate([s.astype(np.int64) for s in seqs] or [np.zeros(0, dtype=np.int64)])
    if weights is None:
        vals = np.ones(len(cols), dtype=np.float32)
    else:
        vals = np.concatenate(weights).astype(np.float32)
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(seqs), n_items), dtype=np.float32)
    m.sum_duplicates()
    return m


def recency_weights(length: int, half_life: float, floor: float = 0.0) -> np.ndarray:
    """Weight per position of a chronological history: 1 for the newest item, halving every
    `half_life` items back, never below `floor`. half_life <= 0 means no decay."""
    if half_life <= 0 or length == 0:
        return np.ones(length, dtype=np.float32)
    age = np.arange(length - 1, -1, -1, dtype=np.float64)
    w = np.power(0.5, age / half_life)
    return np.asarray(np.maximum(w, floor), dtype=np.float32)


def history_matrix(
    hist: list[np.ndarray], n_items: int, half_life: float = 0.0, floor: float = 0.0
) -> sp.csr_matrix:
    ws = [recency_weights(len(h), half_life, floor) for h in hist]
    return interaction_matrix(hist, n_items, ws)


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message says which extra brings it."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"the optional dependency {package!r} is not installed: pip install -e '.[{extra}]'"
        )
        self.package = package
        self.extra = extra


class ItemScorer(Protocol):
    name: str

    def fit(self, seqs: list[np.ndarray], n_items: int) -> None: ...

    def score(self, users: np.ndarray, hist: list[np.ndarray]) -> np.ndarray: ...


class MostPopular:
    name = "most-popular"

    def __init__(self) -> None:
        self.pop = np.zeros(0, dtype=np.float32)

    def fit(self, seqs: list[np.ndarray], n_items: int) -> None:
        self.pop = np.bincount(np.concatenate(seqs).astype(np.int64), minlength=n_items).astype(
            np.float32
        )

    def score(self, users: np.ndarray, hist: list[np.ndarray]) -> np.ndarray:
        return np.tile(self.pop, (len(hist), 1))


def topk_sparse(dense: np.ndarray, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of each row of a dense square matrix."""
    n = dense.shape[0]
    k = min(k, n - 1) if n > 1 else 1
    idx = np.argpartition(-dense, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(dense, idx, axis=1)
    rows = np.repeat(np.arange(n), k)
    m = sp.csr_matrix((vals.ravel(), (rows, idx.ravel())), shape=dense.shape, dtype=np.float32)
    m.eliminate_zeros()
    return m


class ItemKNN:
    """Cosine item-item neighbourhood (top-k neighbours per item, shrinkage), with an
    optional recency weighting of the user's history at scoring time."""

    name = "item-knn"

    def __init__(self, k: int = 100, shrink: float = 10.0, half_life: float = 0.0) -> None:
        self.k = k
        self.shrink = shrink
        self.half_life = half_life
        self.n_items = 0
        self.sim = sp.csr_matrix((0, 0), dtype=np.float32)

    def fit(self, seqs: list[np.ndarray], n_items: int) -> None:
        self.n_items = n_items
        x = interaction_matrix(seqs, n_items)
        self.sim = cosine_item_sim(x, self.k, self.shrink)

    def score(self, users: np.ndarray, hist: list[np.ndarray]) -> np.ndarray:
        h = history_matrix(hist, self.n_items, self.half_life)
        return np.asarray((h @ self.sim).todense(), dtype=np.float32)


def sparse_row_topk(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of each row of a sparse matrix (vectorised)."""
    m = m.tocsr()
    m.sum_duplicates()
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    order = np.lexsort((-m.data, rows))
    rows_o = rows[order]
    starts = m.indptr[:-1][rows_o]
    rank = np.arange(len(order)) - starts
    keep = order[rank < k]
    return sp.csr_matrix(
        (m.data[keep], (rows[keep], m.indices[keep])), shape=m.shape, dtype=np.float32
    )


def cosine_item_sim(x: sp.csr_matrix, k: int, shrink: float, block: int = 4096) -> sp.csr_matrix:
    """Sparse top-k cosine similarity between the columns of x, computed block by block
    on sparse co-occurrence counts (memory grows with co-occurrences, not n_items^2)."""
    xc = x.tocsc().astype(np.float32)
    norms = np.sqrt(np.asarray(xc.multiply(xc).sum(axis=0)).ravel()) + 1e-9
    n = x.shape[1]
    xt = xc.T.tocsr()
    parts: list[sp.csr_matrix] = []
    for start in range(0, n, block):
        stop = min(n, start + block)
        co = (xt[start:stop] @ xc).tocoo()
        keep = co.row + start != co.col
        r, c = co.row[keep], co.col[keep]
        v = co.data[keep] / (norms[r + start] * norms[c] + shrink)
        m = sp.csr_matrix((v.astype(np.float32), (r, c)), shape=(stop - start, n))
        parts.append(sparse_row_topk(m, k))
    if not parts:
        return sp.csr_matrix((n, n), dtype=np.float32)
    return sp.vstack(parts).tocsr().astype(np.float32)


class EASE:
    """EASE^R (Steck 2019): closed-form item-item model, B = I - P/diag(P), P=(X'X+λI)^-1.

    The input history can be recency-weighted (half_life in items), which turns the static
    item model into a cheap sequence-aware one. Fit cost O(n_items^3): with ``max_items``
    the model is fitted on the ``max_items`` most popular items only (the rest score 0),
    in float32 above 5,000 items — how the benchmark includes EASE on large catalogues.
    """

    name = "ease"

    def __init__(
        self,
        lam: float = 200.0,
        half_life: float = 0.0,
        floor: float = 0.0,
        max_items: int | None = None,
    ) -> None:
        self.lam = lam
        self.half_life = half_life
        self.floor = floor
        self.max_items = max_items
        self.n_items = 0
        self.items: np.ndarray | None = None  # the modelled items (None: all of them)
        self.b = np.zeros((0, 0), dtype=np.float32)

    def fit(self, seqs: list[np.ndarray], n_items: int) -> None:
        x = interaction_matrix(seqs, n_items)
        self.items = None
        if self.max_items is not None and n_items > self.max_items:
            popularity = np.asarray(x.sum(axis=0)).ravel()
            self.items = np.sort(np.argsort(-popularity, kind="stable")[: self.max_items])
            x = x[:, self.items]
        dtype = np.float64 if x.shape[1] <= 5000 else np.float32
        self.fit_gram(np.asarray((x.T @ x).todense(), dtype=dtype))
        self.n_items = n_items

    def fit_gram(self, gram: np.ndarray) -> None:
        g = gram.copy()
        g[np.diag_indices_from(g)] += self.lam
        p = np.linalg.inv(g)
        del g
        b = p / (-np.diag(p))[None, :]
        del p
        b[np.diag_indices_from(b)] = 0.0
        self.b = b.astype(np.float32)
        self.n_items = self.b.shape[0]

    def score(self, users: np.ndarray, hist: list[np.ndarray]) -> np.ndarray:
        h = history_matrix(hist, self.n_items, self.half_life, self.floor)
        if self.items is None:
            return np.asarray(h @ self.b, dtype=np.float32)
        out = np.zeros((len(hist), self.n_items), dtype=np.float32)
        out[:, self.items] = np.asarray(h[:, self.items] @ self.b, dtype=np.float32)
        return out


class Transitions:
    """Sequential co-engagement: how often item j follows item i within `window` steps
    (closer steps weigh more), row-normalised; a user's scores sum the rows of their most
    recent items with recency weights. The item-to-item source for "recent positives"."""

    name = "transitions"

    def __init__(self, window: int = 5, step_decay: float = 0.6, half_life: float = 2.0) -> None:
        self.window = window
        self.step_decay = step_decay
        self.half_life = half_life
        self.n_items = 0
        self.t = sp.csr_matrix((0, 0), dtype=np.float32)

    def fit(self, seqs: list[np.ndarray], n_items: int) -> None:
        self.n_items = n_items
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for s in seqs:
            s64 = s.astype(np.int64)
            for d in range(1, self.window + 1):
                if len(s64) <= d:
                    break
                rows.append(s64[:-d])
                cols.append(s64[d:])
                vals.append(np.full(len(s64) - d, self.step_decay ** (d - 1), dtype=np.float32))
        if rows:
            t = sp.csr_matrix(
                (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                shape=(n_items, n_items),
                dtype=np.float32,
            )
        else:
            t = sp.csr_matrix((n_items, n_items), dtype=np.float32)
        t.sum_duplicates()
        rs = np.asarray(t.sum(axis=1)).ravel()
        t = sp.diags((1.0 / np.sqrt(rs + 1.0)).astype(np.float32)) @ t
        self.t = t.tocsr()

    def score_sparse(self, hist: list[np.ndarray]) -> sp.csr_matrix:
        keep = max(1, int(math.ceil(self.half_life * 6)))
        recent = [h[-keep:] for h in hist]
        h = history_matrix(recent, self.n_items, self.half_life)
        return (h @ self.t).tocsr()

    def score(self, users: np.ndarray, hist: list[np.ndarray]) -> np.ndarray:
        return np.asarray(self.score_sparse(hist).todense(), dtype=np.float32)


class PureSVD:
    """Collaborative embeddings by truncated SVD of the (popularity-damped) interaction
    matrix (Cremonesi et al. 2010). Item vectors go into the ANN index; a user vector is
    folded in from the (recency-weighted) history, so it updates instantly in a session."""

    name = "puresvd"

    def __init__(self, factors: int = 64, half_life: float = 0.0, pop_damp: float = 0.25) -> None:
        self.factors = factors
        self.half_life = half_life
        self.pop_damp = pop_damp
        self.n_items = 0
        self.item_vecs = np.zeros((0, 0), dtype=np.float32)
        self.col_scale = np.zeros(0, dtype=np.float32)

    def fit(self, seqs: list[np.ndarray], n_items: int) -> None:
        from scipy.sparse.linalg import svds

        self.n_items = n_items
        x = interaction_matrix(seqs, n_items)
        pop = np.asarray(x.sum(axis=0)).ravel()
        self.col_scale = (1.0 / np.power(pop + 1.0, self.pop_damp)).astype(np.float32)
        xs = (x @ sp.diags(self.col_scale)).astype(np.float64)
        k = max(2, min(self.factors, min(xs.shape) - 1))
        _u, _s, vt = svds(xs, k=k, random_state=0)
        self.item_vecs = vt.T.astype(np.float32)  # (n_items, k), orthonormal columns

    def user_vectors(self, hist: list[np.ndarray]) -> np.ndarray:
        h = history_matrix(hist, self.n_items, self.half_life)
        h = h @ sp.diags(self.col_scale)
        return np.asarray(h @ self.item_vecs, dtype=np.float32)

    def score(self, users: np.ndarray, hist: list[np.ndarray]) -> np.ndarray:
        return self.user_vectors(hist) @ self.item_vecs.T


class ImplicitALS:
    """Baseline: implicit's ALS (Hu, Koren, Volinsky 2008) with confidence 1 + alpha."""

    name = "implicit-als"

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 0.05,
        alpha: float = 1.0,
        iterations: int = 15,
        seed: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.seed = seed
        self.user_factors = np.zeros((0, 0), dtype=np.float32)
        self.item_factors = np.zeros((0, 0), dtype=np.float32)

    def fit(self, seqs: list[np.ndarray], n_items: int) -> None:
        try:
            from implicit.cpu.als import AlternatingLeastSquares
        except ImportError as err:
            raise MissingExtra("implicit", "bench") from err

        x = interaction_matrix(seqs, n_items)
        model = AlternatingLeastSquares(
            factors=self.factors,
            regularization=self.regularization,
            alpha=self.alpha,
            iterations=self.iterations,
            random_state=self.seed,
            num_threads=2,
            calculate_training_loss=False,
        )
        model.fit(x, show_progress=False)
        self.user_factors = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors = np.asarray(model.item_factors, dtype=np.float32)

    def score(self, users: np.ndarray, hist: list[np.ndarray]) -> np.ndarray:
        return np.asarray(self.user_factors[users] @ self.item_factors.T, dtype=np.float32)

"""The "For you" engine: candidate sources, LightGBM LambdaRank ranker, re-ranking, paging."""

from __future__ import annotations

import json
import math
import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .ann import AnnIndex
from .content import ContentModel, Glosser, default_glosser, note_tokens
from .models import EASE, Transitions, _topk_sparse, cosine_item_sim, history_matrix
from .models import interaction_matrix as _imatrix
from .types import (
    FeedPage,
    Interaction,
    InteractionLog,
    NoteInfo,
    RecommenderConfig,
    ScoredNote,
    TrainReport,
    UserContext,
)

SOURCES = ("coengage", "sequence", "collab", "content", "follow", "fresh", "trending")
FEATURES = (
    "s_coengage", "s_sequence", "s_collab", "s_content",
    "r_coengage", "r_sequence", "r_collab", "r_content",
    "log_pop", "trend", "log_age_days", "author_affinity", "follows_author", "language_match",
    "log_likes", "hide_rate", "log_hist_len", "topic_overlap", "src_fresh", "src_follow",
)
FORMAT_VERSION = 1
Progress = Callable[[str, float], None]


def _noop(stage: str, frac: float) -> None:  # pragma: no cover - trivial
    return None


def _runs(sorted_keys: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of equal values in a sorted array; [] for an empty one."""
    if len(sorted_keys) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return list(zip(starts.tolist(), np.r_[starts[1:], len(sorted_keys)].tolist(), strict=True))


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


@dataclass
class _Components:
    """Collaborative parts fitted on one set of per-user sequences."""

    n_items: int
    co: sp.csr_matrix
    co_half_life: float
    seq: Transitions
    item_vecs: np.ndarray
    col_scale: np.ndarray
    emb_half_life: float
    chosen: dict[str, Any] = field(default_factory=dict)

    def user_vectors(self, hists: list[np.ndarray]) -> np.ndarray:
        h = history_matrix(hists, len(self.item_vecs), self.emb_half_life)
        h = h @ sp.diags(self.col_scale)
        u = np.asarray(h @ self.item_vecs, dtype=np.float32)
        return u


def _ndcg10(scores: np.ndarray, hists: list[np.ndarray], targets: np.ndarray) -> float:
    from .metrics import single_target_metrics

    s = scores.astype(np.float64)
    for r, h in enumerate(hists):
        s[r, h] = -np.inf
    return float(single_target_metrics(s, targets, (10,))["ndcg@10"].mean())


def _batched_ndcg(
    fn: Callable[[list[np.ndarray]], np.ndarray], hists: list[np.ndarray], targets: np.ndarray,
    batch: int = 512,
) -> float:
    tot = 0.0
    if hists:
        n = fn(hists[:1]).shape[1]
        batch = max(8, min(batch, (1 << 23) // max(1, n)))  # dense blocks of <= ~64 MB
    for st in range(0, len(hists), batch):
        hb = hists[st : st + batch]
        tot += _ndcg10(fn(hb), hb, targets[st : st + batch]) * len(hb)
    return tot / max(1, len(hists))


def _co_scorer(co: sp.csr_matrix, hl: float, n: int) -> Callable[[list[np.ndarray]], np.ndarray]:
    def fn(hb: list[np.ndarray]) -> np.ndarray:
        return np.asarray((history_matrix(hb, n, hl) @ co).todense())

    return fn


def _seq_scorer(tr: Transitions) -> Callable[[list[np.ndarray]], np.ndarray]:
    def fn(hb: list[np.ndarray]) -> np.ndarray:
        return tr.score(np.zeros(0), hb)

    return fn


def _emb_scorer(comp: _Components) -> Callable[[list[np.ndarray]], np.ndarray]:
    def fn(hb: list[np.ndarray]) -> np.ndarray:
        return comp.user_vectors(hb) @ comp.item_vecs.T

    return fn


def _orthonormalize(y: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the columns of a tall, skinny matrix via its small Gram
    matrix, twice (like CholeskyQR2). np.linalg.qr would copy the whole block to float64
    and keep a second one: gigabytes at a million notes; this keeps one float32 copy."""
    for _ in range(2):
        w, v = np.linalg.eigh((y.T @ y).astype(np.float64))
        w = np.maximum(w, max(float(w.max(initial=0.0)), 1e-30) * 1e-12)
        y = y @ (v / np.sqrt(w)).astype(y.dtype)
    return y


def randomized_svd_vt(x: sp.csr_matrix, k: int, n_iter: int = 4, oversample: int = 16,
                      seed: int = 0) -> np.ndarray:
    """Top-k right singular vectors (k, n_cols), largest first: randomized range finder with
    power iterations (Halko et al. 2011); far cheaper than ARPACK for k ~ 100. Works in
    float32 with Gram-matrix orthonormalisation, so the peak memory is a few (n_cols, k)
    float32 blocks (PureSVD does not need double precision)."""
    rng = np.random.default_rng(seed)
    m, n = x.shape
    ell = min(n, m, k + oversample)
    x = x.astype(np.float32)
    xt = x.T.tocsr()
    q = _orthonormalize(np.asarray(x @ rng.standard_normal((n, ell), dtype=np.float32)))
    for _ in range(n_iter):
        z = _orthonormalize(np.asarray(xt @ q))
        q = _orthonormalize(np.asarray(x @ z))
        del z
    bt = np.asarray(xt @ q)  # (n, ell) = (q^T x)^T
    # b = q^T x = U S Vt  =>  b b^T = U S^2 U^T and Vt = S^-1 U^T b
    s2, u = np.linalg.eigh((bt.T @ bt).astype(np.float64))
    order = np.argsort(-s2)[:k]
    sv = np.sqrt(np.maximum(s2[order], 1e-30))
    vt = ((bt @ (u[:, order] / sv).astype(np.float32)).T).astype(np.float32)
    return np.ascontiguousarray(vt)


def fit_components(
    seqs: list[np.ndarray],
    n_items: int,
    cfg: RecommenderConfig,
    tune_hists: list[np.ndarray] | None = None,
    tune_targets: np.ndarray | None = None,
    fixed: dict[str, Any] | None = None,
) -> _Components:
    """Fit co-engagement (EASE or cosine neighbours), transitions and embeddings. With tune
    data, pick each component's hyper-parameters by NDCG@10 of that source alone."""
    fixed = dict(fixed or {})
    tuning = tune_hists is not None and tune_targets is not None and len(tune_hists) > 0
    chosen: dict[str, Any] = {}
    x = _imatrix(seqs, n_items)
    # --- co-engagement ---------------------------------------------------------------
    use_ease = n_items <= cfg.ease_max_items
    hl_grid = [0.0, 3.0, 10.0, 30.0]
    if use_ease:
        gram = np.asarray((x.T @ x).todense(), dtype=np.float64)
        if "ease_lambda" in fixed or cfg.ease_lambda is not None or not tuning:
            lam_grid = [float(fixed.get("ease_lambda", cfg.ease_lambda or 200.0))]
        else:
            lam_grid = [20.0, 100.0, 400.0, 1500.0] if n_items <= 5000 else [50.0, 400.0]
        best: tuple[float, sp.csr_matrix, float, float] | None = None
        for lam in lam_grid:
            ease = EASE(lam)
            ease.fit_gram(gram)
            co = _topk_sparse(ease.b, 256)
            hls = [float(fixed.get("coengage_half_life", cfg.coengage_half_life or 0.0))]
            if tuning and "coengage_half_life" not in fixed and cfg.coengage_half_life is None:
                hls = hl_grid
            for hl in hls:
                if tuning:
                    assert tune_hists is not None and tune_targets is not None
                    v = _batched_ndcg(
                        _co_scorer(co, hl, n_items),
                        tune_hists, tune_targets,
                    )
                else:
                    v = 0.0
                if best is None or v > best[0]:
                    best = (v, co, hl, lam)
        assert best is not None
        co_best, co_hl = best[1], best[2]
        chosen.update(coengage="ease", ease_lambda=best[3], coengage_half_life=co_hl,
                      val_coengage=round(best[0], 5))
        del gram
    else:
        k_grid = [int(fixed.get("knn_k", cfg.knn_k or 100))]
        if tuning and "knn_k" not in fixed and cfg.knn_k is None:
            k_grid = [50, 200]
        bestk: tuple[float, sp.csr_matrix, float, int] | None = None
        for k in k_grid:
            co = cosine_item_sim(x, k, 10.0)
            hls = [float(fixed.get("coengage_half_life", cfg.coengage_half_life or 0.0))]
            if tuning and "coengage_half_life" not in fixed and cfg.coengage_half_life is None:
                hls = hl_grid
            for hl in hls:
                v = 0.0
                if tuning:
                    assert tune_hists is not None and tune_targets is not None
                    v = _batched_ndcg(
                        _co_scorer(co, hl, n_items),
                        tune_hists, tune_targets,
                    )
                if bestk is None or v > bestk[0]:
                    bestk = (v, co, hl, k)
        assert bestk is not None
        co_best, co_hl = bestk[1], bestk[2]
        chosen.update(coengage="cosine-knn", knn_k=bestk[3], coengage_half_life=co_hl,
                      val_coengage=round(bestk[0], 5))
    # --- sequential transitions ------------------------------------------------------
    sgrid: list[tuple[int, float, float]] = [(3, 0.5, 1.0), (5, 0.6, 2.0), (10, 0.8, 5.0)]
    if "seq_params" in fixed:
        w0, d0, h0 = fixed["seq_params"]
        sgrid = [(int(w0), float(d0), float(h0))]
    elif cfg.seq_params is not None or not tuning:
        sgrid = [cfg.seq_params or (5, 0.6, 2.0)]
    bests: tuple[float, Transitions] | None = None
    for w, d, hl in sgrid:
        tr = Transitions(int(w), float(d), float(hl))
        tr.fit(seqs, n_items)
        v = 0.0
        if tuning:
            assert tune_hists is not None and tune_targets is not None
            v = _batched_ndcg(_seq_scorer(tr), tune_hists, tune_targets)
        if bests is None or v > bests[0]:
            bests = (v, tr)
    assert bests is not None
    seq = bests[1]
    chosen.update(seq_params=[seq.window, seq.step_decay, seq.half_life],
                  val_sequence=round(bests[0], 5))
    # --- embeddings (PureSVD, folded-in users) ----------------------------------------
    pop = np.asarray(x.sum(axis=0)).ravel()
    col_scale = (1.0 / np.power(pop + 1.0, 0.25)).astype(np.float32)
    xs = (x @ sp.diags(col_scale)).astype(np.float32)
    fgrid = [int(fixed.get("embed_factors", cfg.embed_factors or 64))]
    if tuning and "embed_factors" not in fixed and cfg.embed_factors is None:
        fgrid = [32, 64, 128]
    kmax = max(2, min(max(fgrid), min(xs.shape) - 1))
    if xs.nnz == 0 or min(xs.shape) <= kmax:  # no engagement yet: content-only model
        kmax = 2
        vt = np.zeros((kmax, n_items), dtype=np.float64)
    else:
        vt = randomized_svd_vt(xs, kmax, seed=cfg.seed)
    ehls = [float(fixed.get("embed_half_life", cfg.embed_half_life or 0.0))]
    if tuning and "embed_half_life" not in fixed and cfg.embed_half_life is None:
        ehls = [0.0, 10.0]
    beste: tuple[float, int, float] | None = None
    for f in fgrid:
        f = min(f, kmax)
        iv = np.ascontiguousarray(vt[:f].T.astype(np.float32))
        for hl in ehls:
            v = 0.0
            if tuning:
                assert tune_hists is not None and tune_targets is not None
                comp = _Components(n_items, co_best, co_hl, seq, iv, col_scale, hl)
                v = _batched_ndcg(_emb_scorer(comp), tune_hists, tune_targets)
            if beste is None or v > beste[0]:
                beste = (v, f, hl)
    assert beste is not None
    item_vecs = np.ascontiguousarray(vt[: beste[1]].T.astype(np.float32))
    chosen.update(embed_factors=beste[1], embed_half_life=beste[2],
                  val_collab=round(beste[0], 5))
    return _Components(n_items, co_best, co_hl, seq, item_vecs, col_scale, beste[2], chosen)


def _top_vec(vec: np.ndarray, k: int, nbad: int) -> np.ndarray:
    """Indices of the k + nbad best positive entries of a dense vector, best first."""
    if k <= 0 or len(vec) == 0:
        return np.zeros(0, dtype=np.int64)
    kk = min(len(vec), k + nbad)
    idx = np.argpartition(-vec, kk - 1)[:kk] if kk < len(vec) else np.arange(len(vec))
    idx = idx[np.argsort(-vec[idx])]
    return idx[vec[idx] > 0]


def _top_row(m: np.ndarray | sp.csr_matrix, r: int, k: int, nbad: int) -> np.ndarray:
    if isinstance(m, np.ndarray):
        return _top_vec(m[r], k, nbad)
    lo, hi = m.indptr[r], m.indptr[r + 1]
    cols, vals = m.indices[lo:hi], m.data[lo:hi]
    return cols[_top_vec(vals, k, nbad)].astype(np.int64)


def _lookup(m: np.ndarray | sp.csr_matrix, r: int, c: np.ndarray) -> np.ndarray:
    """Row r of m at columns c (0 outside the matrix)."""
    if isinstance(m, np.ndarray):
        return m[r, c]
    lo, hi = m.indptr[r], m.indptr[r + 1]
    cols, vals = m.indices[lo:hi], m.data[lo:hi]
    out = np.zeros(len(c), dtype=np.float32)
    if len(cols):
        pos = np.minimum(np.searchsorted(cols, c), len(cols) - 1)
        hit = cols[pos] == c
        out[hit] = vals[pos[hit]]
    return out


class Recommender:
    """A trained "For you" model. Create with :meth:`train` or :meth:`load`."""

    def __init__(self, config: RecommenderConfig | None = None) -> None:
        self.config = config or RecommenderConfig()
        self.report = TrainReport()
        self.note_ids = np.zeros(0, dtype=np.int64)
        self.note_index: dict[int, int] = {}
        self.authors = np.zeros(0, dtype=np.int64)
        self.created = np.zeros(0, dtype=np.float64)
        self.likes = np.zeros(0, dtype=np.float32)
        self.lang: list[str | None] = []
        self.topics: list[list[str]] = []
        self.pop = np.zeros(0, dtype=np.float32)
        self.trend = np.zeros(0, dtype=np.float32)
        self.hides = np.zeros(0, dtype=np.float32)
        self.shows = np.zeros(0, dtype=np.float32)
        self.removed = np.zeros(0, dtype=bool)
        self.user_hist: dict[int, np.ndarray] = {}
        self.user_hidden: dict[int, set[int]] = {}
        self.comp: _Components | None = None
        self.content = ContentModel(self.config.content_dims, self.config.content_embed_dims)
        self.c_mat = sp.csr_matrix((0, self.config.content_dims), dtype=np.float32)
        self.c_emb = np.zeros((0, self.config.content_embed_dims), dtype=np.float32)
        self.ranker: Any = None
        self.t_ref = 0.0
        self.n_trained_items = 0
        self.version: str | None = None
        self._collab_index: AnnIndex | None = None
        self._content_index: AnnIndex | None = None
        self._author_notes: dict[int, np.ndarray] = {}
        self._trending: np.ndarray = np.zeros(0, dtype=np.int64)
        # cursor key -> (ranked list, the session positives it was ranked with)
        self._fresh_cache: tuple[tuple[int, int], np.ndarray, sp.csr_matrix] | None = None
        self._lock = threading.Lock()  # guards the cursor cache (web servers use threads)
        # add_notes/remove_notes swap several arrays; ranking must not see them half-done
        self._model_lock = threading.RLock()
        self._cache: OrderedDict[str, tuple[list[ScoredNote], tuple[int, ...]]] = OrderedDict()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_lock", None)
        state.pop("_model_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._model_lock = threading.RLock()

    # ------------------------------------------------------------------ training
    @classmethod
    def train(
        cls,
        interactions: Iterable[Interaction] | InteractionLog,
        notes: Iterable[NoteInfo],
        config: RecommenderConfig | None = None,
        progress: Progress | None = None,
    ) -> Recommender:
        """Fit every component from the engagement log and the notes.

        The last positive of each user with >= 3 positives is held out to choose the
        components' hyper-parameters and to train the ranker (together with any logged
        impressions and their outcomes); then everything is refitted on all the data."""
        t0 = time.perf_counter()
        self = cls(config)
        cfg = self.config
        rep = self.report
        outer = progress or _noop
        last: list[str] = []

        def prog(stage: str, frac: float) -> None:
            # the process's peak memory when each stage ends (for the report and sizing)
            if last:
                rep.peak_mb[last[0]] = _peak_mb()
                last.clear()
            last.append(stage)
            outer(stage, frac)
        prog("index", 0.0)
        self._set_notes(list(notes))
        log = (interactions if isinstance(interactions, InteractionLog)
               else InteractionLog.from_interactions(interactions))
        j = self._note_positions(log.note_ids)
        n = len(self.note_ids)
        rep.n_notes = n
        rep.n_interactions = len(log)
        self.t_ref = max(float(log.ts.max()) if len(log) else 0.0,
                         float(self.created.max()) if n else 0.0)
        imp = log.is_kind("impression")
        self.shows = np.bincount(j[imp], minlength=n).astype(np.float32)
        is_hide = log.is_kind("hide")
        self.hides = np.bincount(j[is_hide], minlength=n).astype(np.float32)
        hidden: dict[int, set[int]] = {}
        for u, jj in zip(log.user_ids[is_hide].tolist(), j[is_hide].tolist(), strict=True):
            hidden.setdefault(u, set()).add(jj)
        # impressions (with their outcomes, below) train the ranker
        imp_log = (log.user_ids[imp], j[imp], log.ts[imp])
        # aggregate (user, note) strengths in time order (the log's order breaks ties): a
        # pair becomes a positive when its running strength first reaches the threshold,
        # and stays one if the final strength is still there and the note was not hidden
        ev = np.flatnonzero(~imp)
        ev = ev[np.argsort(log.ts[ev], kind="stable")]
        ev_users, uidx = np.unique(log.user_ids[ev], return_inverse=True)
        key = uidx.astype(np.int64) * max(n, 1) + j[ev]
        by_key = np.argsort(key, kind="stable")  # time order kept inside each pair
        key = key[by_key]
        st = log.strengths()[ev][by_key].astype(np.float64)
        ts_k = log.ts[ev][by_key]
        hide_keys = key[is_hide[ev][by_key]]
        new_pair = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, bool)
        gid = np.cumsum(new_pair) - 1
        starts = np.flatnonzero(new_pair)
        running = np.cumsum(st)
        running -= (running[starts] - st[starts])[gid]
        final = running[np.r_[starts[1:], len(key)] - 1] if len(key) else running
        crossed = np.flatnonzero(running >= cfg.positive_threshold)
        first = crossed[np.unique(gid[crossed], return_index=True)[1]]
        hl_s = cfg.trending_half_life_days * 86400.0
        self.trend = np.bincount(
            key[first] % max(n, 1),
            weights=0.5 ** (np.maximum(0.0, self.t_ref - ts_k[first]) / hl_s),
            minlength=n).astype(np.float32)
        keep = (final[gid[first]] >= cfg.positive_threshold) & ~np.isin(key[first], hide_keys)
        pos = first[keep]
        pos = pos[np.lexsort((by_key[pos], key[pos] // max(n, 1)))]  # by user, then time
        pos_user = key[pos] // max(n, 1)
        pos_item = (key[pos] % max(n, 1)).astype(np.int32)
        self.user_hist = {}
        hist_ts: dict[int, np.ndarray] = {}
        hist_strength: dict[int, np.ndarray] = {}
        pos_final = final[gid[pos]]
        for a, b in _runs(pos_user):
            u = int(ev_users[pos_user[a]])
            self.user_hist[u] = pos_item[a:b]
            hist_ts[u] = ts_k[pos[a:b]]
            hist_strength[u] = pos_final[a:b]
        del key, st, ts_k, gid, running, by_key, ev, uidx
        self.user_hidden = hidden
        rep.n_users = len(set(self.user_hist) | set(hidden))
        rep.n_positive = int(len(pos))
        rep.n_hidden = int(sum(len(v) for v in hidden.values()))
        self.pop = np.bincount(pos_item, minlength=n).astype(np.float32)
        # content
        prog("content", 0.1)
        ts0 = time.perf_counter()
        self._fit_content()
        rep.stages["content"] = time.perf_counter() - ts0
        users = list(self.user_hist)
        seqs = [self.user_hist[u] for u in users]
        # validation: hold out each user's last positive, tune + train the ranker
        rng = np.random.default_rng(cfg.seed)
        hold = [i for i, s in enumerate(seqs) if len(s) >= 3]
        prefix = [s[:-1] if len(s) >= 3 else s for s in seqs]
        chosen: dict[str, Any] = {}
        if hold:
            prog("tune", 0.2)
            ts0 = time.perf_counter()
            # full-catalogue scoring costs O(n) per user: fewer tuning users on huge catalogues
            n_tune = min(cfg.tune_max_users, max(300, int(3e8 // max(1, n))))
            tune_ids = rng.permutation(hold)[:n_tune]
            pcomp = fit_components(
                prefix, n, cfg,
                [prefix[i] for i in tune_ids],
                np.asarray([seqs[i][-1] for i in tune_ids], dtype=np.int64),
            )
            chosen = dict(pcomp.chosen)
            rep.stages["tune"] = time.perf_counter() - ts0
            if cfg.use_ranker:
                prog("ranker", 0.5)
                ts0 = time.perf_counter()
                self.comp = pcomp
                self.n_trained_items = n
                self._build_indices(ann=False)  # exact search is cheaper for one batch pass
                rk_ids = rng.permutation(hold)[: cfg.ranker_max_users]
                full_pop = self.pop
                # popularity as of the prefix
                self.pop = np.bincount(np.concatenate(prefix) if prefix else
                                       np.zeros(0, np.int64), minlength=n).astype(np.float32)
                self._train_ranker(
                    [prefix[i] for i in rk_ids],
                    np.asarray([seqs[i][-1] for i in rk_ids], dtype=np.int64),
                    [users[i] for i in rk_ids],
                    imp_log,
                    np.asarray([hist_strength[users[i]][-1] for i in rk_ids], np.float64),
                    np.asarray([hist_ts[users[i]][-1] for i in rk_ids], np.float64),
                )
                self.pop = full_pop
                rep.stages["ranker"] = time.perf_counter() - ts0
        prog("fit", 0.8)
        ts0 = time.perf_counter()
        keys = ("ease_lambda", "coengage_half_life", "knn_k", "seq_params", "embed_factors",
                "embed_half_life")
        fixed: dict[str, Any] = {k: chosen[k] for k in keys if k in chosen}
        self.comp = fit_components(seqs if seqs else [np.zeros(0, np.int32)], n, cfg,
                                   fixed=fixed)
        self.comp.chosen.update({k: v for k, v in chosen.items() if k.startswith("val_")})
        rep.chosen = self.comp.chosen
        rep.stages["fit"] = time.perf_counter() - ts0
        self.n_trained_items = n
        self._build_indices()
        rep.seconds = time.perf_counter() - t0
        prog("done", 1.0)
        return self

    def _set_notes(self, notes: list[NoteInfo]) -> None:
        self.note_ids = np.zeros(0, dtype=np.int64)
        self.note_index = {}
        self.authors = np.zeros(0, dtype=np.int64)
        self.created = np.zeros(0, dtype=np.float64)
        self.likes = np.zeros(0, dtype=np.float32)
        self.lang = []
        self.topics = []
        self._notes_text: list[str] = []
        self._notes_images: list[Sequence[tuple[str, str]]] = []
        self._append_notes(notes)

    def _append_notes(self, notes: list[NoteInfo]) -> list[int]:
        fresh = [x for x in notes if x.note_id not in self.note_index]
        start = len(self.note_ids)
        for k, x in enumerate(fresh):
            self.note_index[x.note_id] = start + k
        self.note_ids = np.concatenate([self.note_ids, [x.note_id for x in fresh]]).astype(
            np.int64)
        self.authors = np.concatenate([self.authors, [x.author_id for x in fresh]]).astype(
            np.int64)
        self.created = np.concatenate([self.created, [x.created_ts for x in fresh]])
        self.likes = np.concatenate(
            [self.likes, [x.like_count + x.collect_count for x in fresh]]).astype(np.float32)
        self.lang.extend(x.language for x in fresh)
        self.topics.extend([t.lower().lstrip("#") for t in x.topics] for x in fresh)
        if not hasattr(self, "_notes_text"):
            self._notes_text = [""] * start
        self._notes_text.extend(x.text for x in fresh)
        if not hasattr(self, "_notes_images"):
            self._notes_images = [()] * start
        self._notes_images.extend(tuple(x.images) for x in fresh)
        m = len(fresh)
        for name in ("pop", "trend", "hides", "shows"):
            arr = getattr(self, name)
            if len(arr) < start + m:
                setattr(self, name, np.concatenate([arr, np.zeros(start + m - len(arr),
                                                                  dtype=np.float32)]))
        if len(self.removed) < start + m:
            self.removed = np.concatenate([self.removed, np.zeros(start + m - len(self.removed),
                                                                  dtype=bool)])
        return list(range(start, start + m))

    def _note_positions(self, note_ids: np.ndarray) -> np.ndarray:
        """Internal indices of note ids; ids the catalogue lacks (notes deleted or made
        private since they were engaged with) get placeholder entries."""
        def lookup() -> tuple[np.ndarray, np.ndarray]:
            order = np.argsort(self.note_ids, kind="stable")
            srt = self.note_ids[order]
            at = np.clip(np.searchsorted(srt, note_ids), 0, max(0, len(srt) - 1))
            found = srt[at] == note_ids if len(srt) else np.zeros(len(note_ids), bool)
            return (order[at] if len(srt) else at), found

        pos, found = lookup()
        if not found.all():
            self._append_notes([NoteInfo(int(x), -1) for x in np.unique(note_ids[~found])])
            pos, found = lookup()
        return pos.astype(np.int64)

    def _glosses(self) -> Glosser | None:
        return default_glosser() if self.config.cross_language_content else None

    def _fit_content(self) -> None:
        gl = self._glosses()
        docs = (note_tokens(t, x, im, gl) for t, x, im in
                zip(self.topics, self._notes_text, self._notes_images, strict=True))
        self.c_mat = self.content.fit(docs)
        self.c_emb = self.content.project(self.c_mat)

    def _build_indices(self, ann: bool = True, saved: Path | None = None) -> None:
        """Nearest-neighbour indices and lookup tables; `saved` is a model folder whose
        HNSW graphs are loaded instead of rebuilt when they match."""
        cfg = self.config
        n = len(self.note_ids)
        big = ann and n >= cfg.ann_min_items
        assert self.comp is not None
        vecs = self.comp.item_vecs
        if len(vecs) < n:  # notes added after training: embed from content neighbours
            vecs = np.vstack([vecs, self._embed_from_content(np.arange(len(vecs), n))])
            self.comp.item_vecs = vecs
            self.comp.col_scale = np.concatenate(
                [self.comp.col_scale, np.ones(n - len(self.comp.col_scale), dtype=np.float32)])
        for name, v in (("_collab_index", vecs), ("_content_index", self.c_emb)):
            path = saved / f"{name.strip('_')}.hnsw" if saved is not None else None
            index = AnnIndex(v, use_hnsw=big and path is None)
            if big and path is not None and not index.load_hnsw(path):
                index = AnnIndex(v, use_hnsw=True)
            setattr(self, name, index)
        order = np.lexsort((-self.created, self.authors))
        a_sorted = self.authors[order]
        self._author_notes = {int(a_sorted[a]): order[a:b] for a, b in _runs(a_sorted)}
        self._trending = np.argsort(-(self.trend + 1e-3 * np.log1p(self.likes)))[:2000]
        self._cache.clear()
        self._fresh_cache = None

    def _embed_from_content(self, new_idx: np.ndarray) -> np.ndarray:
        """Collaborative vectors for notes without engagement: mean of their 10 most
        content-similar trained notes."""
        assert self.comp is not None
        m = self.n_trained_items
        out = np.zeros((len(new_idx), self.comp.item_vecs.shape[1]), dtype=np.float32)
        if m == 0 or len(new_idx) == 0:
            return out
        sims = np.asarray((self.c_mat[new_idx] @ self.c_mat[:m].T).todense())
        k = min(10, m)
        nb = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        w = np.maximum(np.take_along_axis(sims, nb, axis=1), 0.0)
        base = self.comp.item_vecs[:m]
        out = (base[nb] * w[:, :, None]).sum(axis=1) / (w.sum(axis=1, keepdims=True) + 1e-9)
        return out.astype(np.float32)

    # ------------------------------------------------------------------ candidates
    def _profile(self, hists: list[np.ndarray], ctxs: Sequence[UserContext | None]
                 ) -> sp.csr_matrix:
        n = len(self.note_ids)
        h = history_matrix(hists, n, 10.0)
        prof = (h @ self.c_mat).tocsr()
        gl = self._glosses()
        interest_docs = [note_tokens(c.interests, "", (), gl) if c is not None else []
                         for c in ctxs]
        if any(interest_docs):
            prof = prof + self.content.transform(interest_docs) * 2.0
        norms = np.sqrt(np.asarray(prof.multiply(prof).sum(axis=1)).ravel()) + 1e-9
        return (sp.diags((1.0 / norms).astype(np.float32)) @ prof).tocsr()

    def _candidates(
        self,
        hists: list[np.ndarray],
        ctxs: Sequence[UserContext | None],
        per_source: int | None,
        now: float,
        exclude: list[set[int]],
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per user: candidate note indices, first proposing source code, feature matrix."""
        cfg = self.config
        comp = self.comp
        assert comp is not None
        n = len(self.note_ids)
        b = len(hists)
        dense = n < cfg.ann_min_items
        quotas = {
            "coengage": cfg.quota_coengage, "sequence": cfg.quota_sequence,
            "collab": cfg.quota_collab, "content": cfg.quota_content,
            "follow": cfg.quota_follow, "fresh": cfg.quota_fresh, "trending": cfg.quota_trending,
        }
        if per_source is not None:
            quotas = {k: min(v, per_source) if k in ("follow", "fresh", "trending") else
                      per_source for k, v in quotas.items()}
        ntr = comp.co.shape[0]
        hk = [h[h < ntr] for h in hists]
        co_sp = (history_matrix(hk, ntr, comp.co_half_life) @ comp.co).tocsr()
        sq_sp = comp.seq.score_sparse(hk)
        co: np.ndarray | sp.csr_matrix = co_sp
        sq: np.ndarray | sp.csr_matrix = sq_sp
        if dense:
            co = self._pad(np.asarray(co_sp.todense(), dtype=np.float32), n)
            sq = self._pad(np.asarray(sq_sp.todense(), dtype=np.float32), n)
        else:
            co_sp.sort_indices()
            sq_sp.sort_indices()
        uv = comp.user_vectors([h for h in hists])
        prof = self._profile(hists, ctxs)
        pe = self.content.project(prof) if not dense else None
        cs_dense = np.asarray((prof @ self.c_mat.T).todense(), dtype=np.float32) if dense \
            else None
        em_dense = uv @ comp.item_vecs.T if dense else None
        coll_ids: np.ndarray | None = None
        cont_ids: np.ndarray | None = None
        if not dense:  # one batched ANN query per source
            extra = min(1000, max(len(e) + len(h) for e, h in zip(exclude, hists, strict=True)))
            assert self._collab_index is not None and self._content_index is not None
            coll_ids, _ = self._collab_index.query(uv, quotas["collab"] + extra)
            assert pe is not None
            cont_ids, _ = self._content_index.query(pe, quotas["content"] + extra)
        fresh_pool, fresh_mat = self._fresh(now)
        out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for r in range(b):
            h = hists[r]
            ctx = ctxs[r]
            bad = set(exclude[r])
            bad.update(h.tolist())
            props: list[tuple[int, np.ndarray]] = []

            props.append((0, _top_row(co, r, quotas["coengage"], len(bad))))
            props.append((1, _top_row(sq, r, quotas["sequence"], len(bad))))
            if len(h) and em_dense is not None:
                props.append((2, _top_vec(em_dense[r], quotas["collab"], len(bad))))
            elif len(h) and coll_ids is not None:
                props.append((2, coll_ids[r]))
            if cs_dense is not None:
                props.append((3, _top_vec(cs_dense[r], quotas["content"], len(bad))))
            elif cont_ids is not None and prof[r].nnz:
                props.append((3, cont_ids[r]))
            if ctx is not None and ctx.following:
                fl = [self._author_notes.get(a, np.zeros(0, np.int64))[: quotas["follow"]]
                      for a in ctx.following]
                fl_arr = np.concatenate(fl) if fl else np.zeros(0, np.int64)
                fl_arr = fl_arr[np.argsort(-self.created[fl_arr])][: quotas["follow"]]
                props.append((4, fl_arr))
            if len(fresh_pool) and quotas["fresh"] > 0:
                fs = np.asarray((fresh_mat @ prof[r].T).todense()).ravel()
                fs = fs + 1e-6 * (self.created[fresh_pool] - now) / 86400.0
                props.append((5, fresh_pool[np.argsort(-fs)[: quotas["fresh"]]]))
            props.append((6, self._trending[: quotas["trending"] + len(bad)]))
            cand: dict[int, int] = {}
            for src, ids in props:
                q = quotas[SOURCES[src]]
                taken = 0
                for j in ids.tolist():
                    if taken >= q:
                        break
                    if j in bad or self.removed[j]:
                        continue
                    if j not in cand:
                        cand[j] = src
                    taken += 1
            if ctx is not None and ctx.blocked_authors:
                cand = {j: s for j, s in cand.items()
                        if int(self.authors[j]) not in ctx.blocked_authors}
            c = np.fromiter(cand.keys(), dtype=np.int64, count=len(cand))
            srcs = np.fromiter(cand.values(), dtype=np.int64, count=len(cand))
            feats = self._features(
                c, srcs, h, ctx, now,
                _lookup(co, r, c), _lookup(sq, r, c),
                comp.item_vecs[c] @ uv[r] if len(h) else np.zeros(len(c), np.float32),
                cs_dense[r, c] if cs_dense is not None else
                np.asarray((self.c_mat[c] @ prof[r].T).todense()).ravel(),
            )
            out.append((c, srcs, feats))
        return out

    def _fresh(self, now: float) -> tuple[np.ndarray, sp.csr_matrix]:
        """Notes of the last `fresh_days` (newest 5000) and their content rows; cached for
        five minutes of `now` and invalidated when notes are added."""
        key = (int(now // 300), len(self.note_ids))
        if self._fresh_cache is not None and self._fresh_cache[0] == key:
            return self._fresh_cache[1], self._fresh_cache[2]
        pool = np.flatnonzero(self.created >= now - self.config.fresh_days * 86400.0)
        if len(pool) > 5000:
            pool = pool[np.argsort(-self.created[pool])[:5000]]
        mat = self.c_mat[pool].tocsr()
        self._fresh_cache = (key, pool, mat)
        return pool, mat

    @staticmethod
    def _pad(m: np.ndarray, n: int) -> np.ndarray:
        if m.shape[1] >= n:
            return m
        return np.hstack([m, np.zeros((m.shape[0], n - m.shape[1]), dtype=m.dtype)])

    def _features(
        self, c: np.ndarray, srcs: np.ndarray, h: np.ndarray, ctx: UserContext | None,
        now: float, s_co: np.ndarray, s_sq: np.ndarray, s_em: np.ndarray, s_cs: np.ndarray,
    ) -> np.ndarray:
        m = len(c)
        f = np.zeros((m, len(FEATURES)), dtype=np.float32)
        if m == 0:
            return f
        f[:, 0], f[:, 1], f[:, 2], f[:, 3] = s_co, s_sq, s_em, s_cs
        for k, s in enumerate((s_co, s_sq, s_em, s_cs)):
            pos = s > 0
            rk = np.zeros(m, dtype=np.float32)
            if pos.any():
                order = np.argsort(-s[pos])
                rr = np.empty(int(pos.sum()), dtype=np.float32)
                rr[order] = 1.0 - np.arange(len(order)) / max(1, len(order))
                rk[pos] = rr
            f[:, 4 + k] = rk
        f[:, 8] = np.log1p(self.pop[c])
        f[:, 9] = self.trend[c]
        age = (now - self.created[c]) / 86400.0
        f[:, 10] = np.where(self.created[c] > 0, np.log1p(np.maximum(age, 0.0)), np.nan)
        if len(h):
            cnt = Counter(self.authors[h].tolist())
            f[:, 11] = [cnt.get(int(a), 0) / len(h) for a in self.authors[c]]
        langs = set(ctx.languages) if ctx is not None else set()
        if ctx is not None:
            f[:, 12] = [1.0 if int(a) in ctx.following else 0.0 for a in self.authors[c]]
            f[:, 13] = [np.nan if self.lang[j] is None or not langs else
                        float(self.lang[j] in langs) for j in c.tolist()]
            ints = {t.lower().lstrip("#") for t in ctx.interests}
            if ints:
                f[:, 17] = [len(ints.intersection(self.topics[j])) for j in c.tolist()]
        else:
            f[:, 13] = np.nan
        f[:, 14] = np.log1p(self.likes[c])
        f[:, 15] = (self.hides[c] + 0.0) / (self.shows[c] + self.pop[c] + 5.0)
        f[:, 16] = math.log1p(len(h))
        f[:, 18] = srcs == 5
        f[:, 19] = srcs == 4
        return f

    def _fallback_score(self, f: np.ndarray, cold: bool) -> np.ndarray:
        """Hand-set blend used for brand-new users and when no ranker could be trained."""
        trend_r = f[:, 9] / (f[:, 9].max() + 1e-9)
        lang = np.nan_to_num(f[:, 13], nan=0.5)
        s = (
            f[:, 4] + f[:, 5] + f[:, 6] + 0.7 * f[:, 7] + 0.5 * f[:, 17] + 0.3 * trend_r
            + 0.5 * f[:, 12] + 0.3 * lang - 2.0 * f[:, 15]
        )
        if cold:
            s = 1.0 * f[:, 17] + 1.5 * f[:, 3] + 0.4 * trend_r + 0.3 * lang + 0.2 * f[:, 18]
        return s.astype(np.float32)

    def _score(self, f: np.ndarray, cold: bool) -> np.ndarray:
        if self.ranker is not None and not cold and len(f):
            return np.asarray(self.ranker.predict(f, num_threads=1), dtype=np.float32)
        return self._fallback_score(f, cold)

    # ------------------------------------------------------------------ ranker
    def _train_ranker(
        self, hists: list[np.ndarray], targets: np.ndarray, users: list[int],
        impressions: tuple[np.ndarray, np.ndarray, np.ndarray], target_strength: np.ndarray,
        target_ts: np.ndarray,
    ) -> None:
        """Groups for LambdaRank: each user's held-out positive among the candidates, and
        the notes shown that day with their outcomes. Arrays are aligned with `users`."""
        import lightgbm as lgb

        cfg = self.config
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        groups: list[int] = []
        for st in range(0, len(hists), 256):
            hb = hists[st : st + 256]
            res = self._candidates(hb, [None] * len(hb), cfg.train_candidates_per_source,
                                   self.t_ref, [set() for _ in hb])
            for r, (c, _s, f) in enumerate(res):
                y = (c == targets[st + r]).astype(np.float32)
                if y.sum() == 0 or len(c) < 2:
                    continue
                xs.append(f)
                ys.append(y)
                groups.append(len(c))
        # logged impressions with their outcomes: for each held-out user, the notes shown on
        # the day of the held-out positive (features from the prefix model, so the outcome
        # being predicted is not inside the features)
        imp_u, imp_j, imp_t = impressions
        ru = np.asarray(users, dtype=np.int64)
        order = np.argsort(ru)
        at = np.clip(np.searchsorted(ru[order], imp_u), 0, max(0, len(ru) - 1))
        r_of = order[at] if len(ru) else at
        ok = ru[r_of] == imp_u if len(ru) else np.zeros(len(imp_u), bool)
        tts = target_ts[r_of] if len(ru) else np.zeros(len(imp_u))
        ok &= (np.floor(imp_t / 86400) == np.floor(tts / 86400)) & (imp_t <= tts)
        sel = np.flatnonzero(ok)
        sel = sel[np.argsort(r_of[sel], kind="stable")]
        grp = r_of[sel]
        for a, b in _runs(grp):
            r = int(grp[a])
            rows = sel[a:b]
            idx = np.unique(imp_j[rows].astype(np.int64))
            hist = hists[r]
            target = int(targets[r])
            idx = idx[np.isin(idx, hist, invert=True)]
            if target not in set(idx.tolist()):
                continue
            lab = np.where(idx == target, float(target_strength[r]), 0.0)
            lab = np.select([lab >= 1.5, lab >= 1.0, lab >= 0.5], [3.0, 2.0, 1.0], 0.0)
            if len(idx) < 2 or lab.max() == lab.min():
                continue
            t_first = float(imp_t[rows].min())
            comp = self.comp
            assert comp is not None
            ntr = comp.co.shape[0]
            hk = hist[hist < ntr]
            co = self._pad(np.asarray((history_matrix([hk], ntr, comp.co_half_life) @ comp.co
                                       ).todense(), dtype=np.float32), len(self.note_ids))[0]
            sq = self._pad(comp.seq.score(np.zeros(0), [hk]), len(self.note_ids))[0]
            uv = comp.user_vectors([hist])[0]
            prof = self._profile([hist], [None])
            cs = np.asarray((self.c_mat[idx] @ prof[0].T).todense()).ravel()
            f = self._features(idx, np.full(len(idx), 6), hist, None, t_first, co[idx], sq[idx],
                               comp.item_vecs[idx] @ uv, cs)
            xs.append(f)
            ys.append(lab.astype(np.float32))
            groups.append(len(idx))
        self.report.ranker_groups = len(groups)
        self.report.ranker_rows = int(sum(groups))
        if len(groups) < 20:
            self.ranker = None
            return
        ng = len(groups)
        nval = max(5, ng // 5)
        cut = sum(groups[: ng - nval])
        x = np.vstack(xs)
        y = np.concatenate(ys)
        params = {
            "objective": "lambdarank", "metric": "ndcg", "ndcg_eval_at": [10],
            "learning_rate": cfg.ranker_learning_rate, "num_leaves": cfg.ranker_leaves,
            "min_data_in_leaf": 50, "feature_fraction": 0.9, "bagging_fraction": 0.8,
            "bagging_freq": 1, "lambdarank_truncation_level": 20,
            "num_threads": 1 if len(y) < 200_000 else 2,  # threads only pay off on big data
            "verbose": -1, "seed": cfg.seed, "label_gain": [0, 1, 3, 7],
        }
        dtrain = lgb.Dataset(x[:cut], y[:cut], group=groups[: ng - nval],
                             feature_name=list(FEATURES), free_raw_data=True)
        dval = lgb.Dataset(x[cut:], y[cut:], group=groups[ng - nval :], reference=dtrain)
        booster = lgb.train(
            params, dtrain, num_boost_round=cfg.ranker_rounds, valid_sets=[dval],
            callbacks=[lgb.early_stopping(30, verbose=False)],
        )
        self.ranker = booster
        self.report.validation["ranker_ndcg@10"] = float(
            booster.best_score["valid_0"]["ndcg@10"]) if booster.best_score else float("nan")
        self.report.validation["ranker_rounds"] = float(booster.best_iteration)

    # ------------------------------------------------------------------ serving
    def _history(self, ctx: UserContext) -> np.ndarray:
        base = self.user_hist.get(ctx.user_id, np.zeros(0, dtype=np.int32))
        extra = [self.note_index[x] for x in ctx.recent_positive_note_ids if x in self.note_index]
        if extra:
            keep = [j for j in base.tolist() if j not in set(extra)]
            base = np.asarray(keep + extra, dtype=np.int32)
        hid = {self.note_index[x] for x in ctx.hidden if x in self.note_index}
        hid |= self.user_hidden.get(ctx.user_id, set())
        if hid:
            base = base[~np.isin(base, list(hid))]
        return base

    def rank(self, ctx: UserContext, exclude: Iterable[int] = ()) -> list[ScoredNote]:
        """The full re-ranked list (up to config.ranked_list_len notes) for this user now."""
        assert self.comp is not None, "train or load a model first"
        with self._model_lock:
            return self._rank(ctx, exclude)

    def _rank(self, ctx: UserContext, exclude: Iterable[int]) -> list[ScoredNote]:
        now = ctx.now if ctx.now is not None else self.t_ref
        hist = self._history(ctx)
        bad = {self.note_index[x] for x in (set(ctx.hidden) | set(ctx.seen) | set(exclude))
               if x in self.note_index}
        bad |= self.user_hidden.get(ctx.user_id, set())
        c, srcs, f = self._candidates([hist], [ctx], None, now, [bad])[0]
        if len(c) == 0:
            return []
        s = self._score(f, cold=len(hist) == 0)
        return self._rerank(c, srcs, s, ctx)

    def _rerank(self, c: np.ndarray, srcs: np.ndarray, s: np.ndarray, ctx: UserContext
                ) -> list[ScoredNote]:
        """Greedy diversity re-ranking: at each position the best remaining note whose author
        has < max_per_author_in_10 (hard) and whose topic has < max_per_topic_in_10 (soft)
        notes among the previous 9, preferring a fresh note / a note in the user's other
        language while their shares are below target."""
        cfg = self.config
        order = np.argsort(-s, kind="stable")
        cj = c[order].tolist()
        auth = self.authors[c[order]].tolist()
        src = srcs[order].tolist()
        score = s[order].tolist()
        topic = [self.topics[j][0] if self.topics[j] else None for j in cj]
        others = set(ctx.languages[1:])
        is_other = [bool(others) and self.lang[j] in others for j in cj]
        is_fresh = [x == 5 for x in src]
        left_other = sum(is_other)
        left_fresh = sum(is_fresh)
        pool = list(range(len(cj)))
        out: list[ScoredNote] = []
        win_a: list[int] = []
        win_t: list[str | None] = []
        n_other = 0
        n_fresh = 0
        limit = min(cfg.ranked_list_len, len(pool))
        cap_a, cap_t = cfg.max_per_author_in_10, cfg.max_per_topic_in_10
        while pool and len(out) < limit:
            pos = len(out)
            want_other = left_other > 0 and n_other < cfg.cross_language_share * (pos + 1) - 0.5
            want_fresh = left_fresh > 0 and n_fresh < cfg.exploration_share * (pos + 1) - 0.5
            pick = -1
            fallback = -1
            for qi, i in enumerate(pool):
                a = auth[i]
                if a >= 0 and win_a.count(a) >= cap_a:
                    continue
                tp = topic[i]
                if tp is not None and win_t.count(tp) >= cap_t:
                    if fallback < 0:
                        fallback = qi
                    continue
                if fallback < 0:
                    fallback = qi
                if (want_fresh and is_fresh[i]) or (want_other and is_other[i]) or (
                        not want_fresh and not want_other):
                    pick = qi
                    break
                if qi > 200:
                    break
            if pick < 0:
                pick = fallback
            if pick < 0:  # only authors at their cap remain
                break
            i = pool.pop(pick)
            out.append(ScoredNote(int(self.note_ids[cj[i]]), float(score[i]), SOURCES[src[i]]))
            win_a.append(auth[i])
            win_t.append(topic[i])
            if len(win_a) > 9:
                win_a.pop(0)
                win_t.pop(0)
            if is_other[i]:
                n_other += 1
                left_other -= 1
            if is_fresh[i]:
                n_fresh += 1
                left_fresh -= 1
        return out

    def recommend(self, ctx: UserContext, k: int = 20, exclude: Iterable[int] = ()
                  ) -> list[ScoredNote]:
        """The best k notes for this user now (no paging state)."""
        return self.rank(ctx, exclude)[:k]

    def recommend_page(self, ctx: UserContext, cursor: str | None = None, page_size: int = 20,
                       exclude: Iterable[int] = ()) -> FeedPage:
        """Page through one cached ranked list: pages never repeat a note. Pass the returned
        `next_cursor` for the next page; None starts a fresh list (e.g. pull-to-refresh).

        When the context brings session positives that the cached list was not ranked with,
        the rest of the list is re-ranked with them (notes already served stay excluded), so
        engagement on one page shapes the next."""
        ranked: list[ScoredNote] | None = None
        offset = 0
        key = ""
        positives = tuple(ctx.recent_positive_note_ids)
        if cursor:
            key, _, off = cursor.rpartition(":")
            with self._lock:
                entry = self._cache.get(key)
            offset = int(off) if off.isdigit() else 0
            if entry is not None and key.startswith(f"{ctx.user_id}."):
                ranked, used = entry
                if positives and positives != used:
                    served = {x.note_id for x in ranked[:offset]}
                    ranked = ranked[:offset] + self.rank(ctx, set(exclude) | served)
                    with self._lock:
                        self._cache[key] = (ranked, positives)
        if ranked is None:
            key = f"{ctx.user_id}.{secrets.token_hex(6)}"
            ranked = self.rank(ctx, exclude)
            offset = 0
            with self._lock:
                self._cache[key] = (ranked, positives)
                while len(self._cache) > self.config.cache_size:
                    self._cache.popitem(last=False)
        blocked = ctx.blocked_authors
        hid = set(ctx.hidden) | set(exclude)
        items: list[ScoredNote] = []
        while offset < len(ranked) and len(items) < page_size:
            sn = ranked[offset]
            offset += 1
            j = self.note_index.get(sn.note_id)
            if sn.note_id in hid or (j is not None and (
                    int(self.authors[j]) in blocked or self.removed[j])):
                continue
            items.append(sn)
        nxt = f"{key}:{offset}" if offset < len(ranked) else None
        return FeedPage(items, nxt)

    # ------------------------------------------------------------------ updates
    def add_notes(self, notes: Iterable[NoteInfo]) -> None:
        """Make new notes recommendable now (scored from content; collaborative vector from
        content neighbours; the fresh source gives them exploration impressions)."""
        with self._model_lock:
            self._add_notes(list(notes))

    def _add_notes(self, notes: list[NoteInfo]) -> None:
        idx = self._append_notes(notes)
        if not idx:
            return
        gl = self._glosses()
        docs = [note_tokens(self.topics[j], self._notes_text[j], self._notes_images[j], gl)
                for j in idx]
        m = self.content.transform(docs)
        self.c_mat = sp.vstack([self.c_mat, m]).tocsr()
        self.c_emb = np.vstack([self.c_emb, self.content.project(m)])
        assert self.comp is not None and self._collab_index is not None
        assert self._content_index is not None
        vecs = self._embed_from_content(np.asarray(idx))
        self.comp.item_vecs = np.vstack([self.comp.item_vecs, vecs])
        self.comp.col_scale = np.concatenate([self.comp.col_scale,
                                              np.ones(len(idx), dtype=np.float32)])
        self._collab_index.add(vecs)
        self._content_index.add(self.c_emb[idx])
        for j in idx:
            a = int(self.authors[j])
            cur = self._author_notes.get(a, np.zeros(0, np.int64))
            self._author_notes[a] = np.concatenate([[j], cur]).astype(np.int64)

    def remove_notes(self, note_ids: Iterable[int]) -> None:
        """Deleted or moderated notes: never recommended again."""
        with self._model_lock:
            for x in note_ids:
                j = self.note_index.get(x)
                if j is not None:
                    self.removed[j] = True

    # ------------------------------------------------------------------ evaluation helper
    def score_histories(self, hists: list[np.ndarray], batch: int = 256) -> Iterable[np.ndarray]:
        """For offline evaluation: per batch of users given as note-index histories, a dense
        (batch, n_notes) score matrix (candidates ranked by the ranker, the rest -inf)."""
        n = len(self.note_ids)
        for st in range(0, len(hists), batch):
            hb = hists[st : st + batch]
            res = self._candidates(hb, [None] * len(hb), None, self.t_ref, [set() for _ in hb])
            out = np.full((len(hb), n), -np.inf, dtype=np.float32)
            for r, (c, _s, f) in enumerate(res):
                if len(c):
                    out[r, c] = self._score(f, cold=len(hb[r]) == 0)
            yield out

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> None:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        assert self.comp is not None
        users = np.asarray(list(self.user_hist), dtype=np.int64)
        lens = np.asarray([len(self.user_hist[u]) for u in users.tolist()], dtype=np.int64)
        flat = (np.concatenate([self.user_hist[u] for u in users.tolist()])
                if len(users) else np.zeros(0, np.int32))
        hid_u = np.asarray([u for u, s in self.user_hidden.items() for _ in s], dtype=np.int64)
        hid_j = np.asarray([j for _u, s in self.user_hidden.items() for j in s], dtype=np.int64)
        np.savez_compressed(
            d / "arrays.npz",
            note_ids=self.note_ids, authors=self.authors, created=self.created, likes=self.likes,
            pop=self.pop, trend=self.trend, hides=self.hides, shows=self.shows,
            removed=self.removed, users=users, lens=lens, flat=flat, hid_u=hid_u, hid_j=hid_j,
            item_vecs=self.comp.item_vecs, col_scale=self.comp.col_scale, idf=self.content.idf,
            c_emb=self.c_emb,
        )
        sp.save_npz(d / "co.npz", self.comp.co)
        sp.save_npz(d / "seq.npz", self.comp.seq.t)
        sp.save_npz(d / "content.npz", self.c_mat)
        meta = {
            "format": FORMAT_VERSION,
            "config": self.config.to_dict(),
            "t_ref": self.t_ref,
            "n_trained_items": self.n_trained_items,
            "co_half_life": self.comp.co_half_life,
            "emb_half_life": self.comp.emb_half_life,
            "seq": [self.comp.seq.window, self.comp.seq.step_decay, self.comp.seq.half_life],
            "chosen": self.comp.chosen,
            "lang": self.lang,
            "topics": self.topics,
            "report": {k: getattr(self.report, k) for k in self.report.__dataclass_fields__},
        }
        (d / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if self.ranker is not None:
            self.ranker.save_model(str(d / "ranker.txt"))
        elif (d / "ranker.txt").exists():
            (d / "ranker.txt").unlink()
        for name in ("_collab_index", "_content_index"):
            index: AnnIndex | None = getattr(self, name)
            path = d / f"{name.strip('_')}.hnsw"
            if index is not None and index.approximate:
                index.save(path)
            elif path.exists():
                path.unlink()

    @classmethod
    def load(cls, directory: str | Path) -> Recommender:
        d = Path(directory)
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported model format {meta.get('format')}")
        cfg_d = dict(meta["config"])
        if cfg_d.get("seq_params") is not None:
            cfg_d["seq_params"] = tuple(cfg_d["seq_params"])
        self = cls(RecommenderConfig(**cfg_d))
        a = np.load(d / "arrays.npz", allow_pickle=False)
        self.note_ids = a["note_ids"]
        self.note_index = {int(x): i for i, x in enumerate(self.note_ids.tolist())}
        self.authors, self.created, self.likes = a["authors"], a["created"], a["likes"]
        self.pop, self.trend, self.hides, self.shows = a["pop"], a["trend"], a["hides"], a["shows"]
        self.removed = a["removed"]
        self.lang = meta["lang"]
        self.topics = meta["topics"]
        self._notes_text = [""] * len(self.note_ids)  # only needed to fit content (saved as
        self._notes_images = [()] * len(self.note_ids)  # c_mat), never served
        offs = np.r_[0, np.cumsum(a["lens"])].tolist()
        flat = a["flat"].astype(np.int32)  # read once: every a[...] decompresses it again
        self.user_hist = {int(u): flat[offs[i] : offs[i + 1]]
                          for i, u in enumerate(a["users"].tolist())}
        self.user_hidden = {}
        for u, j in zip(a["hid_u"].tolist(), a["hid_j"].tolist(), strict=True):
            self.user_hidden.setdefault(int(u), set()).add(int(j))
        seq = Transitions(*meta["seq"])
        seq.t = sp.load_npz(d / "seq.npz").tocsr()
        seq.n_items = seq.t.shape[0]
        self.comp = _Components(
            int(meta["n_trained_items"]), sp.load_npz(d / "co.npz").tocsr(),
            float(meta["co_half_life"]), seq, a["item_vecs"], a["col_scale"],
            float(meta["emb_half_life"]), meta["chosen"],
        )
        self.content.idf = a["idf"]
        self.c_mat = sp.load_npz(d / "content.npz").tocsr()
        self.c_emb = a["c_emb"]
        self.t_ref = float(meta["t_ref"])
        self.n_trained_items = int(meta["n_trained_items"])
        rep = TrainReport()
        for k, v in meta.get("report", {}).items():
            setattr(rep, k, v)
        self.report = rep
        if (d / "ranker.txt").exists():
            import lightgbm as lgb

            self.ranker = lgb.Booster(model_file=str(d / "ranker.txt"))
        self._build_indices(saved=d)
        self._glosses()  # the dictionary loads here, not in the first request that needs it
        return self

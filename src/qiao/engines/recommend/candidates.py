"""Candidate generation: each source proposes its best notes for a batch of users, up to its
quota; the union (first proposer wins) gets the ranker's features.

Sources (codes in ``features.SOURCES``): co-engagement and sequence rows scored from the
history; the neural sequential model's next-note scores (exact, or an HNSW index over the
notes it models); collaborative embeddings and content profiles matched exactly (small
catalogues) or in an HNSW index (``ann_min_items`` and up); notes of followed authors;
fresh notes ranked by content match; trending notes; clips watched to the end by readers
with similar tastes (watched.py). Notes in the history, excluded,
removed or by blocked authors never become candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp

from .content import note_tokens
from .features import SOURCE_CODE, SOURCES, SourceScores, feature_matrix
from .models import history_matrix
from .trained import Model
from .types import RecommenderConfig, UserContext

Scores: TypeAlias = np.ndarray | sp.csr_matrix  # a row per user; sparse on big catalogues


@dataclass
class Candidates:
    """One user's candidates: internal note indices, the code of the source that proposed
    each first, and their feature rows."""

    items: np.ndarray
    sources: np.ndarray
    features: np.ndarray


def source_quotas(cfg: RecommenderConfig, per_source: int | None) -> dict[str, int]:
    """How many notes each source may propose (`per_source` caps all of them; the
    following, fresh and trending quotas are never raised by it)."""
    quotas = {
        "coengage": cfg.quota_coengage,
        "sequence": cfg.quota_sequence,
        "neural": cfg.quota_neural,
        "collab": cfg.quota_collab,
        "content": cfg.quota_content,
        "follow": cfg.quota_follow,
        "fresh": cfg.quota_fresh,
        "trending": cfg.quota_trending,
        "watched": cfg.quota_watched,
    }
    if per_source is not None:
        quotas = {
            name: min(quota, per_source)
            if name in ("follow", "fresh", "trending", "watched")
            else per_source
            for name, quota in quotas.items()
        }
    return quotas


def top_of_vector(values: np.ndarray, k: int, spare: int) -> np.ndarray:
    """Indices of the k + spare best positive entries of a dense vector, best first."""
    if k <= 0 or len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    want = min(len(values), k + spare)
    if want < len(values):
        best = np.argpartition(-values, want - 1)[:want]
    else:
        best = np.arange(len(values))
    best = best[np.argsort(-values[best])]
    return best[values[best] > 0]


def top_of_row(matrix: Scores, row: int, k: int, spare: int) -> np.ndarray:
    if isinstance(matrix, np.ndarray):
        return top_of_vector(matrix[row], k, spare)
    lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
    columns, values = matrix.indices[lo:hi], matrix.data[lo:hi]
    return np.asarray(columns[top_of_vector(values, k, spare)], dtype=np.int64)


def row_values(matrix: Scores, row: int, columns: np.ndarray) -> np.ndarray:
    """matrix[row, columns] (0 where a sparse row has no entry)."""
    if isinstance(matrix, np.ndarray):
        return np.asarray(matrix[row, columns])
    lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
    stored, values = matrix.indices[lo:hi], matrix.data[lo:hi]
    out = np.zeros(len(columns), dtype=np.float32)
    if len(stored):
        at = np.minimum(np.searchsorted(stored, columns), len(stored) - 1)
        hit = stored[at] == columns
        out[hit] = values[at[hit]]
    return out


def pad_columns(matrix: np.ndarray, n: int) -> np.ndarray:
    """Zero columns up to n (notes added after training have no collaborative scores)."""
    if matrix.shape[1] >= n:
        return matrix
    return np.hstack([matrix, np.zeros((matrix.shape[0], n - matrix.shape[1]), dtype=matrix.dtype)])


def neural_scores(model: Model, state: np.ndarray, items: np.ndarray) -> np.ndarray:
    """The sequential model's score of `items` after a history (its state); NaN for notes
    it does not model (new or rarely engaged notes) and when there is no model."""
    out = np.full(len(items), np.nan, dtype=np.float32)
    vectors = model.neural_vectors
    if model.neural is None or len(vectors) == 0:
        return out
    known = items < len(vectors)
    known[known] = model.neural.token_of[items[known]] > 0
    out[known] = vectors[items[known]] @ state
    return out


def content_profiles(
    model: Model, histories: list[np.ndarray], contexts: Sequence[UserContext | None]
) -> sp.csr_matrix:
    """L2-normalised content profile per user: the recency-weighted sum of their notes'
    content rows plus their onboarding interests."""
    n = len(model.catalogue)
    weighted = history_matrix(histories, n, 10.0)
    profiles = (weighted @ model.content_matrix).tocsr()
    glosser = model.glosser()
    interest_docs = [
        note_tokens(c.interests, "", (), glosser) if c is not None else [] for c in contexts
    ]
    if any(interest_docs):
        profiles = profiles + model.content.transform(interest_docs) * 2.0
    norms = np.sqrt(np.asarray(profiles.multiply(profiles).sum(axis=1)).ravel()) + 1e-9
    return (sp.diags((1.0 / norms).astype(np.float32)) @ profiles).tocsr()


def generate(
    model: Model,
    histories: list[np.ndarray],
    contexts: Sequence[UserContext | None],
    per_source: int | None,
    now: float,
    exclude: list[set[int]],
) -> list[Candidates]:
    """Candidates with features for a batch of users (`exclude`: internal indices)."""
    cfg = model.config
    collab = model.collab
    catalogue = model.catalogue
    assert collab is not None
    n = len(catalogue)
    dense = n < cfg.ann_min_items
    quotas = source_quotas(cfg, per_source)
    n_trained = collab.coengagement.shape[0]
    trained_histories = [h[h < n_trained] for h in histories]
    coengage_rows = (
        history_matrix(trained_histories, n_trained, collab.coengage_half_life)
        @ collab.coengagement
    ).tocsr()
    sequence_rows = collab.transitions.score_sparse(trained_histories)
    coengage: Scores = coengage_rows
    sequence: Scores = sequence_rows
    if dense:
        coengage = pad_columns(np.asarray(coengage_rows.todense(), dtype=np.float32), n)
        sequence = pad_columns(np.asarray(sequence_rows.todense(), dtype=np.float32), n)
    else:
        coengage_rows.sort_indices()
        sequence_rows.sort_indices()
    user_vectors = collab.user_vectors(list(histories))
    states = model.neural_states(histories)
    neural_dense: np.ndarray | None = None
    neural_neighbours: np.ndarray | None = None
    if model.neural is not None and dense:
        neural_dense = pad_columns(states @ model.neural_vectors.T, n)
    profiles = content_profiles(model, histories, contexts)
    content_scores = (
        np.asarray((profiles @ model.content_matrix.T).todense(), dtype=np.float32)
        if dense
        else None
    )
    collab_scores = user_vectors @ collab.item_vectors.T if dense else None
    collab_neighbours: np.ndarray | None = None
    content_neighbours: np.ndarray | None = None
    if not dense:  # one batched ANN query per source
        spare = min(1000, max(len(e) + len(h) for e, h in zip(exclude, histories, strict=True)))
        assert model.collab_index is not None and model.content_index is not None
        collab_neighbours, _ = model.collab_index.query(user_vectors, quotas["collab"] + spare)
        content_neighbours, _ = model.content_index.query(
            model.content.project(profiles), quotas["content"] + spare
        )
        if model.neural_index is not None:
            found, _ = model.neural_index.query(states, quotas["neural"] + spare)
            neural_neighbours = model.neural_items[found]
    fresh_pool, fresh_rows = model.fresh_pool(now)
    watched = model.watched
    watched_scores = watched.scores(user_vectors) if len(watched) else None
    out: list[Candidates] = []
    for row, history in enumerate(histories):
        ctx = contexts[row]
        unwanted = set(exclude[row])
        unwanted.update(history.tolist())
        spare = len(unwanted)
        proposals: list[tuple[int, np.ndarray]] = [
            (SOURCE_CODE["coengage"], top_of_row(coengage, row, quotas["coengage"], spare)),
            (SOURCE_CODE["sequence"], top_of_row(sequence, row, quotas["sequence"], spare)),
        ]
        if len(history) and neural_dense is not None:
            proposals.append(
                (SOURCE_CODE["neural"], top_of_vector(neural_dense[row], quotas["neural"], spare))
            )
        elif len(history) and neural_neighbours is not None:
            proposals.append((SOURCE_CODE["neural"], neural_neighbours[row]))
        if len(history) and collab_scores is not None:
            proposals.append(
                (SOURCE_CODE["collab"], top_of_vector(collab_scores[row], quotas["collab"], spare))
            )
        elif len(history) and collab_neighbours is not None:
            proposals.append((SOURCE_CODE["collab"], collab_neighbours[row]))
        if content_scores is not None:
            proposals.append(
                (
                    SOURCE_CODE["content"],
                    top_of_vector(content_scores[row], quotas["content"], spare),
                )
            )
        elif content_neighbours is not None and profiles[row].nnz:
            proposals.append((SOURCE_CODE["content"], content_neighbours[row]))
        if ctx is not None and ctx.following:
            per_author = [
                model.author_notes.get(a, np.zeros(0, np.int64))[: quotas["follow"]]
                for a in ctx.following
            ]
            followed = np.concatenate(per_author) if per_author else np.zeros(0, np.int64)
            followed = followed[np.argsort(-catalogue.created[followed])][: quotas["follow"]]
            proposals.append((SOURCE_CODE["follow"], followed))
        if len(fresh_pool) and quotas["fresh"] > 0:
            match = np.asarray((fresh_rows @ profiles[row].T).todense()).ravel()
            match = match + 1e-6 * (catalogue.created[fresh_pool] - now) / 86400.0
            proposals.append(
                (SOURCE_CODE["fresh"], fresh_pool[np.argsort(-match)[: quotas["fresh"]]])
            )
        proposals.append((SOURCE_CODE["trending"], model.trending[: quotas["trending"] + spare]))
        if len(history) and watched_scores is not None and quotas["watched"] > 0:
            proposals.append(
                (
                    SOURCE_CODE["watched"],
                    watched.items[top_of_vector(watched_scores[row], quotas["watched"], spare)],
                )
            )
        proposer: dict[int, int] = {}  # candidate -> first proposing source
        for source, proposed in proposals:
            quota = quotas[SOURCES[source]]
            taken = 0
            for item in proposed.tolist():
                if taken >= quota:
                    break
                if item in unwanted or catalogue.removed[item]:
                    continue
                if item not in proposer:
                    proposer[item] = source
                taken += 1
        if ctx is not None and ctx.blocked_authors:
            proposer = {
                item: source
                for item, source in proposer.items()
                if int(catalogue.authors[item]) not in ctx.blocked_authors
            }
        items = np.fromiter(proposer.keys(), dtype=np.int64, count=len(proposer))
        sources = np.fromiter(proposer.values(), dtype=np.int64, count=len(proposer))
        if len(history):
            collab_for_items = collab.item_vectors[items] @ user_vectors[row]
        else:
            collab_for_items = np.zeros(len(items), np.float32)
        if content_scores is not None:
            content_for_items = content_scores[row, items]
        else:
            content_for_items = np.asarray(
                (model.content_matrix[items] @ profiles[row].T).todense()
            ).ravel()
        scores = SourceScores(
            row_values(coengage, row, items),
            row_values(sequence, row, items),
            neural_scores(model, states[row], items),
            collab_for_items,
            content_for_items,
            watched.scores_for(user_vectors[row], items, n)
            if len(history) and len(watched)
            else None,
        )
        features = feature_matrix(catalogue, items, sources, history, ctx, now, scores)
        out.append(Candidates(items, sources, features))
    return out

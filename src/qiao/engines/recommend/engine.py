"""The "For you" engine: the `Recommender` ties the stages together.

Training (`Recommender.train`): the log is digested into per-user positives (history.py);
content features are fitted (content.py); the collaborative models are tuned on each user's
held-out last positive (components.py) and the ranker is trained on the same hold-out
(ranking.py); then the collaborative models are refitted on everything.

Serving (`rank`, `recommend`, `recommend_page`): candidates from every source with their
features (candidates.py, features.py) -> ranker scores (ranking.py) -> re-ranking for
diversity, language and exploration (rerank.py) -> pages of one stored list (serving.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import candidates as candidate_stage
from . import persistence, ranking
from .ann import AnnIndex
from .catalogue import Catalogue
from .components import TUNED_KEYS, Collaborative, fit_components
from .content import ContentModel, Glosser, default_glosser, note_tokens
from .ensemble import RankerEnsemble
from .features import FEATURES, SOURCES
from .history import Engagement, digest, trend_scores
from .reasons import Served, explain
from .rerank import rerank
from .sequential import SASRec, SASRecConfig
from .serving import LocalListStore, Pager
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
from .watched import WatchedClips, fit_watched

__all__ = ["FEATURES", "SOURCES", "Recommender"]

Progress = Callable[[str, float], None]


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


class Recommender:
    """A trained "For you" model. Create with :meth:`train` or :meth:`load`."""

    def __init__(self, config: RecommenderConfig | None = None) -> None:
        self.config = config or RecommenderConfig()
        self.report = TrainReport()
        self.catalogue = Catalogue()
        self.user_history: dict[int, np.ndarray] = {}  # user -> positives, oldest first
        self.user_hidden: dict[int, set[int]] = {}  # user -> notes hidden in the log
        self.collab: Collaborative | None = None
        self.content = ContentModel(self.config.content_dims, self.config.content_embed_dims)
        self.content_matrix = sp.csr_matrix((0, self.config.content_dims), dtype=np.float32)
        self.content_vectors = np.zeros((0, self.config.content_embed_dims), dtype=np.float32)
        self.ranker: RankerEnsemble | None = None  # None: the hand-set blend
        self.neural: SASRec | None = None  # the neural sequential model (None: off)
        self.neural_vectors = np.zeros((0, self.config.neural_dim), np.float32)  # by item
        self.neural_items = np.zeros(0, dtype=np.int64)  # the items it models, by token - 1
        self.neural_index: AnnIndex | None = None
        self.t_ref = 0.0  # newest event or note time seen in training
        self.n_trained_items = 0
        self.version: str | None = None  # set by the registry
        self.collab_index: AnnIndex | None = None
        self.content_index: AnnIndex | None = None
        self.author_notes: dict[int, np.ndarray] = {}  # author -> notes, newest first
        self.trending = np.zeros(0, dtype=np.int64)  # the 2000 most trending notes
        self.watched = WatchedClips()  # clips watched to the end, for the `watched` source
        self._fresh_cache: tuple[tuple[int, int], np.ndarray, sp.csr_matrix] | None = None
        self._lists = LocalListStore(self.config.cache_size)
        self.pager = Pager(self._lists)
        # add_notes/remove_notes swap several arrays; ranking must not see them half-done
        self._model_lock = threading.RLock()

    # ------------------------------------------------------------ compatibility views
    @property
    def note_ids(self) -> np.ndarray:
        return self.catalogue.note_ids

    @property
    def note_index(self) -> dict[int, int]:
        """Note id -> internal index: which notes the model knows."""
        return self.catalogue.index

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_model_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
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
        started = time.perf_counter()
        self = cls(config)
        cfg = self.config
        report = self.report
        outer = progress or (lambda stage, fraction: None)
        current_stage: list[str] = []

        def stage(name: str, fraction: float) -> None:
            # the process's peak memory when each stage ends (for the report and sizing)
            if current_stage:
                report.peak_mb[current_stage[0]] = _peak_mb()
                current_stage.clear()
            current_stage.append(name)
            outer(name, fraction)

        stage("index", 0.0)
        self.catalogue.append(list(notes))
        log = (
            interactions
            if isinstance(interactions, InteractionLog)
            else InteractionLog.from_interactions(interactions)
        )
        if not cfg.video:
            log = log.without_kinds(("play", "watch"))
            self._forget_clips()
        items = self.catalogue.positions(log.note_ids)
        n = len(self.catalogue)
        report.n_notes = n
        report.n_interactions = len(log)
        self.t_ref = max(
            float(log.ts.max()) if len(log) else 0.0,
            float(self.catalogue.created.max()) if n else 0.0,
        )
        engagement = digest(
            log,
            items,
            n,
            self.t_ref,
            cfg.positive_threshold,
            cfg.trending_half_life_days,
            self.catalogue.video_seconds,
        )
        catalogue = self.catalogue
        catalogue.shows, catalogue.hides = engagement.shows, engagement.hides
        catalogue.trend, catalogue.popularity = engagement.trend, engagement.popularity
        self.user_history = engagement.positives
        self.user_hidden = engagement.hidden
        report.n_users = len(set(self.user_history) | set(self.user_hidden))
        report.n_positive = engagement.n_positive
        report.n_hidden = int(sum(len(v) for v in self.user_hidden.values()))

        stage("content", 0.1)
        stage_start = time.perf_counter()
        self._fit_content()
        report.stages["content"] = time.perf_counter() - stage_start

        users = list(self.user_history)
        seqs = [self.user_history[u] for u in users]
        # validation: hold out each user's last `depth` positives; the components are
        # tuned on the first of them, the ranker learns from all of them
        rng = np.random.default_rng(cfg.seed)
        depth = cfg.holdout_depth or (2 if sum(len(s) >= 4 for s in seqs) < 3000 else 1)
        report.chosen["holdout_depth"] = depth
        held_out = [i for i, s in enumerate(seqs) if len(s) >= depth + 2]
        held = set(held_out)
        prefixes = [s[:-depth] if i in held else s for i, s in enumerate(seqs)]
        chosen: dict[str, Any] = {}
        if held_out:
            stage("tune", 0.2)
            stage_start = time.perf_counter()
            # full-catalogue scoring costs O(n) per user: fewer tuning users on huge catalogues
            n_tune = min(cfg.tune_max_users, max(300, int(3e8 // max(1, n))))
            tune_rows = rng.permutation(held_out)[:n_tune]
            tune_targets = np.asarray([seqs[i][-depth] for i in tune_rows], dtype=np.int64)
            prefix_collab = fit_components(
                prefixes, n, cfg, [prefixes[i] for i in tune_rows], tune_targets
            )
            chosen = dict(prefix_collab.chosen)
            report.stages["tune"] = time.perf_counter() - stage_start
            if cfg.neural:
                stage("neural", 0.35)
                stage_start = time.perf_counter()
                # trained on the prefixes: its scores are fair features for the ranker,
                # which learns on the held-out positives; it then serves as it is
                self._fit_neural(prefixes, [prefixes[i] for i in tune_rows], tune_targets)
                report.stages["neural"] = time.perf_counter() - stage_start
            if cfg.use_ranker:
                stage("ranker", 0.5)
                stage_start = time.perf_counter()
                self.collab = prefix_collab
                self.n_trained_items = n
                ranker_rows = rng.permutation(held_out)[: cfg.ranker_max_users]
                # one group per held-out positive: history before it -> it
                groups = [(i, d) for i in ranker_rows.tolist() for d in range(1, depth + 1)]
                # the ranker learns from the held-out positives: every statistic it sees
                # (popularity, trend, the trending list, like counts) leaves them out
                full_stats = (catalogue.popularity, catalogue.trend, catalogue.likes)
                held_users = [users[i] for i in held_out for _ in range(depth)]
                held_items = np.asarray(
                    [seqs[i][-d] for i in held_out for d in range(1, depth + 1)], dtype=np.int64
                )
                catalogue.popularity = np.bincount(
                    np.concatenate(prefixes) if prefixes else np.zeros(0, np.int64), minlength=n
                ).astype(np.float32)
                catalogue.trend = self._trend_without(engagement, held_users, held_items)
                strong = np.asarray(
                    [
                        engagement.positive_strengths[users[i]][-d] >= 1.0
                        for i in held_out
                        for d in range(1, depth + 1)
                    ],
                    dtype=bool,
                )
                catalogue.likes = np.maximum(
                    0.0, catalogue.likes - np.bincount(held_items[strong], minlength=n)
                ).astype(np.float32)
                clip_stats = (catalogue.video_plays, catalogue.video_completion)
                self._clip_stats_without(engagement, held_users, held_items)
                # clips watched to the end, without the held-out positives' completions
                done_users, done_items = engagement.completed
                stride = max(n, 1)
                held_pairs = np.asarray(held_users, dtype=np.int64) * stride + held_items
                kept = ~np.isin(done_users * stride + done_items, held_pairs)
                self.watched = fit_watched(
                    prefix_collab,
                    catalogue,
                    dict(zip(users, prefixes, strict=True)),
                    (done_users[kept], done_items[kept]),
                    cfg.watched_max_clips,
                )
                self.build_indices(ann=False)  # exact search is cheaper for one batch pass
                assert engagement.impressions is not None
                self.ranker = ranking.train_ranker(
                    self,
                    [seqs[i][:-d] for i, d in groups],
                    np.asarray([seqs[i][-d] for i, d in groups], dtype=np.int64),
                    [users[i] for i, _d in groups],
                    engagement.impressions,
                    np.asarray(
                        [engagement.positive_strengths[users[i]][-d] for i, d in groups], np.float64
                    ),
                    np.asarray(
                        [engagement.positive_times[users[i]][-d] for i, d in groups], np.float64
                    ),
                )
                catalogue.popularity, catalogue.trend, catalogue.likes = full_stats
                catalogue.video_plays, catalogue.video_completion = clip_stats
                report.stages["ranker"] = time.perf_counter() - stage_start
        stage("fit", 0.8)
        stage_start = time.perf_counter()
        fixed: dict[str, Any] = {k: chosen[k] for k in TUNED_KEYS if k in chosen}
        self.collab = fit_components(seqs if seqs else [np.zeros(0, np.int32)], n, cfg, fixed=fixed)
        self.collab.chosen.update({k: v for k, v in chosen.items() if k.startswith("val_")})
        self.watched = fit_watched(
            self.collab, catalogue, self.user_history, engagement.completed, cfg.watched_max_clips
        )
        report.chosen["watched_clips"] = len(self.watched)
        report.chosen = {
            **self.collab.chosen,
            **{k: v for k, v in report.chosen.items() if k not in self.collab.chosen},
        }
        report.stages["fit"] = time.perf_counter() - stage_start
        self.n_trained_items = n
        self.build_indices()
        report.seconds = time.perf_counter() - started
        stage("done", 1.0)
        return self

    def _clip_stats_without(
        self, engagement: Engagement, users: list[int], items: np.ndarray
    ) -> None:
        """The clips' plays and completion with the plays and watching of the (user, item)
        pairs given left out (the ranker learns from those pairs)."""
        if engagement.clip_pairs is None or not len(items):
            return
        catalogue = self.catalogue
        pair_users, pair_items, plays, seconds = engagement.clip_pairs
        stride = max(len(catalogue), 1)
        out = np.isin(
            pair_users * stride + pair_items, np.asarray(users, dtype=np.int64) * stride + items
        )
        n = len(catalogue)
        lengths = catalogue.video_seconds
        total_plays = catalogue.video_plays.astype(np.float64)
        total_watched = total_plays * catalogue.video_completion * lengths
        left_plays = np.maximum(
            0.0, total_plays - np.bincount(pair_items[out], weights=plays[out], minlength=n)
        )
        left_watched = np.maximum(
            0.0, total_watched - np.bincount(pair_items[out], weights=seconds[out], minlength=n)
        )
        completion = np.where(
            (left_plays > 0) & (lengths > 0),
            left_watched / np.maximum(left_plays, 1.0) / np.maximum(lengths, 1e-9),
            0.0,
        )
        catalogue.video_plays = left_plays.astype(np.float32)
        catalogue.video_completion = np.minimum(1.0, completion).astype(np.float32)

    def _forget_clips(self) -> None:
        """config.video off: the catalogue knows no clips (every clip feature is 0)."""
        catalogue = self.catalogue
        for name in ("video_seconds", "video_plays", "video_completion"):
            setattr(catalogue, name, np.zeros(len(catalogue), dtype=np.float32))

    def _trend_without(
        self, engagement: Engagement, users: list[int], items: np.ndarray
    ) -> np.ndarray:
        """The trend statistic with the (user, item) positives given left out."""
        assert engagement.positive_log is not None
        log_users, log_items, log_times = engagement.positive_log
        n = len(self.catalogue)
        stride = max(n, 1)
        left_out = np.asarray(users, dtype=np.int64) * stride + items
        keep = ~np.isin(log_users * stride + log_items, left_out)
        return trend_scores(
            log_items[keep], log_times[keep], n, self.t_ref, self.config.trending_half_life_days
        )

    def _fit_neural(
        self,
        sequences: list[np.ndarray],
        valid_histories: list[np.ndarray],
        valid_targets: np.ndarray,
    ) -> None:
        cfg = self.config
        lengths = np.asarray([len(s) for s in sequences])
        max_len = cfg.neural_max_len or int(np.clip(np.percentile(lengths, 90), 10, 200))
        n_modelled = min(
            cfg.neural_max_items,
            int((np.bincount(np.concatenate(sequences).astype(np.int64), minlength=1) > 0).sum()),
        )
        model_config = SASRecConfig(
            dim=cfg.neural_dim,
            blocks=cfg.neural_blocks,
            heads=cfg.neural_heads,
            max_len=max_len,
            dropout=cfg.neural_dropout,
            learning_rate=cfg.neural_learning_rate,
            batch_size=cfg.neural_batch_size,
            max_epochs=cfg.neural_max_epochs,
            time_budget_s=cfg.neural_time_budget_s,
            negatives=(
                None if n_modelled <= cfg.neural_full_softmax_items else cfg.neural_negatives
            ),
            seed=cfg.seed,
        )
        neural = SASRec.train(
            sequences,
            len(self.catalogue),
            model_config,
            validation=(valid_histories, valid_targets),
            max_items=cfg.neural_max_items,
        )
        self.report.chosen["neural"] = {k: v for k, v in neural.report.items() if k != "curve"}
        self.report.validation["val_neural"] = round(float(neural.report["val_ndcg@10"]), 5)
        self.neural = neural
        self.neural_vectors = neural.item_vectors()
        self.neural_items = np.flatnonzero(neural.token_of > 0)

    def neural_states(self, histories: list[np.ndarray]) -> np.ndarray:
        """The sequential model's state after each history (zeros without a model)."""
        if self.neural is None:
            return np.zeros((len(histories), self.config.neural_dim), np.float32)
        return self.neural.user_states(histories)

    def glosser(self) -> Glosser | None:
        return default_glosser() if self.config.cross_language_content else None

    def _fit_content(self) -> None:
        glosser = self.glosser()
        catalogue = self.catalogue
        docs = (
            note_tokens(topics, text, images, glosser)
            for topics, text, images in zip(
                catalogue.topics, catalogue.texts, catalogue.images, strict=True
            )
        )
        self.content_matrix = self.content.fit(docs)
        self.content_vectors = self.content.project(self.content_matrix)

    def build_indices(self, ann: bool = True, saved: Path | None = None) -> None:
        """Nearest-neighbour indices and lookup tables; `saved` is a model folder whose
        HNSW graphs are loaded instead of rebuilt when they match."""
        n = len(self.catalogue)
        big = ann and n >= self.config.ann_min_items
        collab = self.collab
        assert collab is not None
        vectors = collab.item_vectors
        if len(vectors) < n:  # notes added after training: embed from content neighbours
            vectors = np.vstack([vectors, self._embed_from_content(np.arange(len(vectors), n))])
            collab.item_vectors = vectors
            collab.column_scale = np.concatenate(
                [collab.column_scale, np.ones(n - len(collab.column_scale), dtype=np.float32)]
            )
        for name, index_vectors in (
            ("collab_index", vectors),
            ("content_index", self.content_vectors),
        ):
            path = saved / persistence.INDEX_FILES[name] if saved is not None else None
            index = AnnIndex(index_vectors, use_hnsw=big and path is None)
            if big and path is not None and not index.load_hnsw(path):
                index = AnnIndex(index_vectors, use_hnsw=True)
            setattr(self, name, index)
        self.neural_index = None
        if (
            self.neural is not None
            and ann
            and len(self.neural_items) >= self.config.neural_ann_min_items
        ):
            path = saved / persistence.INDEX_FILES["neural_index"] if saved is not None else None
            modelled = self.neural_vectors[self.neural_items]
            self.neural_index = AnnIndex(modelled, use_hnsw=path is None)
            if path is not None and not self.neural_index.load_hnsw(path):
                self.neural_index = AnnIndex(modelled, use_hnsw=True)
        self.author_notes = self.catalogue.notes_by_author()
        self.trending = np.argsort(-(self.catalogue.trend + 1e-3 * np.log1p(self.catalogue.likes)))[
            :2000
        ]
        self._lists.clear()
        self._fresh_cache = None

    def _embed_from_content(self, new_items: np.ndarray) -> np.ndarray:
        """Collaborative vectors for notes without engagement: mean of their 10 most
        content-similar trained notes."""
        assert self.collab is not None
        n_trained = self.n_trained_items
        out = np.zeros((len(new_items), self.collab.item_vectors.shape[1]), dtype=np.float32)
        if n_trained == 0 or len(new_items) == 0:
            return out
        similarity = np.asarray(
            (self.content_matrix[new_items] @ self.content_matrix[:n_trained].T).todense()
        )
        k = min(10, n_trained)
        neighbours = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        weights = np.maximum(np.take_along_axis(similarity, neighbours, axis=1), 0.0)
        trained = self.collab.item_vectors[:n_trained]
        out = (trained[neighbours] * weights[:, :, None]).sum(axis=1) / (
            weights.sum(axis=1, keepdims=True) + 1e-9
        )
        return np.asarray(out, dtype=np.float32)

    def fresh_pool(self, now: float) -> tuple[np.ndarray, sp.csr_matrix]:
        """Notes of the last `fresh_days` (newest 5000) and their content rows; cached for
        five minutes of `now` and invalidated when notes are added."""
        key = (int(now // 300), len(self.catalogue))
        if self._fresh_cache is not None and self._fresh_cache[0] == key:
            return self._fresh_cache[1], self._fresh_cache[2]
        created = self.catalogue.created
        pool = np.flatnonzero(created >= now - self.config.fresh_days * 86400.0)
        if len(pool) > 5000:
            pool = pool[np.argsort(-created[pool])[:5000]]
        rows = self.content_matrix[pool].tocsr()
        self._fresh_cache = (key, pool, rows)
        return pool, rows

    # ------------------------------------------------------------------ serving
    def history_of(self, ctx: UserContext) -> np.ndarray:
        """The user's positives (trained, then this session's), minus hidden notes."""
        index = self.catalogue.index
        history = self.user_history.get(ctx.user_id, np.zeros(0, dtype=np.int32))
        session = [index[x] for x in ctx.recent_positive_note_ids if x in index]
        if session:
            kept = [j for j in history.tolist() if j not in set(session)]
            history = np.asarray(kept + session, dtype=np.int32)
        hidden = {index[x] for x in ctx.hidden if x in index}
        hidden |= self.user_hidden.get(ctx.user_id, set())
        if hidden:
            history = history[~np.isin(history, list(hidden))]
        return history

    def rank(self, ctx: UserContext, exclude: Iterable[int] = ()) -> list[ScoredNote]:
        """The full re-ranked list (up to config.ranked_list_len notes) for this user now."""
        return self.rank_many([ctx], [exclude])[0]

    def rank_many(
        self, contexts: list[UserContext], excludes: list[Iterable[int]] | None = None
    ) -> list[list[ScoredNote]]:
        """`rank` for a batch of users at once (one batched pass per candidate source)."""
        assert self.collab is not None, "train or load a model first"
        with self._model_lock:
            index = self.catalogue.index
            histories = [self.history_of(ctx) for ctx in contexts]
            unwanted: list[set[int]] = []
            for row, ctx in enumerate(contexts):
                exclude = excludes[row] if excludes is not None else ()
                ids = set(ctx.hidden) | set(ctx.seen) | set(exclude)
                bad = {index[x] for x in ids if x in index}
                bad |= self.user_hidden.get(ctx.user_id, set())
                unwanted.append(bad)
            out: list[list[ScoredNote]] = []
            # one `now` per batch (rank() is a batch of one)
            nows = [ctx.now if ctx.now is not None else self.t_ref for ctx in contexts]
            for row, cands in enumerate(self._generate(histories, contexts, nows, unwanted)):
                if len(cands.items) == 0:
                    out.append([])
                    continue
                scores = ranking.score(self.ranker, cands.features, cold=len(histories[row]) == 0)
                order = rerank(
                    self.catalogue, cands.items, scores, contexts[row], nows[row], self.config
                )
                served = Served(cands.items[order], cands.sources[order], cands.features[order])
                reasons = explain(self, contexts[row], histories[row], served, nows[row])
                note_ids = self.catalogue.note_ids[served.items].tolist()
                out.append(
                    [
                        ScoredNote(note_id, float(scores[k]), SOURCES[source], reason)
                        for note_id, k, source, reason in zip(
                            note_ids, order, served.sources.tolist(), reasons, strict=True
                        )
                    ]
                )
            return out

    def _generate(
        self,
        histories: list[np.ndarray],
        contexts: list[UserContext],
        nows: list[float],
        unwanted: list[set[int]],
    ) -> list[candidate_stage.Candidates]:
        """Candidates per user; users are batched by their request time."""
        out: list[candidate_stage.Candidates | None] = [None] * len(histories)
        by_now: dict[float, list[int]] = {}
        for row, now in enumerate(nows):
            by_now.setdefault(now, []).append(row)
        for now, rows in by_now.items():
            batch = candidate_stage.generate(
                self,
                [histories[r] for r in rows],
                [contexts[r] for r in rows],
                None,
                now,
                [unwanted[r] for r in rows],
            )
            for r, cands in zip(rows, batch, strict=True):
                out[r] = cands
        return [c for c in out if c is not None]

    def recommend(
        self, ctx: UserContext, k: int = 20, exclude: Iterable[int] = ()
    ) -> list[ScoredNote]:
        """The best k notes for this user now (no paging state)."""
        return self.rank(ctx, exclude)[:k]

    def servable(self, note: ScoredNote, ctx: UserContext) -> bool:
        """Still servable to this user (not removed, author not blocked since ranking)."""
        j = self.catalogue.index.get(note.note_id)
        return j is None or not (
            int(self.catalogue.authors[j]) in ctx.blocked_authors or self.catalogue.removed[j]
        )

    def recommend_page(
        self,
        ctx: UserContext,
        cursor: str | None = None,
        page_size: int = 20,
        exclude: Iterable[int] = (),
        ranked: list[ScoredNote] | None = None,
    ) -> FeedPage:
        """Page through one stored ranked list: pages never repeat a note. Pass the returned
        `next_cursor` for the next page; None starts a fresh list (e.g. pull-to-refresh).
        `ranked`: a fresh list already ranked by `rank_many` (the offline benchmark).

        When the context brings session positives that the stored list was not ranked with,
        the rest of the list is re-ranked with them (notes already served stay excluded), so
        engagement on one page shapes the next."""
        return self.pager.page(
            lambda c, ex: self.rank(c, ex),
            ctx,
            cursor,
            page_size,
            exclude,
            lambda note: self.servable(note, ctx),
            ranked=ranked,
        )

    def forget_lists(self) -> None:
        """Drop the ranked lists kept for cursor paging (their cursors start fresh lists)."""
        self._lists.clear()

    # ------------------------------------------------------------------ updates
    def add_notes(self, notes: Iterable[NoteInfo]) -> None:
        """Make new notes recommendable now (scored from content; collaborative vector from
        content neighbours; the fresh source gives them exploration impressions)."""
        with self._model_lock:
            self._add_notes(list(notes))

    def _add_notes(self, notes: list[NoteInfo]) -> None:
        new_items = self.catalogue.append(notes)
        if not new_items:
            return
        if not self.config.video:
            self._forget_clips()
        glosser = self.glosser()
        catalogue = self.catalogue
        docs = [
            note_tokens(catalogue.topics[j], catalogue.texts[j], catalogue.images[j], glosser)
            for j in new_items
        ]
        rows = self.content.transform(docs)
        self.content_matrix = sp.vstack([self.content_matrix, rows]).tocsr()
        self.content_vectors = np.vstack([self.content_vectors, self.content.project(rows)])
        assert self.collab is not None and self.collab_index is not None
        assert self.content_index is not None
        vectors = self._embed_from_content(np.asarray(new_items))
        self.collab.item_vectors = np.vstack([self.collab.item_vectors, vectors])
        self.collab.column_scale = np.concatenate(
            [self.collab.column_scale, np.ones(len(new_items), dtype=np.float32)]
        )
        self.collab_index.add(vectors)
        self.content_index.add(self.content_vectors[new_items])
        for j in new_items:
            author = int(catalogue.authors[j])
            newest = self.author_notes.get(author, np.zeros(0, np.int64))
            self.author_notes[author] = np.concatenate([[j], newest]).astype(np.int64)

    def remove_notes(self, note_ids: Iterable[int]) -> None:
        """Deleted or moderated notes: never recommended again."""
        with self._model_lock:
            for note_id in note_ids:
                j = self.catalogue.index.get(note_id)
                if j is not None:
                    self.catalogue.removed[j] = True

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> None:
        persistence.save(self, directory)

    @classmethod
    def load(cls, directory: str | Path) -> Recommender:
        return persistence.load(cls, directory)

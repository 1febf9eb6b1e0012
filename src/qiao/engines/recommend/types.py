"""The data the engine takes and returns (plain dataclasses; no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Engagement kinds the engine understands, and how strongly each one says "I like this".
#: "impression" is neutral (it marks that the note was shown); "hide" is negative feedback.
#: Clips: "play" (a reader started the clip, after the "open" that already counted) is
#: neutral; "watch" (value = seconds of the clip actually watched) counts 0.5, like a long
#: dwell, when it covers WATCH_POSITIVE_SHARE of the clip (NoteInfo.video_seconds; for a
#: clip of unknown length, from DWELL_POSITIVE_SECONDS on), and -0.25 when the reader left
#: within the first WATCH_ABANDON_SHARE of it — so an open followed by an abandoned clip is no
#: longer a positive (0.25 < 0.5), while a like or a long dwell beside it still is. Training
#: judges a (reader, note) pair's watch events on their total (history.digest).
#: New kinds go at the end: a kind's code is its position.
KIND_WEIGHTS: dict[str, float] = {
    "impression": 0.0,
    "open": 0.5,
    "dwell": 0.0,  # value = seconds; counts 0.5 from DWELL_POSITIVE_SECONDS on
    "like": 1.0,
    "collect": 1.5,
    "comment": 1.0,
    "share": 1.5,
    "hide": -3.0,
    "play": 0.0,
    "watch": 0.0,  # value = seconds; counts 0.5 from WATCH_POSITIVE_SHARE of the clip on
}
KINDS = frozenset(KIND_WEIGHTS)
DWELL_POSITIVE_SECONDS = 10.0
WATCH_POSITIVE_SHARE = 0.8  # "watched to the end": the share of a clip a watch must cover
WATCH_ABANDON_SHARE = 0.25  # a clip left before this share of it was abandoned
WATCH_ABANDONED = -0.25  # the strength of an abandoned clip


def watch_strength(seconds: np.ndarray, clip_seconds: np.ndarray) -> np.ndarray:
    """The strength of watching `seconds` of clips `clip_seconds` long: 0.5 from
    WATCH_POSITIVE_SHARE of the clip on, WATCH_ABANDONED below WATCH_ABANDON_SHARE (but
    more than nothing), else 0; for a clip of unknown length (0), 0.5 from
    DWELL_POSITIVE_SECONDS on, else 0."""
    known = clip_seconds > 0
    complete = np.where(
        known, seconds >= WATCH_POSITIVE_SHARE * clip_seconds, seconds >= DWELL_POSITIVE_SECONDS
    )
    abandoned = known & (seconds > 0) & (seconds < WATCH_ABANDON_SHARE * clip_seconds)
    return np.select([complete, abandoned], [0.5, WATCH_ABANDONED], 0.0).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Interaction:
    """One engagement event. ts is a UTC unix timestamp (seconds)."""

    user_id: int
    note_id: int
    kind: str
    ts: float
    value: float = 0.0  # seconds for kind="dwell" and kind="watch"; otherwise unused

    def strength(self, clip_seconds: float = 0.0) -> float:
        """`clip_seconds`: the length of the note's clip (for "watch" events)."""
        if self.kind == "dwell":
            return 0.5 if self.value >= DWELL_POSITIVE_SECONDS else 0.0
        if self.kind == "watch":
            return float(watch_strength(np.asarray([self.value]), np.asarray([clip_seconds]))[0])
        return KIND_WEIGHTS.get(self.kind, 0.0)


#: Kind codes of :class:`InteractionLog` (the position in this tuple).
KIND_CODES: tuple[str, ...] = tuple(KIND_WEIGHTS)
_KIND_CODE = {k: i for i, k in enumerate(KIND_CODES)}


class InteractionLog:
    """The engagement log as columns (what ``Recommender.train`` works on).

    Ten million events as :class:`Interaction` objects take gigabytes of Python objects;
    as five NumPy columns they take ~290 MB. Build one with :meth:`from_chunks` from rows
    read in batches (``(user_id, note_id, kind, ts, value)`` tuples), or
    :meth:`from_interactions`."""

    __slots__ = ("kinds", "note_ids", "ts", "user_ids", "values")

    def __init__(
        self,
        user_ids: np.ndarray,
        note_ids: np.ndarray,
        kinds: np.ndarray,
        ts: np.ndarray,
        values: np.ndarray,
    ) -> None:
        n = len(user_ids)
        if not (len(note_ids) == len(kinds) == len(ts) == len(values) == n):
            raise ValueError("InteractionLog columns must have the same length")
        self.user_ids = np.asarray(user_ids, dtype=np.int64)
        self.note_ids = np.asarray(note_ids, dtype=np.int64)
        self.kinds = np.asarray(kinds, dtype=np.uint8)
        self.ts = np.asarray(ts, dtype=np.float64)
        self.values = np.asarray(values, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.user_ids)

    @classmethod
    def from_chunks(
        cls, rows: Iterable[tuple[int, int, str, float, float]], chunk: int = 200_000
    ) -> InteractionLog:
        """Rows ``(user_id, note_id, kind, ts, value)``; unknown kinds are dropped."""
        parts: list[tuple[np.ndarray, ...]] = []
        buf: list[tuple[int, int, int, float, float]] = []

        def flush() -> None:
            if buf:
                u, nid, k, t, v = zip(*buf, strict=True)
                parts.append(
                    (
                        np.fromiter(u, np.int64, len(buf)),
                        np.fromiter(nid, np.int64, len(buf)),
                        np.fromiter(k, np.uint8, len(buf)),
                        np.fromiter(t, np.float64, len(buf)),
                        np.fromiter(v, np.float32, len(buf)),
                    )
                )
                buf.clear()

        for u, nid, kind, t, v in rows:
            code = _KIND_CODE.get(kind)
            if code is None:
                continue
            buf.append((u, nid, code, t, v))
            if len(buf) >= chunk:
                flush()
        flush()
        if not parts:
            return cls.empty()
        cols = [np.concatenate([p[i] for p in parts]) for i in range(5)]
        return cls(*cols)

    @classmethod
    def from_interactions(cls, events: Iterable[Interaction]) -> InteractionLog:
        return cls.from_chunks((e.user_id, e.note_id, e.kind, e.ts, e.value) for e in events)

    @classmethod
    def empty(cls) -> InteractionLog:
        return cls(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.uint8),
            np.zeros(0, np.float64),
            np.zeros(0, np.float32),
        )

    def strengths(self, clip_seconds: np.ndarray | None = None) -> np.ndarray:
        """How strongly each event says "I like this" (see KIND_WEIGHTS). `clip_seconds`:
        per event, the length of its note's clip (0: none or unknown), for "watch" events,
        each judged alone (history.digest judges a pair's watching on its total)."""
        w = np.asarray([KIND_WEIGHTS[k] for k in KIND_CODES], dtype=np.float32)
        out = w[self.kinds]
        dwell = self.kinds == _KIND_CODE["dwell"]
        out[dwell] = np.where(self.values[dwell] >= DWELL_POSITIVE_SECONDS, 0.5, 0.0)
        watch = self.kinds == _KIND_CODE["watch"]
        if watch.any():
            lengths = (
                np.zeros(int(watch.sum()), np.float32)
                if clip_seconds is None
                else clip_seconds[watch]
            )
            out[watch] = watch_strength(self.values[watch], lengths)
        return out

    def without_kinds(self, kinds: Iterable[str]) -> InteractionLog:
        """The log without the events of these kinds."""
        keep = ~np.isin(self.kinds, [_KIND_CODE[k] for k in kinds])
        return InteractionLog(
            self.user_ids[keep],
            self.note_ids[keep],
            self.kinds[keep],
            self.ts[keep],
            self.values[keep],
        )

    def is_kind(self, kind: str) -> np.ndarray:
        return np.asarray(self.kinds == _KIND_CODE[kind])

    def __iter__(self) -> Iterator[Interaction]:
        for u, nid, k, t, v in zip(
            self.user_ids.tolist(),
            self.note_ids.tolist(),
            self.kinds.tolist(),
            self.ts.tolist(),
            self.values.tolist(),
            strict=True,
        ):
            yield Interaction(u, nid, KIND_CODES[k], t, v)


@dataclass(slots=True)
class NoteInfo:
    """What the engine knows about a note. topics are lower-case tags without '#'."""

    note_id: int
    author_id: int
    topics: list[str] = field(default_factory=list)
    language: str | None = None
    created_ts: float = 0.0
    text: str = ""
    like_count: int = 0
    collect_count: int = 0
    comment_count: int = 0
    # what the media pipeline computed for each photo, in order: (dominant colour "#rrggbb",
    # perceptual hash hex); turned into visual content tokens (content.visual_tokens)
    images: list[tuple[str, str]] = field(default_factory=list)
    # the note's clip, if it has one: its length in seconds (0.0: no clip), how many times
    # readers started it, and the share of it they watched on average (0-1) — from the
    # `play` and `watch` events of the platform's engagement log
    video_seconds: float = 0.0
    video_plays: int = 0
    video_completion: float = 0.0


@dataclass(slots=True)
class UserContext:
    """Everything the serving path needs to know about the viewer right now.

    `seen` are notes already shown (never shown again); `recent_positive_note_ids` are the
    viewer's newest positives (likes, collects, opens) in time order, oldest first — they are
    what makes the next page react within seconds, even before the next training run."""

    user_id: int
    interests: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    following: set[int] = field(default_factory=set)
    blocked_authors: set[int] = field(default_factory=set)
    hidden: set[int] = field(default_factory=set)
    seen: set[int] = field(default_factory=set)
    recent_positive_note_ids: list[int] = field(default_factory=list)
    now: float | None = None  # unix time of the request (defaults to the newest note's time)
    # the member's language mix: the share of served notes (of known language) in their main
    # language, languages[0], from 0.5 ("half and half") to 1.0 ("only my language"); None:
    # the site default (RecommenderConfig.cross_language_share of other reading languages)
    language_mix: float | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a note is served (see reasons.py): a code and the data to render it."""

    code: str  # one of reasons.REASON_CODES
    note_id: int | None = None  # liked_similar: the reader's positive it is closest to
    author_id: int | None = None  # followed_author, new_creator
    language: str | None = None  # popular_in_language (None: popular overall)
    topic: str | None = None  # interest_topic: the onboarding interest it matches


@dataclass(frozen=True, slots=True)
class ScoredNote:
    note_id: int
    score: float
    # the candidate source that proposed it first, one of engine.SOURCES
    source: str
    reason: Reason | None = None


@dataclass(slots=True)
class FeedPage:
    items: list[ScoredNote]
    next_cursor: str | None


@dataclass(slots=True)
class RecommenderConfig:
    """Knobs. Component hyper-parameters set to None are chosen automatically on a held-out
    last positive per user (the validation split) during training."""

    # candidate quotas per source (before ranking)
    quota_collab: int = 100
    quota_coengage: int = 100
    quota_sequence: int = 60
    quota_neural: int = 100
    quota_content: int = 60
    quota_follow: int = 40
    quota_fresh: int = 30
    quota_trending: int = 30
    quota_watched: int = 30  # clips watched to the end by readers like this one
    # clips: `play`/`watch` events, the clip features and the `watched` source; False
    # ignores them all (the engine before clips; for comparisons)
    video: bool = True
    watched_max_clips: int = 50_000  # the clips with the most completions it can propose
    # re-ranking
    max_per_author_in_10: int = 2
    max_per_topic_in_10: int = 7
    cross_language_share: float = 0.2  # share of a page in the user's *other* reading languages
    exploration_share: float = 0.1  # share of a page reserved for fresh notes (cold-start notes)
    exploration_max_exposure: int = 10  # a fresh note with more impressions + positives
    #                                     competes on its score alone
    cache_size: int = 256 * 1024  # ranked lists kept for cursor paging (by user)
    ranked_list_len: int = 200
    reason_depth: int = 40  # the first notes of a list explained by the ranker (~0.1 ms each)
    # components (None = tuned on the validation split)
    ease_max_items: int = 20000  # EASE is O(n^3); above this use sparse cosine neighbours
    ease_lambda: float | None = None
    coengage_half_life: float | None = None
    knn_k: int | None = None
    seq_params: tuple[int, float, float] | None = None  # (window, step_decay, half_life)
    embed_factors: int | None = None
    embed_half_life: float | None = None
    content_dims: int = 1 << 18
    content_embed_dims: int = 64
    # Chinese topics/words also count as their English glosses (CC-CEDICT), so content
    # similarity crosses languages; the platform turns it on, public-data runs need not
    cross_language_content: bool = False
    trending_half_life_days: float = 3.0
    fresh_days: float = 2.0
    positive_threshold: float = 0.5
    # the neural sequential model (sequential.SASRec, NumPy): candidate source + feature
    neural: bool = True
    neural_dim: int = 64
    neural_blocks: int = 2
    neural_heads: int = 1
    neural_max_len: int | None = None  # None: the 90th percentile history, 10..200
    neural_dropout: float = 0.2
    neural_learning_rate: float = 2e-3
    neural_batch_size: int = 32
    neural_max_epochs: int = 200
    neural_max_items: int = 200_000  # the most engaged notes it models (vocabulary)
    neural_full_softmax_items: int = 20_000  # above: a sampled softmax
    neural_negatives: int = 2048  # uniform negatives per batch of the sampled softmax
    neural_time_budget_s: float | None = 240.0  # training stops (best weights kept)
    neural_ann_min_items: int = 50_000  # modelled notes from which an HNSW index serves it
    # ranker
    use_ranker: bool = True
    # held-out positives per user for tuning and the ranker's training groups (None: 2 when
    # fewer than 3,000 users have 4+ positives, a small site, else 1); the models that
    # produce the ranker's features are fitted without them
    holdout_depth: int | None = None
    ranker_max_users: int = 6000
    ranker_rounds: int = 300  # at most
    ranker_min_rounds: int = 50  # a ranker is never cut shorter than this
    ranker_patience: int = 40  # stop after this many rounds without a better fold mean
    ranker_folds: int = 3  # boosters averaged, each validated on a different third
    ranker_min_groups: int = 50  # below this many training groups: the hand-set blend
    ranker_leaves: int = 31
    ranker_learning_rate: float = 0.05
    train_candidates_per_source: int | None = None  # None: the serving quotas
    tune_max_users: int = 3000
    ann_min_items: int = 50000  # below this brute force beats an index
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(slots=True)
class TrainReport:
    n_users: int = 0
    n_notes: int = 0
    n_interactions: int = 0
    n_positive: int = 0
    n_hidden: int = 0
    chosen: dict[str, Any] = field(default_factory=dict)
    validation: dict[str, float] = field(default_factory=dict)
    ranker_groups: int = 0
    ranker_rows: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)  # process peak at each stage's end

"""Clips watched to the end by readers like this one: the `watched` candidate source and the
``s_watched`` ranker feature.

Each clip gets a vector: the sum of the unit collaborative vectors of the readers who watched
it to the end (a `watch` event covering ``WATCH_POSITIVE_SHARE`` of it), divided by
sqrt(plays + 1) — so a clip that many start and few finish scores lower than one that most
finish. A reader's score for a clip is their unit collaborative vector dotted with it: high
when readers with similar tastes finished it. Only the ``watched_max_clips`` clips with the
most completions are kept. Without completions in the log (a photo-only site, the public
data sets) there are no clips and the source proposes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .catalogue import Catalogue
from .components import Collaborative


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-9), dtype=np.float32)


@dataclass
class WatchedClips:
    """The clips the source can propose (internal indices) and their vectors."""

    items: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    _columns: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.items)

    def column_of(self, n: int) -> np.ndarray:
        """Internal index -> row of `vectors` (-1: not a watched clip), for n notes."""
        if self._columns is None or len(self._columns) != n:
            out = np.full(n, -1, dtype=np.int64)
            inside = self.items < n
            out[self.items[inside]] = np.flatnonzero(inside)
            self._columns = out
        return self._columns

    def scores(self, user_vectors: np.ndarray) -> np.ndarray:
        """(users, clips): each reader's score for each clip."""
        if len(self.items) == 0:
            return np.zeros((len(user_vectors), 0), np.float32)
        return np.asarray(_unit(user_vectors) @ self.vectors.T)

    def scores_for(self, user_vector: np.ndarray, items: np.ndarray, n: int) -> np.ndarray:
        """One reader's scores for `items` (0 for notes that are not watched clips)."""
        out = np.zeros(len(items), dtype=np.float32)
        if len(self.items) == 0 or len(items) == 0:
            return out
        rows = self.column_of(n)[np.minimum(items, n - 1)]
        known = (rows >= 0) & (items < n)
        if known.any():
            out[known] = self.vectors[rows[known]] @ _unit(user_vector[None, :])[0]
        return out


def fit_watched(
    collab: Collaborative,
    catalogue: Catalogue,
    histories: dict[int, np.ndarray],
    completed: tuple[np.ndarray, np.ndarray],
    max_clips: int,
) -> WatchedClips:
    """`completed`: (user ids, internal note indices) of clips watched to the end;
    `histories`: user id -> positives (internal indices), for their collaborative vectors."""
    users, items = completed
    if len(users) == 0:
        return WatchedClips()
    counts = np.bincount(items, minlength=len(catalogue))
    clips = np.flatnonzero(counts)
    if len(clips) > max_clips:
        clips = clips[np.argsort(-counts[clips], kind="stable")[:max_clips]]
    keep = np.isin(items, clips)
    users, items = users[keep], items[keep]
    who, user_row = np.unique(users, return_inverse=True)
    empty = np.zeros(0, np.int32)
    vectors = _unit(collab.user_vectors([histories.get(int(u), empty) for u in who.tolist()]))
    clip_row = np.searchsorted(clips, items)
    summed = np.zeros((len(clips), vectors.shape[1]), dtype=np.float64)
    np.add.at(summed, clip_row, vectors[user_row])
    plays = np.maximum(catalogue.video_plays[clips], counts[clips])
    summed /= np.sqrt(plays + 1.0)[:, None]
    return WatchedClips(clips.astype(np.int64), summed.astype(np.float32))

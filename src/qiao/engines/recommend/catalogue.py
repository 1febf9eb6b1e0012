"""What the engine knows about each note, by internal index (0..n-1, in arrival order).

Notes arrive with training (`Catalogue.append`) and later through ``Recommender.add_notes``;
note ids the log mentions but the catalogue lacks (deleted or private notes) get placeholder
entries so every event has an index. Engagement statistics per note (popularity, trend,
shows, hides) are filled by training and live here too, so every per-note array grows in
one place.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .types import NoteInfo

#: per-note float32 statistics that grow with the catalogue (filled in by training)
STAT_ARRAYS = ("popularity", "trend", "hides", "shows")
#: how many plays (impressions) of the catalogue's mean a clip's completion rate (plays per
#: impression) is shrunk with: 10 plays weigh as much as the prior
VIDEO_PRIOR_PLAYS = 10.0


def runs(sorted_keys: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of equal values in a sorted array; [] for an empty one."""
    if len(sorted_keys) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return list(zip(starts.tolist(), np.r_[starts[1:], len(sorted_keys)].tolist(), strict=True))


class Catalogue:
    """Per-note arrays and lists, aligned by internal index."""

    def __init__(self) -> None:
        self.note_ids = np.zeros(0, dtype=np.int64)
        self.index: dict[int, int] = {}  # note id -> internal index
        self.authors = np.zeros(0, dtype=np.int64)
        self.created = np.zeros(0, dtype=np.float64)
        self.likes = np.zeros(0, dtype=np.float32)  # like + collect counts of the note
        self.languages: list[str | None] = []
        self.topics: list[list[str]] = []
        # only needed to fit the content model (a loaded model keeps empty placeholders)
        self.texts: list[str] = []
        self.images: list[Sequence[tuple[str, str]]] = []
        self.removed = np.zeros(0, dtype=bool)
        # clips (0 for photo notes): length in seconds, plays and mean share watched, as the
        # platform counted them over the training window (NoteInfo.video_*)
        self.video_seconds = np.zeros(0, dtype=np.float32)
        self.video_plays = np.zeros(0, dtype=np.float32)
        self.video_completion = np.zeros(0, dtype=np.float32)
        self._video_cache: tuple[tuple[int, int, int], tuple[np.ndarray, np.ndarray]] | None = None
        # engagement statistics (training fills them; new notes start at zero)
        self.popularity = np.zeros(0, dtype=np.float32)  # positives per note
        self.trend = np.zeros(0, dtype=np.float32)  # positives decayed by age
        self.hides = np.zeros(0, dtype=np.float32)
        self.shows = np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.note_ids)

    def append(self, notes: list[NoteInfo]) -> list[int]:
        """Add the notes not known yet; returns their new internal indices."""
        fresh = [x for x in notes if x.note_id not in self.index]
        start = len(self.note_ids)
        for offset, note in enumerate(fresh):
            self.index[note.note_id] = start + offset
        self.note_ids = np.concatenate([self.note_ids, [x.note_id for x in fresh]]).astype(np.int64)
        self.authors = np.concatenate([self.authors, [x.author_id for x in fresh]]).astype(np.int64)
        self.created = np.concatenate([self.created, [x.created_ts for x in fresh]])
        self.likes = np.concatenate(
            [self.likes, [x.like_count + x.collect_count for x in fresh]]
        ).astype(np.float32)
        self.video_seconds = np.concatenate(
            [self.video_seconds, [max(0.0, x.video_seconds) for x in fresh]]
        ).astype(np.float32)
        self.video_plays = np.concatenate(
            [self.video_plays, [max(0, x.video_plays) for x in fresh]]
        ).astype(np.float32)
        self.video_completion = np.concatenate(
            [self.video_completion, [min(1.0, max(0.0, x.video_completion)) for x in fresh]]
        ).astype(np.float32)
        self.languages.extend(x.language for x in fresh)
        self.topics.extend([t.lower().lstrip("#") for t in x.topics] for x in fresh)
        self.texts.extend(x.text for x in fresh)
        self.images.extend(tuple(x.images) for x in fresh)
        total = start + len(fresh)
        for name in STAT_ARRAYS:
            arr = getattr(self, name)
            if len(arr) < total:
                setattr(
                    self, name, np.concatenate([arr, np.zeros(total - len(arr), dtype=np.float32)])
                )
        if len(self.removed) < total:
            self.removed = np.concatenate(
                [self.removed, np.zeros(total - len(self.removed), dtype=bool)]
            )
        return list(range(start, total))

    def positions(self, note_ids: np.ndarray) -> np.ndarray:
        """Internal indices of note ids; ids the catalogue lacks (notes deleted or made
        private since they were engaged with) get placeholder entries."""

        def lookup() -> tuple[np.ndarray, np.ndarray]:
            order = np.argsort(self.note_ids, kind="stable")
            sorted_ids = self.note_ids[order]
            at = np.clip(np.searchsorted(sorted_ids, note_ids), 0, max(0, len(sorted_ids) - 1))
            if not len(sorted_ids):
                return at, np.zeros(len(note_ids), bool)
            return order[at], sorted_ids[at] == note_ids

        found_at, found = lookup()
        if not found.all():
            self.append([NoteInfo(int(x), -1) for x in np.unique(note_ids[~found])])
            found_at, found = lookup()
        return found_at.astype(np.int64)

    def video_rates(self) -> tuple[np.ndarray, np.ndarray]:
        """Per note: the clip's completion rate and plays per impression, each shrunk
        towards the catalogue's mean over clips by VIDEO_PRIOR_PLAYS pseudo-plays
        (pseudo-impressions), so a clip with one play is not "100% watched"; 0 for photo
        notes. Cached until the catalogue or its impression counts change."""
        key = (len(self), id(self.shows), id(self.video_plays))
        if self._video_cache is not None and self._video_cache[0] == key:
            return self._video_cache[1]
        clip = self.video_seconds > 0
        plays = self.video_plays
        completion = np.zeros(len(self), dtype=np.float32)
        play_rate = np.zeros(len(self), dtype=np.float32)
        if clip.any():
            total_plays = float(plays[clip].sum())
            mean_completion = (
                float((plays[clip] * self.video_completion[clip]).sum()) / total_plays
                if total_plays > 0
                else 0.0
            )
            completion[clip] = (
                plays[clip] * self.video_completion[clip] + VIDEO_PRIOR_PLAYS * mean_completion
            ) / (plays[clip] + VIDEO_PRIOR_PLAYS)
            shows = (
                self.shows[clip]
                if len(self.shows) == len(self)
                else np.zeros(int(clip.sum()), np.float32)
            )
            total_shows = float(shows.sum())
            mean_rate = min(1.0, total_plays / total_shows) if total_shows > 0 else 0.0
            play_rate[clip] = np.minimum(
                1.0, (plays[clip] + VIDEO_PRIOR_PLAYS * mean_rate) / (shows + VIDEO_PRIOR_PLAYS)
            )
        self._video_cache = (key, (completion, play_rate))
        return completion, play_rate

    def notes_by_author(self) -> dict[int, np.ndarray]:
        """Author id -> their notes' internal indices, newest first."""
        order = np.lexsort((-self.created, self.authors))
        sorted_authors = self.authors[order]
        return {int(sorted_authors[a]): order[a:b] for a, b in runs(sorted_authors)}

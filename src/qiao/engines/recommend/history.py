"""From the engagement log to what the models learn from: per-user chronological positives,
hidden notes, logged impressions, and per-note statistics.

A (user, note) pair becomes a positive when its running strength (see ``KIND_WEIGHTS``)
first reaches the threshold, and stays one if the final strength is still there and the note
was not hidden. The time of a positive is the time it crossed the threshold; the log's order
breaks ties between equal times. Everything is vectorised: ten million events take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .catalogue import runs
from .types import InteractionLog, watch_strength


@dataclass
class Impressions:
    """Logged impressions (note shown to user at time), internal note indices."""

    users: np.ndarray
    items: np.ndarray
    times: np.ndarray


@dataclass
class Engagement:
    """The log, digested."""

    positives: dict[int, np.ndarray] = field(default_factory=dict)  # user -> note indices
    positive_times: dict[int, np.ndarray] = field(default_factory=dict)
    positive_strengths: dict[int, np.ndarray] = field(default_factory=dict)
    hidden: dict[int, set[int]] = field(default_factory=dict)  # user -> note indices
    impressions: Impressions | None = None
    shows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    hides: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    popularity: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    trend: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    n_positive: int = 0
    # every positive as (user, note, time of crossing the threshold), for statistics that
    # must be recomputed without some of them (the trend without held-out positives)
    positive_log: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    # clips watched to the end (the pair's `watch` seconds cover WATCH_POSITIVE_SHARE of the
    # clip), one (user, note) pair each, notes the user hid left out: the `watched` source
    completed: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0, np.int64), np.zeros(0, np.int64))
    )
    # per (user, clip) pair with `play` or `watch` events: (users, notes, plays, seconds
    # watched), to take held-out pairs out of the clips' statistics
    clip_pairs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None


def trend_scores(
    items: np.ndarray, times: np.ndarray, n_items: int, now: float, half_life_days: float
) -> np.ndarray:
    """Positives per note, each decayed by its age (half-life in days)."""
    half_life_s = half_life_days * 86400.0
    return np.bincount(
        items, weights=0.5 ** (np.maximum(0.0, now - times) / half_life_s), minlength=n_items
    ).astype(np.float32)


def digest(
    log: InteractionLog,
    items: np.ndarray,
    n_items: int,
    now: float,
    positive_threshold: float,
    trend_half_life_days: float,
    clip_seconds: np.ndarray | None = None,
) -> Engagement:
    """`items`: the internal note index of every event of `log`; `clip_seconds`: the length
    of each note's clip by internal index (0: no clip), for `watch` events."""
    out = Engagement()
    event_clip = clip_seconds[items] if clip_seconds is not None else None
    is_impression = log.is_kind("impression")
    out.shows = np.bincount(items[is_impression], minlength=n_items).astype(np.float32)
    is_hide = log.is_kind("hide")
    out.hides = np.bincount(items[is_hide], minlength=n_items).astype(np.float32)
    for user, item in zip(log.user_ids[is_hide].tolist(), items[is_hide].tolist(), strict=True):
        out.hidden.setdefault(user, set()).add(item)
    out.impressions = Impressions(
        log.user_ids[is_impression], items[is_impression], log.ts[is_impression]
    )

    # every event but impressions, in time order (the log's order breaks ties)
    events = np.flatnonzero(~is_impression)
    events = events[np.argsort(log.ts[events], kind="stable")]
    event_users, user_pos = np.unique(log.user_ids[events], return_inverse=True)
    stride = max(n_items, 1)
    pair = user_pos.astype(np.int64) * stride + items[events]
    by_pair = np.argsort(pair, kind="stable")  # time order kept inside each pair
    pair = pair[by_pair]
    strength = log.strengths(event_clip)[events][by_pair].astype(np.float64)
    times = log.ts[events][by_pair]
    hidden_pairs = pair[is_hide[events][by_pair]]
    new_pair = np.r_[True, pair[1:] != pair[:-1]] if len(pair) else np.zeros(0, bool)
    pair_no = np.cumsum(new_pair) - 1
    pair_starts = np.flatnonzero(new_pair)
    watch_in_pair = log.is_kind("watch")[events][by_pair]
    if watch_in_pair.any():
        # a pair's watching is judged on its total: each watch event adds the change it
        # makes (a clip watched in two sittings counts once, as a whole)
        seconds = np.where(watch_in_pair, log.values[events][by_pair], 0.0).astype(np.float64)
        total = np.cumsum(seconds)
        total -= (total[pair_starts] - seconds[pair_starts])[pair_no]
        lengths = (
            event_clip[events][by_pair]
            if event_clip is not None
            else np.zeros(len(pair), np.float32)
        )[watch_in_pair]
        strength[watch_in_pair] = watch_strength(total[watch_in_pair], lengths) - watch_strength(
            total[watch_in_pair] - seconds[watch_in_pair], lengths
        )
        last = np.r_[pair_starts[1:], len(pair)] - 1
        done = last[
            (
                watch_strength(
                    total[last],
                    event_clip[events][by_pair][last]
                    if event_clip is not None
                    else np.zeros(len(last), np.float32),
                )
                > 0
            )
            & ~np.isin(pair[last], hidden_pairs)
        ]
        out.completed = (
            event_users[pair[done] // stride].astype(np.int64),
            (pair[done] % stride).astype(np.int64),
        )
    running = np.cumsum(strength)
    running -= (running[pair_starts] - strength[pair_starts])[pair_no]
    final = running[np.r_[pair_starts[1:], len(pair)] - 1] if len(pair) else running
    crossed = np.flatnonzero(running >= positive_threshold)
    first_cross = crossed[np.unique(pair_no[crossed], return_index=True)[1]]
    out.trend = trend_scores(
        pair[first_cross] % stride, times[first_cross], n_items, now, trend_half_life_days
    )
    keep = (final[pair_no[first_cross]] >= positive_threshold) & ~np.isin(
        pair[first_cross], hidden_pairs
    )
    positive = first_cross[keep]
    # by user, then time
    positive = positive[np.lexsort((by_pair[positive], pair[positive] // stride))]
    positive_user = pair[positive] // stride
    positive_item = (pair[positive] % stride).astype(np.int32)
    positive_final = final[pair_no[positive]]
    for a, b in runs(positive_user):
        user = int(event_users[positive_user[a]])
        out.positives[user] = positive_item[a:b]
        out.positive_times[user] = times[positive[a:b]]
        out.positive_strengths[user] = positive_final[a:b]
    out.n_positive = int(len(positive))
    out.popularity = np.bincount(positive_item, minlength=n_items).astype(np.float32)
    crossed_users = event_users[pair[first_cross] // stride]
    out.positive_log = (
        crossed_users,
        (pair[first_cross] % stride).astype(np.int64),
        times[first_cross],
    )
    is_watch = log.is_kind("watch")
    is_play = log.is_kind("play")
    clip_events = np.flatnonzero(is_watch | is_play)
    if len(clip_events):
        keys, inverse = np.unique(
            np.stack([log.user_ids[clip_events], items[clip_events].astype(np.int64)]),
            axis=1,
            return_inverse=True,
        )
        inverse = inverse.ravel()
        out.clip_pairs = (
            keys[0],
            keys[1],
            np.bincount(inverse, weights=is_play[clip_events], minlength=keys.shape[1]),
            np.bincount(
                inverse,
                weights=np.where(is_watch[clip_events], log.values[clip_events], 0.0),
                minlength=keys.shape[1],
            ),
        )
    return out

"""The ranker's features for a user's candidates (one row per candidate, FEATURES columns)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .catalogue import Catalogue
from .types import UserContext

#: candidate sources, in the order they propose (the code of a source is its position)
SOURCES = (
    "coengage",
    "sequence",
    "neural",
    "collab",
    "content",
    "follow",
    "fresh",
    "trending",
    "watched",
)
SOURCE_CODE = {name: code for code, name in enumerate(SOURCES)}
FEATURES = (
    "s_coengage",
    "s_sequence",
    "s_neural",
    "s_collab",
    "s_content",
    "r_coengage",
    "r_sequence",
    "r_neural",
    "r_collab",
    "r_content",
    "log_pop",
    "trend",
    "log_age_days",
    "author_affinity",
    "follows_author",
    "language_match",
    "log_likes",
    "hide_rate",
    "log_hist_len",
    "topic_overlap",
    "src_fresh",
    "src_follow",
    # clips (all 0 on a catalogue without clips, so photo-only sites rank as before)
    "is_video",
    "log_video_seconds",
    "video_completion",
    "video_play_rate",
    "video_affinity",
    "s_watched",
)
#: the clip features (the `watched` reason's family)
VIDEO_FEATURES = (
    "is_video",
    "log_video_seconds",
    "video_completion",
    "video_play_rate",
    "video_affinity",
    "s_watched",
)
#: pseudo-positives of the site's share of positives on clips a reader's share is shrunk with
VIDEO_PRIOR_POSITIVES = 5.0
F = {name: column for column, name in enumerate(FEATURES)}
#: the sources whose score for every candidate is a feature (s_*), with its rank (r_*)
SCORED_SOURCES = ("coengage", "sequence", "neural", "collab", "content")


@dataclass
class SourceScores:
    """Each scored source's score for the candidates of one user (aligned arrays)."""

    coengage: np.ndarray
    sequence: np.ndarray
    neural: np.ndarray  # NaN for notes the sequential model does not know (or no model)
    collab: np.ndarray
    content: np.ndarray
    # how strongly readers like this one watched each candidate clip to the end (0: none)
    watched: np.ndarray | None = None


def rank_within(scores: np.ndarray) -> np.ndarray:
    """1 for the best positive score, falling linearly towards 0 for the worst positive one;
    0 where the score is not positive (or missing)."""
    out = np.zeros(len(scores), dtype=np.float32)
    positive = np.nan_to_num(scores, nan=0.0) > 0
    if positive.any():
        order = np.argsort(-scores[positive])
        ranks = np.empty(int(positive.sum()), dtype=np.float32)
        ranks[order] = 1.0 - np.arange(len(order)) / max(1, len(order))
        out[positive] = ranks
    return out


def feature_matrix(
    catalogue: Catalogue,
    items: np.ndarray,
    sources: np.ndarray,
    history: np.ndarray,
    ctx: UserContext | None,
    now: float,
    scores: SourceScores,
) -> np.ndarray:
    """Features of candidate `items` (internal indices) proposed by `sources` (codes) for a
    user with `history` (internal indices, oldest first) and context `ctx`."""
    n = len(items)
    out = np.zeros((n, len(FEATURES)), dtype=np.float32)
    if n == 0:
        return out
    for name in SCORED_SOURCES:
        source_scores = getattr(scores, name)
        out[:, F["s_" + name]] = source_scores
        out[:, F["r_" + name]] = rank_within(source_scores)
    out[:, F["log_pop"]] = np.log1p(catalogue.popularity[items])
    out[:, F["trend"]] = catalogue.trend[items]
    age_days = (now - catalogue.created[items]) / 86400.0
    out[:, F["log_age_days"]] = np.where(
        catalogue.created[items] > 0, np.log1p(np.maximum(age_days, 0.0)), np.nan
    )
    if len(history):
        author_counts = Counter(catalogue.authors[history].tolist())
        out[:, F["author_affinity"]] = [
            author_counts.get(int(a), 0) / len(history) for a in catalogue.authors[items]
        ]
    languages = set(ctx.languages) if ctx is not None else set()
    if ctx is not None:
        out[:, F["follows_author"]] = [
            1.0 if int(a) in ctx.following else 0.0 for a in catalogue.authors[items]
        ]
        out[:, F["language_match"]] = [
            np.nan
            if catalogue.languages[j] is None or not languages
            else float(catalogue.languages[j] in languages)
            for j in items.tolist()
        ]
        interests = {t.lower().lstrip("#") for t in ctx.interests}
        if interests:
            out[:, F["topic_overlap"]] = [
                len(interests.intersection(catalogue.topics[j])) for j in items.tolist()
            ]
    else:
        out[:, F["language_match"]] = np.nan
    out[:, F["log_likes"]] = np.log1p(catalogue.likes[items])
    out[:, F["hide_rate"]] = (catalogue.hides[items] + 0.0) / (
        catalogue.shows[items] + catalogue.popularity[items] + 5.0
    )
    out[:, F["log_hist_len"]] = math.log1p(len(history))
    out[:, F["src_fresh"]] = sources == SOURCE_CODE["fresh"]
    out[:, F["src_follow"]] = sources == SOURCE_CODE["follow"]
    video_features(out, catalogue, items, history, scores.watched)
    return out


def video_affinity(catalogue: Catalogue, history: np.ndarray) -> float:
    """The share of a reader's positives that were clips, shrunk towards the site's share
    (positives on clips / all positives) by VIDEO_PRIOR_POSITIVES; 0 without clips."""
    clip = catalogue.video_seconds > 0
    if not clip.any():
        return 0.0
    total = float(catalogue.popularity.sum()) if len(catalogue.popularity) == len(clip) else 0.0
    site = float(catalogue.popularity[clip].sum()) / total if total > 0 else 0.0
    on_clips = float(clip[history].sum()) if len(history) else 0.0
    return (on_clips + VIDEO_PRIOR_POSITIVES * site) / (len(history) + VIDEO_PRIOR_POSITIVES)


def video_features(
    out: np.ndarray,
    catalogue: Catalogue,
    items: np.ndarray,
    history: np.ndarray,
    watched: np.ndarray | None,
) -> None:
    """Fill the clip columns of `out` (left 0 for photo notes)."""
    seconds = catalogue.video_seconds[items]
    is_video = seconds > 0
    if not is_video.any():
        return
    completion, play_rate = catalogue.video_rates()
    out[:, F["is_video"]] = is_video
    out[:, F["log_video_seconds"]] = np.log1p(seconds)
    out[:, F["video_completion"]] = completion[items]
    out[:, F["video_play_rate"]] = play_rate[items]
    out[:, F["video_affinity"]] = video_affinity(catalogue, history) * is_video
    if watched is not None:
        out[:, F["s_watched"]] = watched

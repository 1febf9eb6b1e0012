"""The ranker: LightGBM LambdaRank over the candidates' features, and the hand-set blend used
for brand-new users (and when there was too little data to train a ranker).

Training groups (features from models fitted without the held-out positive):
(a) each sampled user's held-out last positive among the candidates the sources produce from
    the rest of the history (label 1, the other candidates 0);
(b) the notes shown to that user on the day of the held-out positive, with their outcomes
    (collect/share 3 > like/comment 2 > open 1 > skipped or hidden 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .candidates import content_profiles, generate, neural_scores, pad_columns
from .catalogue import runs
from .ensemble import RankerEnsemble
from .features import FEATURES, SOURCE_CODE, F, SourceScores, feature_matrix
from .history import Impressions
from .models import history_matrix
from .trained import Model
from .types import RecommenderConfig, TrainReport


def fallback_scores(features: np.ndarray, cold: bool) -> np.ndarray:
    """Hand-set blend for brand-new users and for models without a ranker."""
    trend = features[:, F["trend"]]
    trend_share = trend / (trend.max() + 1e-9)
    language = np.nan_to_num(features[:, F["language_match"]], nan=0.5)
    if cold:
        blend = (
            1.0 * features[:, F["topic_overlap"]]
            + 1.5 * features[:, F["s_content"]]
            + 0.4 * trend_share
            + 0.3 * language
            + 0.2 * features[:, F["src_fresh"]]
        )
    else:
        blend = (
            features[:, F["r_coengage"]]
            + features[:, F["r_sequence"]]
            + features[:, F["r_neural"]]
            + features[:, F["r_collab"]]
            + 0.7 * features[:, F["r_content"]]
            + 0.5 * features[:, F["topic_overlap"]]
            + 0.3 * trend_share
            + 0.5 * features[:, F["follows_author"]]
            + 0.3 * language
            - 2.0 * features[:, F["hide_rate"]]
        )
    return np.asarray(blend, dtype=np.float32)


def score(ranker: Any, features: np.ndarray, cold: bool) -> np.ndarray:
    if ranker is not None and not cold and len(features):
        return np.asarray(ranker.predict(features, num_threads=1), dtype=np.float32)
    return fallback_scores(features, cold)


def outcome_label(strength: np.ndarray) -> np.ndarray:
    """Graded relevance of an outcome's strength: collect/share 3, like/comment 2, open 1."""
    return np.select([strength >= 1.5, strength >= 1.0, strength >= 0.5], [3.0, 2.0, 1.0], 0.0)


def heldout_groups(
    model: Model, histories: list[np.ndarray], targets: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(a): per user, the candidates from the history with label 1 on the held-out target."""
    cfg = model.config
    features: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    for start in range(0, len(histories), 256):
        chunk = histories[start : start + 256]
        batch = generate(
            model,
            chunk,
            [None] * len(chunk),
            cfg.train_candidates_per_source,
            model.t_ref,
            [set() for _ in chunk],
        )
        for row, cands in enumerate(batch):
            label = (cands.items == targets[start + row]).astype(np.float32)
            if label.sum() == 0 or len(cands.items) < 2:
                continue
            features.append(cands.features)
            labels.append(label)
    return features, labels


def impression_groups(
    model: Model,
    histories: list[np.ndarray],
    targets: np.ndarray,
    users: list[int],
    impressions: Impressions,
    target_strength: np.ndarray,
    target_times: np.ndarray,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(b): for each held-out user, the notes shown on the day of the held-out positive
    (up to its time) with their outcomes; arrays are aligned with `users`. A user with
    several groups gets impression groups for the first of them only (their newest)."""
    collab = model.collab
    assert collab is not None
    n = len(model.catalogue)
    features: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    sampled = np.asarray(users, dtype=np.int64)
    order = np.argsort(sampled)
    at = np.clip(np.searchsorted(sampled[order], impressions.users), 0, max(0, len(sampled) - 1))
    row_of = order[at] if len(sampled) else at
    ok = (
        sampled[row_of] == impressions.users
        if len(sampled)
        else np.zeros(len(impressions.users), bool)
    )
    target_time = target_times[row_of] if len(sampled) else np.zeros(len(impressions.users))
    ok &= (np.floor(impressions.times / 86400) == np.floor(target_time / 86400)) & (
        impressions.times <= target_time
    )
    selected = np.flatnonzero(ok)
    selected = selected[np.argsort(row_of[selected], kind="stable")]
    group_rows = row_of[selected]
    n_trained = collab.coengagement.shape[0]
    for a, b in runs(group_rows):
        row = int(group_rows[a])
        shown = selected[a:b]
        items = np.unique(impressions.items[shown].astype(np.int64))
        history = histories[row]
        target = int(targets[row])
        items = items[np.isin(items, history, invert=True)]
        if target not in set(items.tolist()):
            continue
        label = outcome_label(np.where(items == target, float(target_strength[row]), 0.0))
        if len(items) < 2 or label.max() == label.min():
            continue
        first_shown = float(impressions.times[shown].min())
        trained_history = history[history < n_trained]
        coengage = pad_columns(
            np.asarray(
                (
                    history_matrix([trained_history], n_trained, collab.coengage_half_life)
                    @ collab.coengagement
                ).todense(),
                dtype=np.float32,
            ),
            n,
        )[0]
        sequence = pad_columns(collab.transitions.score(np.zeros(0), [trained_history]), n)[0]
        user_vector = collab.user_vectors([history])[0]
        profile = content_profiles(model, [history], [None])
        content = np.asarray((model.content_matrix[items] @ profile[0].T).todense()).ravel()
        neural = neural_scores(model, model.neural_states([history])[0], items)
        watched = (
            model.watched.scores_for(user_vector, items, n)
            if len(model.watched) and len(history)
            else None
        )
        scores = SourceScores(
            coengage[items],
            sequence[items],
            neural,
            collab.item_vectors[items] @ user_vector,
            content,
            watched,
        )
        features.append(
            feature_matrix(
                model.catalogue,
                items,
                np.full(len(items), SOURCE_CODE["trending"]),
                history,
                None,
                first_shown,
                scores,
            )
        )
        labels.append(label.astype(np.float32))
    return features, labels


#: features the score may only grow with (a candidate every source likes more, all else
#: equal, never ranks lower) and only fall with; the rest are unconstrained
INCREASING = (
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
    "follows_author",
    "topic_overlap",
    "s_watched",
)
DECREASING = ("hide_rate",)


def monotone_constraints(features: tuple[str, ...] = FEATURES) -> list[int]:
    return [1 if f in INCREASING else -1 if f in DECREASING else 0 for f in features]


def fit_ensemble(
    features: np.ndarray,
    labels: np.ndarray,
    groups: list[int],
    cfg: RecommenderConfig,
    report: TrainReport,
) -> RankerEnsemble:
    """Train `cfg.ranker_folds` boosters in lockstep, fold k validating on every k-th group
    (in a seeded random order); stop when the mean validation NDCG@10 has not improved for
    `cfg.ranker_patience` rounds (never before `cfg.ranker_min_rounds`)."""
    import lightgbm as lgb

    n_groups = len(groups)
    folds = max(2, cfg.ranker_folds)
    fold_of_group = np.random.default_rng(cfg.seed).permutation(n_groups) % folds
    group_of_row = np.repeat(np.arange(n_groups), groups)
    params = {
        "objective": "lambdarank",
        "metric": "ndcg",
        "ndcg_eval_at": [10],
        "learning_rate": cfg.ranker_learning_rate,
        "num_leaves": cfg.ranker_leaves,
        "min_data_in_leaf": 50,
        "feature_fraction": 0.9,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambdarank_truncation_level": 20,
        "monotone_constraints": monotone_constraints(),
        "num_threads": 1 if len(labels) < 200_000 else 2,  # threads pay off on big data only
        "verbose": -1,
        "label_gain": [0, 1, 3, 7],
    }
    group_sizes = np.asarray(groups)
    boosters: list[Any] = []
    for k in range(folds):
        train_rows = fold_of_group[group_of_row] != k
        valid_rows = ~train_rows
        train_set = lgb.Dataset(
            features[train_rows],
            labels[train_rows],
            group=group_sizes[fold_of_group != k],
            feature_name=list(FEATURES),
            free_raw_data=True,
        )
        valid_set = lgb.Dataset(
            features[valid_rows],
            labels[valid_rows],
            group=group_sizes[fold_of_group == k],
            reference=train_set,
        )
        booster = lgb.Booster({**params, "seed": cfg.seed * 101 + k}, train_set)
        booster.add_valid(valid_set, "valid")
        boosters.append(booster)
    curve: list[float] = []
    best_round = 0
    for round_no in range(1, cfg.ranker_rounds + 1):
        scores = []
        for booster in boosters:
            booster.update()
            scores.append(booster.eval_valid()[0][2])
        curve.append(float(np.mean(scores)))
        if round_no < cfg.ranker_min_rounds:
            continue
        floor = cfg.ranker_min_rounds - 1
        best_round = floor + int(np.argmax(curve[floor:])) + 1
        if round_no - best_round >= cfg.ranker_patience:
            break
    best_round = max(best_round, min(len(curve), cfg.ranker_min_rounds))
    report.validation["ranker_ndcg@10"] = curve[best_round - 1] if curve else float("nan")
    report.validation["ranker_rounds"] = float(best_round)
    report.validation["ranker_folds"] = float(folds)
    return RankerEnsemble(boosters, best_round)


def train_ranker(
    model: Model,
    histories: list[np.ndarray],
    targets: np.ndarray,
    users: list[int],
    impressions: Impressions,
    target_strength: np.ndarray,
    target_times: np.ndarray,
) -> RankerEnsemble | None:
    """The ranker (None when there are fewer than `ranker_min_groups` groups: the hand-set
    blend is safer than a model fitted on a handful of users); fills the model's report."""
    features, labels = heldout_groups(model, histories, targets)
    more_features, more_labels = impression_groups(
        model, histories, targets, users, impressions, target_strength, target_times
    )
    features += more_features
    labels += more_labels
    groups = [len(y) for y in labels]
    model.report.ranker_groups = len(groups)
    model.report.ranker_rows = int(sum(groups))
    if len(groups) < model.config.ranker_min_groups:
        return None
    return fit_ensemble(
        np.vstack(features), np.concatenate(labels), groups, model.config, model.report
    )

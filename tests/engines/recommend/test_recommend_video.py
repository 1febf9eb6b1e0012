"""Clips in the recommender: watch events as signals, the clip features and the `watched`
source, on the synthetic video world (qiao.engines.recommend.videoworld: clip lovers and
others, clips that are watched to the end and clips that are not, likes independent of how
well a clip is watched); and a photo-only catalogue ranked exactly as before."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from recommend_world import DAY, T0, World, make_video_world, small_config

from qiao.engines.recommend import Interaction, InteractionLog, NoteInfo, Recommender, UserContext
from qiao.engines.recommend.catalogue import Catalogue
from qiao.engines.recommend.features import FEATURES, VIDEO_FEATURES, F
from qiao.engines.recommend.reasons import REASON_CODES
from qiao.engines.recommend.types import KIND_CODES
from qiao.engines.recommend.videoworld import VideoWorld, clip_ranking

VIDEO_COLUMNS = [F[f] for f in VIDEO_FEATURES]


@pytest.fixture(scope="module")
def video_world() -> tuple[VideoWorld, Recommender]:
    world = make_video_world(seed=0)
    return world, Recommender.train(world.events, world.notes, small_config())


def test_a_watch_to_the_end_counts_like_a_long_dwell_and_a_play_is_neutral() -> None:
    # the existing kinds keep their codes: a log or model built before clips reads the same
    assert KIND_CODES[:8] == (
        "impression",
        "open",
        "dwell",
        "like",
        "collect",
        "comment",
        "share",
        "hide",
    )
    assert Interaction(1, 2, "watch", 0.0, value=24.0).strength(clip_seconds=30.0) == 0.5
    assert Interaction(1, 2, "watch", 0.0, value=20.0).strength(clip_seconds=30.0) == 0.0
    # left within the first quarter: abandoned
    assert Interaction(1, 2, "watch", 0.0, value=5.0).strength(clip_seconds=30.0) == -0.25
    assert Interaction(1, 2, "watch", 0.0, value=12.0).strength() == 0.5  # length unknown
    assert Interaction(1, 2, "watch", 0.0, value=5.0).strength() == 0.0
    assert Interaction(1, 2, "play", 0.0).strength(clip_seconds=30.0) == 0.0
    log = InteractionLog.from_interactions(
        [
            Interaction(1, 2, "play", 0.0),
            Interaction(1, 2, "watch", 1.0, value=5.0),
            Interaction(1, 3, "watch", 1.0, value=5.0),
            Interaction(1, 3, "dwell", 2.0, 30.0),
        ]
    )
    assert log.strengths(np.asarray([6.0, 6.0, 60.0, 0.0], np.float32)).tolist() == [
        0.0,
        0.5,
        -0.25,
        0.5,
    ]


def test_watching_decides_whether_an_opened_clip_is_a_positive() -> None:
    """open + watched to the end: 1.0 (like a like); open + half watched: 0.5 (an open);
    open + abandoned: not a positive, unless liked; a clip watched in two sittings counts
    as its total."""
    notes = [NoteInfo(k, 10, video_seconds=30.0) for k in range(1, 6)] + [NoteInfo(9, 11)]
    events = []
    for u in range(2, 30):  # other readers, so there is a model; user 1 is the point
        events += [Interaction(u, 9, "like", 1.0), Interaction(u, 1, "open", 2.0)]
    events += [
        Interaction(1, 1, "open", 3.0),
        Interaction(1, 1, "watch", 4.0, value=29.0),
        Interaction(1, 2, "open", 5.0),
        Interaction(1, 2, "watch", 6.0, value=12.0),
        Interaction(1, 3, "open", 7.0),
        Interaction(1, 3, "watch", 8.0, value=3.0),
        Interaction(1, 4, "open", 9.0),
        Interaction(1, 4, "watch", 10.0, value=3.0),
        Interaction(1, 4, "like", 11.0),
        Interaction(1, 5, "open", 12.0),
        Interaction(1, 5, "watch", 13.0, value=3.0),
        Interaction(1, 5, "watch", 14.0, value=21.0),
    ]
    rec = Recommender.train(events, notes, replace(small_config(), neural=False, use_ranker=False))
    from qiao.engines.recommend.history import digest

    log = InteractionLog.from_interactions(events)
    items = rec.catalogue.positions(log.note_ids)
    engagement = digest(log, items, len(rec.catalogue), 20.0, 0.5, 3.0, rec.catalogue.video_seconds)
    index = rec.catalogue.index
    strengths = dict(
        zip(
            engagement.positives[1].tolist(), engagement.positive_strengths[1].tolist(), strict=True
        )
    )
    assert strengths == {index[1]: 1.0, index[2]: 0.5, index[4]: 1.25, index[5]: 1.0}
    users, done = engagement.completed
    assert users.tolist() == [1, 1] and sorted(done.tolist()) == [index[1], index[5]]


def test_completion_and_play_rate_are_shrunk_towards_the_catalogue_mean() -> None:
    catalogue = Catalogue()
    catalogue.append(
        [
            NoteInfo(1, 1, video_seconds=20.0, video_plays=1, video_completion=1.0),
            NoteInfo(2, 1, video_seconds=20.0, video_plays=200, video_completion=0.3),
            NoteInfo(3, 1, video_seconds=20.0, video_plays=200, video_completion=0.9),
            NoteInfo(4, 1),
        ]
    )
    catalogue.shows = np.asarray([2, 400, 400, 50], np.float32)
    completion, play_rate = catalogue.video_rates()
    mean = (1.0 + 200 * 0.3 + 200 * 0.9) / 401
    assert completion[0] == pytest.approx((1.0 + 10 * mean) / 11, abs=1e-5)
    assert completion[0] < completion[2] and completion[1] < completion[0]
    assert completion[3] == 0.0 and play_rate[3] == 0.0  # a photo note
    assert 0.0 < play_rate[1] <= 1.0 and play_rate[0] <= 1.0


def test_clip_lovers_get_well_watched_clips_first(
    video_world: tuple[VideoWorld, Recommender],
) -> None:
    world, rec = video_world
    assert rec.ranker is not None and len(rec.watched) > 20
    # half the clips are of each kind, and likes do not tell them apart: only watching does
    measured = clip_ranking(rec, world)
    assert measured["high_share_served"] >= 0.6
    assert measured["pair_order"] >= 0.55
    # clips go to those who watch them (a mean over 80 readers each: sd ~0.02)
    assert measured["clip_share_lovers"] >= measured["clip_share_others"] + 0.08
    assert measured["taste_share"] >= 0.6
    used = np.sum([b.feature_importance("split") for b in rec.ranker.boosters], axis=0)
    assert used[VIDEO_COLUMNS].sum() > 0


def test_the_ranker_scores_a_well_watched_clip_above_a_poorly_watched_twin(
    video_world: tuple[VideoWorld, Recommender],
) -> None:
    """The same candidate row with only the clip's completion changed: for clip lovers the
    well-watched version scores higher in most rows."""
    world, rec = video_world
    assert rec.ranker is not None
    from qiao.engines.recommend import candidates

    lovers = world.clip_lovers[:40]
    histories = [rec.history_of(UserContext(u)) for u in lovers]
    batch = candidates.generate(
        rec,
        histories,
        [UserContext(u) for u in lovers],
        None,
        T0 + 21 * DAY,
        [set() for _ in lovers],
    )
    rows = np.vstack([c.features[c.features[:, F["is_video"]] > 0] for c in batch])
    high, low = rows.copy(), rows.copy()
    high[:, F["video_completion"]] = 0.85
    low[:, F["video_completion"]] = 0.25
    better = rec.ranker.predict(high) > rec.ranker.predict(low)
    same = rec.ranker.predict(high) == rec.ranker.predict(low)
    assert better.sum() > 3 * (~better & ~same).sum()


def test_watched_source_and_reason(video_world: tuple[VideoWorld, Recommender]) -> None:
    world, rec = video_world
    assert "watched" in REASON_CODES
    reasons = []
    for uid in world.clip_lovers[:30]:
        for s in rec.recommend(UserContext(uid, now=T0 + 21 * DAY), k=20):
            if s.source == "watched" or s.reason is not None and s.reason.code == "watched":
                assert s.note_id in world.watchability  # only clips
            if s.reason is not None:
                reasons.append(s.reason.code)
    assert reasons.count("watched") >= 10
    photo_reasons = [
        s.reason.code
        for uid in world.photo_people[:30]
        for s in rec.recommend(UserContext(uid, now=T0 + 21 * DAY), k=20)
        if s.reason is not None
    ]
    assert photo_reasons.count("watched") < reasons.count("watched")


def test_clip_data_survives_save_and_load(
    video_world: tuple[VideoWorld, Recommender], tmp_path: Path
) -> None:
    world, rec = video_world
    rec.save(tmp_path / "m")
    loaded = Recommender.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.catalogue.video_completion, rec.catalogue.video_completion)
    np.testing.assert_array_equal(loaded.watched.items, rec.watched.items)
    for uid in world.clip_lovers[:5]:
        ctx = UserContext(uid, now=T0 + 21 * DAY)
        assert [s.note_id for s in loaded.rank(ctx)][:20] == [s.note_id for s in rec.rank(ctx)][:20]


def test_photo_only_catalogue_has_constant_clip_features(world: World) -> None:
    rec = world.rec
    assert len(rec.watched) == 0
    from qiao.engines.recommend import candidates

    users = list(world.tastes)[:30]
    batch = candidates.generate(
        rec,
        [rec.history_of(UserContext(u)) for u in users],
        [UserContext(u) for u in users],
        None,
        T0 + 21 * DAY,
        [set() for _ in users],
    )
    rows = np.vstack([c.features for c in batch])
    assert not rows[:, VIDEO_COLUMNS].any()
    assert not any(c.sources.tolist().count(8) for c in batch)  # no `watched` candidates
    assert rec.ranker is not None
    used = np.sum([b.feature_importance("split") for b in rec.ranker.boosters], axis=0)
    assert used[VIDEO_COLUMNS].sum() == 0
    assert FEATURES[-len(VIDEO_FEATURES) :] == VIDEO_FEATURES  # appended: old columns kept


def test_photo_only_catalogue_ranks_the_same_with_and_without_clip_signals(world: World) -> None:
    config = replace(small_config(), neural=False)
    with_clips = Recommender.train(world.events, world.notes, replace(config, video=True))
    without = Recommender.train(world.events, world.notes, replace(config, video=False))
    for uid in list(world.tastes)[:20]:
        ctx = UserContext(uid, now=T0 + 21 * DAY)
        a, b = with_clips.rank(ctx), without.rank(ctx)
        assert [(s.note_id, s.score, s.reason) for s in a] == [
            (s.note_id, s.score, s.reason) for s in b
        ]

"""A small synthetic platform: notes on five topics in two languages, users with topic tastes,
impressions and likes over 20 days. Trained once per test session."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qiao.engines.recommend import Interaction, NoteInfo, Recommender, RecommenderConfig
from qiao.engines.recommend.videoworld import make_video_world

TOPICS = ["cat", "food", "travel", "fashion", "tech"]
WORDS = {
    "cat": "kitten meow whiskers purr",
    "food": "noodles dumplings recipe spicy",
    "travel": "mountain beach hotel train",
    "fashion": "dress outfit sneakers style",
    "tech": "laptop phone code gadget",
}
DAY = 86400.0
T0 = 1_700_000_000.0


@dataclass
class World:
    notes: list[NoteInfo]
    events: list[Interaction]
    tastes: dict[int, list[str]]
    topic_of: dict[int, str]
    author_of: dict[int, int]
    rec: Recommender
    cat_user: int


def make_world(seed: int = 0, n_notes: int = 500, n_users: int = 120) -> World:
    rng = np.random.default_rng(seed)
    notes: list[NoteInfo] = []
    topic_of: dict[int, str] = {}
    author_of: dict[int, int] = {}
    for j in range(n_notes):
        t = TOPICS[j % len(TOPICS)]
        author = 1000 + int(rng.integers(0, 40))
        lang = "zh" if rng.random() < 0.6 else "en"
        nid = 10_000 + j
        notes.append(
            NoteInfo(
                nid,
                author,
                topics=[t],
                language=lang,
                created_ts=T0 + float(rng.uniform(0, 20)) * DAY,
                text=f"{t} " + " ".join(rng.choice(WORDS[t].split(), 3)),
            )
        )
        topic_of[nid] = t
        author_of[nid] = author
    by_topic = {t: [x.note_id for x in notes if topic_of[x.note_id] == t] for t in TOPICS}
    events: list[Interaction] = []
    tastes: dict[int, list[str]] = {}
    all_ids = [x.note_id for x in notes]
    for u in range(n_users):
        uid = u + 1
        liked = list(rng.choice(TOPICS, size=1 if u % 2 else 2, replace=False))
        if uid == 1:
            liked = ["cat"]
        tastes[uid] = liked
        for day in range(20):
            ts = T0 + day * DAY + float(rng.uniform(0, 3600))
            shown = rng.choice(all_ids, size=8, replace=False)
            for k, nid in enumerate(shown.tolist()):
                t = ts + k
                events.append(Interaction(uid, nid, "impression", t))
                if topic_of[nid] in liked and rng.random() < 0.7:
                    events.append(Interaction(uid, nid, "like", t + 1))
                elif topic_of[nid] not in liked and rng.random() < 0.05:
                    events.append(Interaction(uid, nid, "hide", t + 1))
            # organic positives (search, profile visits)
            fav = by_topic[str(rng.choice(liked))]
            nid = int(rng.choice(fav))
            events.append(Interaction(uid, nid, "open", ts + 100))
            events.append(Interaction(uid, nid, "dwell", ts + 130, value=30.0))
    cfg = small_config()
    rec = Recommender.train(events, notes, cfg)
    return World(notes, events, tastes, topic_of, author_of, rec, 1)


def small_config() -> RecommenderConfig:
    return RecommenderConfig(
        quota_collab=60,
        quota_coengage=60,
        quota_sequence=40,
        quota_content=40,
        ranker_rounds=60,
        tune_max_users=200,
        ranker_max_users=400,
        neural_dim=32,
        neural_max_epochs=8,  # a few seconds: these tests are about serving
    )


# the world with clips lives in the engine (the benchmark measures on it too)
__all__ = ["DAY", "T0", "TOPICS", "World", "make_video_world", "make_world", "small_config"]

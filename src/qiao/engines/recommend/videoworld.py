"""A synthetic platform with clips, to measure what the engine does with them (tests and
``bench.run_video_benchmark``).

40% of notes are clips, each with a hidden watchability: the share of it a reader who starts
it watches (high ~0.85 or low ~0.25, half each, noise sd 0.1). Clip lovers (odd user ids)
open clips of their topics often (0.8 a shown clip) and like them no more than photos; the
others rarely start clips (0.08). Likes never depend on watchability: only the `watch` events
(and the per-clip completion the platform computes from them, as ``feed.store`` does) tell
well-watched clips from the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine import Recommender
from .types import Interaction, NoteInfo, UserContext

DAY = 86400.0
T0 = 1_700_000_000.0
TOPICS = ["cat", "food", "travel", "fashion", "tech"]
WORDS = {
    "cat": "kitten meow whiskers purr",
    "food": "noodles dumplings recipe spicy",
    "travel": "mountain beach hotel train",
    "fashion": "dress outfit sneakers style",
    "tech": "laptop phone code gadget",
}


@dataclass
class VideoWorld:
    """The notes and log of the world, and its hidden truth."""

    notes: list[NoteInfo]
    events: list[Interaction]
    tastes: dict[int, list[str]]
    topic_of: dict[int, str]
    watchability: dict[int, float]  # clip note id -> mean share watched
    clip_lovers: list[int]
    photo_people: list[int]


def make_video_world(
    seed: int = 0, n_notes: int = 400, n_users: int = 160, days: int = 20
) -> VideoWorld:
    """Ten random notes shown to every user a day for `days` days, with their outcomes."""
    rng = np.random.default_rng(seed)
    drafts: list[tuple[int, int, str, str, float, str]] = []
    topic_of: dict[int, str] = {}
    seconds: dict[int, float] = {}
    watchability: dict[int, float] = {}
    for j in range(n_notes):
        t = TOPICS[j % len(TOPICS)]
        nid = 20_000 + j
        topic_of[nid] = t
        drafts.append(
            (
                nid,
                1000 + int(rng.integers(0, 40)),
                t,
                "zh" if rng.random() < 0.6 else "en",
                T0 + float(rng.uniform(0, days)) * DAY,
                f"{t} " + " ".join(rng.choice(WORDS[t].split(), 3)),
            )
        )
        if rng.random() < 0.4:
            seconds[nid] = float(rng.uniform(8, 90))
            watchability[nid] = 0.85 if rng.random() < 0.5 else 0.25
    all_ids = [d[0] for d in drafts]
    events: list[Interaction] = []
    tastes: dict[int, list[str]] = {}
    plays: dict[int, int] = {}
    watched: dict[int, float] = {}
    for u in range(n_users):
        uid = u + 1
        loves_clips = uid % 2 == 1
        liked = list(rng.choice(TOPICS, size=1 if u % 3 else 2, replace=False))
        tastes[uid] = liked
        for day in range(days):
            ts = T0 + day * DAY + float(rng.uniform(0, 3600))
            for k, nid in enumerate(rng.choice(all_ids, size=10, replace=False).tolist()):
                at = ts + 10 * k
                events.append(Interaction(uid, nid, "impression", at))
                in_taste = topic_of[nid] in liked
                if nid in seconds:
                    p_open = (0.8 if in_taste else 0.1) if loves_clips else 0.08
                    if rng.random() < p_open:
                        events.append(Interaction(uid, nid, "open", at + 1))
                        events.append(Interaction(uid, nid, "play", at + 2))
                        share = float(np.clip(watchability[nid] + rng.normal(0, 0.1), 0.02, 1))
                        watch = round(share * seconds[nid], 1)
                        events.append(Interaction(uid, nid, "watch", at + 3, value=watch))
                        plays[nid] = plays.get(nid, 0) + 1
                        watched[nid] = watched.get(nid, 0.0) + watch
                        if in_taste and rng.random() < 0.4:
                            events.append(Interaction(uid, nid, "like", at + 4))
                elif in_taste and rng.random() < (0.35 if loves_clips else 0.6):
                    events.append(Interaction(uid, nid, "like", at + 1))
                elif not in_taste and rng.random() < 0.04:
                    events.append(Interaction(uid, nid, "hide", at + 1))
    notes = [
        NoteInfo(
            nid,
            author,
            topics=[t],
            language=lang,
            created_ts=created,
            text=text,
            video_seconds=seconds.get(nid, 0.0),
            video_plays=plays.get(nid, 0),
            # as the platform computes it (feed.store.video_features)
            video_completion=(
                min(1.0, watched[nid] / plays[nid] / seconds[nid]) if plays.get(nid) else 0.0
            ),
        )
        for nid, author, t, lang, created, text in drafts
    ]
    return VideoWorld(
        notes,
        events,
        tastes,
        topic_of,
        watchability,
        [u for u in tastes if u % 2 == 1],
        [u for u in tastes if u % 2 == 0],
    )


def clip_ranking(
    rec: Recommender, world: VideoWorld, now: float | None = None, page: int = 20
) -> dict[str, float]:
    """What the engine serves in the video world, from each user's ranked list:

    - ``watch_share_served``: mean watchability of the clips on clip lovers' first pages
      (what share of those clips they would watch);
    - ``high_share_served``: share of those clips that are the well-watched kind;
    - ``pair_order``: over clip lovers' whole ranked lists, the share of (well-watched,
      poorly-watched) pairs of clips of their topics ranked well-watched first (0.5: blind);
    - ``clip_share_lovers`` / ``clip_share_others``: share of clips on the first pages;
    - ``taste_share``: share of first-page notes of the user's topics (everyone)."""
    now = now if now is not None else T0 + 21 * DAY
    served_w: list[float] = []
    pairs: list[float] = []
    clip_share: dict[bool, list[float]] = {True: [], False: []}
    taste: list[float] = []
    for uid, liked in world.tastes.items():
        ids = [s.note_id for s in rec.rank(UserContext(uid, now=now))]
        lover = uid % 2 == 1
        first = ids[:page]
        clip_share[lover].append(float(np.mean([i in world.watchability for i in first])))
        taste.append(float(np.mean([world.topic_of[i] in liked for i in first])))
        if not lover:
            continue
        served_w.extend(world.watchability[i] for i in first if i in world.watchability)
        ranked = [
            (pos, world.watchability[i])
            for pos, i in enumerate(ids)
            if i in world.watchability and world.topic_of[i] in liked
        ]
        high = [p for p, w in ranked if w > 0.5]
        low = [p for p, w in ranked if w < 0.5]
        if high and low:
            pairs.append(float(np.mean([[a < b for b in low] for a in high])))
    return {
        "watch_share_served": float(np.mean(served_w)) if served_w else float("nan"),
        "high_share_served": float(np.mean([w > 0.5 for w in served_w]))
        if served_w
        else float("nan"),
        "pair_order": float(np.mean(pairs)) if pairs else float("nan"),
        "clip_share_lovers": float(np.mean(clip_share[True])),
        "clip_share_others": float(np.mean(clip_share[False])),
        "taste_share": float(np.mean(taste)),
    }

"""Simulated-users evaluation: a small platform whose users have hidden topic tastes.

Each simulated day every active user opens the "For you" tab, reads two pages of 20 (the
second page after the first page's likes were sent back as session positives), likes what
matches their hidden taste (with noise), sometimes hides what does not, and authors post new
notes. The engine retrains every night on the whole log. Reported per day:

- ``precision``: mean hidden-taste match of the served notes (the chance the user likes a
  note, averaged over served notes); ``precision_popular`` / ``precision_random`` are the
  same users served the global trending list / a random page, as references;
- ``session_lift``: precision of page 2 as served (re-ranked with page 1's likes) minus the
  precision of the same cursor's page 2 without them (the session update at work);
- ``topics_per_page`` / ``authors_per_page``: diversity of a page of 20;
- ``cold_precision``: precision of the first page of users who joined that day with only
  their onboarding interests (vs ``cold_precision_popular``);
- ``new_note_exposure``: share of the day's new notes shown to at least one user;
- ``language_share``: per language-mix setting (users are given the settings in
  ``language_mixes`` in turn; None = the site default), the realised share of first-page
  notes in the user's main language and the share of pages within ±5 points of the setting.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import Recommender
from .types import Interaction, NoteInfo, RecommenderConfig, UserContext

DAY = 86400.0
T0 = 1_750_000_000.0
TOPICS = ["cat", "dog", "food", "travel", "fashion", "beauty", "tech", "fitness"]
VOCAB = {t: [f"{t}{k}" for k in range(12)] for t in TOPICS}


@dataclass
class SimUser:
    uid: int
    taste: np.ndarray  # probability of liking a note of each topic
    languages: list[str]
    interests: list[str]
    joined: int
    language_mix: float | None = None


def _make_note(
    rng: np.random.Generator, nid: int, author: int, atopics: list[int], alang: str, ts: float
) -> tuple[NoteInfo, int, float]:
    t = int(rng.choice(atopics))
    quality = float(rng.beta(4, 3))
    words = " ".join(rng.choice(VOCAB[TOPICS[t]], 4))
    return (
        NoteInfo(nid, author, topics=[TOPICS[t]], language=alang, created_ts=ts, text=words),
        t,
        quality,
    )


def run_simulation(
    n_users: int = 200,
    n_days: int = 5,
    n_authors: int = 80,
    seed: int = 0,
    config: RecommenderConfig | None = None,
    out: Callable[[str], None] = print,
    n_initial_notes: int = 1500,
    new_notes_per_day: int = 80,
    language_mixes: tuple[float | None, ...] = (None,),
) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    cfg = config or RecommenderConfig(
        tune_max_users=500, ranker_max_users=1000, ranker_rounds=100, neural_time_budget_s=60.0
    )
    author_topics = [
        list(rng.choice(len(TOPICS), size=int(rng.integers(1, 3)), replace=False))
        for _ in range(n_authors)
    ]
    author_lang = ["zh" if rng.random() < 0.6 else "en" for _ in range(n_authors)]
    notes: list[NoteInfo] = []
    topic_of: dict[int, int] = {}
    quality: dict[int, float] = {}
    author_of: dict[int, int] = {}
    language_of: dict[int, str | None] = {}
    nid = 1
    for _ in range(n_initial_notes):  # two weeks of history before day 0
        a = int(rng.integers(n_authors))
        n, t, q = _make_note(
            rng, nid, a, author_topics[a], author_lang[a], T0 - float(rng.uniform(0, 14)) * DAY
        )
        notes.append(n)
        topic_of[nid], quality[nid] = t, q
        author_of[nid] = a
        language_of[nid] = n.language
        nid += 1

    def new_user(uid: int, day: int) -> SimUser:
        k = int(rng.integers(1, 4))
        fav = rng.choice(len(TOPICS), size=k, replace=False)
        taste = np.full(len(TOPICS), 0.04)
        taste[fav] = rng.uniform(0.5, 0.9, size=k)
        langs = ["zh", "en"] if rng.random() < 0.4 else [str(rng.choice(["zh", "en"]))]
        # onboarding: the user names most of their favourite topics
        named = [TOPICS[int(t)] for t in fav if rng.random() < 0.8] or [TOPICS[int(fav[0])]]
        return SimUser(uid, taste, langs, named, day, language_mixes[uid % len(language_mixes)])

    users = [new_user(u + 1, 0) for u in range(n_users)]
    events: list[Interaction] = []
    seen: dict[int, set[int]] = {}
    rows: list[dict[str, Any]] = []

    def p_like(u: SimUser, note_id: int) -> float:
        return float(u.taste[topic_of[note_id]] * (0.6 + 0.4 * quality[note_id]))

    rec = Recommender.train(events, notes, cfg)
    for day in range(n_days):
        now = T0 + day * DAY
        todays: list[NoteInfo] = []
        for _ in range(new_notes_per_day):
            a = int(rng.integers(n_authors))
            n, t, q = _make_note(
                rng, nid, a, author_topics[a], author_lang[a], now + float(rng.uniform(0, 3600))
            )
            todays.append(n)
            topic_of[nid], quality[nid] = t, q
            author_of[nid] = a
            language_of[nid] = n.language
            nid += 1
        notes.extend(todays)
        rec.add_notes(todays)
        now += 3600.0
        if day > 0:
            joiners = [new_user(len(users) + k + 1, day) for k in range(n_users // 10)]
            users.extend(joiners)
        today_ids = {n.note_id for n in todays}
        shown_new: set[int] = set()
        prec1: list[float] = []
        prec2: list[float] = []
        prec2_static: list[float] = []
        pop_prec: list[float] = []
        rnd_prec: list[float] = []
        cold: list[float] = []
        cold_pop: list[float] = []
        topics_pp: list[int] = []
        shares: dict[str, list[float]] = {}
        authors_pp: list[int] = []
        trending = [s.note_id for s in rec.recommend(UserContext(-1, now=now), k=200)]
        all_ids = np.asarray([n.note_id for n in notes])
        for u in users:
            ctx = UserContext(
                u.uid,
                interests=u.interests,
                languages=u.languages,
                seen=set(seen.get(u.uid, set())),
                now=now,
                language_mix=u.language_mix,
            )
            page = rec.recommend_page(ctx, None, 20)
            ids = [s.note_id for s in page.items]
            if ids:
                main = sum(language_of[x] == u.languages[0] for x in ids)
                shares.setdefault(str(u.language_mix), []).append(main / len(ids))
            pos: list[int] = []
            for k, x in enumerate(ids):
                ts = now + k
                events.append(Interaction(u.uid, x, "impression", ts))
                if rng.random() < p_like(u, x):
                    events.append(Interaction(u.uid, x, "like", ts + 1))
                    pos.append(x)
                elif u.taste[topic_of[x]] < 0.1 and rng.random() < 0.05:
                    events.append(Interaction(u.uid, x, "hide", ts + 1))
            p1 = float(np.mean([p_like(u, x) for x in ids])) if ids else 0.0
            if u.joined == day and day > 0:
                cold.append(p1)
                unseen = [x for x in trending if x not in ctx.seen][:20]
                cold_pop.append(float(np.mean([p_like(u, x) for x in unseen])))
            seen.setdefault(u.uid, set()).update(ids)
            ctx.seen = set(seen[u.uid])
            # counterfactual: the same list's next page without the session update
            still = rec.recommend_page(ctx, page.next_cursor, 20)
            if still.items:
                prec2_static.append(float(np.mean([p_like(u, s.note_id) for s in still.items])))
            ctx.recent_positive_note_ids = pos
            page2 = rec.recommend_page(ctx, page.next_cursor, 20)
            ids2 = [s.note_id for s in page2.items]
            for k, x in enumerate(ids2):
                ts = now + 60 + k
                events.append(Interaction(u.uid, x, "impression", ts))
                if rng.random() < p_like(u, x):
                    events.append(Interaction(u.uid, x, "like", ts + 1))
            seen[u.uid].update(ids2)
            shown_new.update((set(ids) | set(ids2)) & today_ids)
            prec1.append(p1)
            if ids2:
                prec2.append(float(np.mean([p_like(u, x) for x in ids2])))
            topics_pp.append(len({topic_of[x] for x in ids}))
            authors_pp.append(len({author_of[x] for x in ids}))
            unseen_pop = [x for x in trending if x not in ctx.seen][:20]
            pop_prec.append(float(np.mean([p_like(u, x) for x in unseen_pop])))
            rnd = rng.choice(all_ids, size=20, replace=False)
            rnd_prec.append(float(np.mean([p_like(u, int(x)) for x in rnd])))
        row = {
            "simulation": "hidden-taste users",
            "day": day,
            "users": len(users),
            "precision": round(float(np.mean(prec1)), 4),
            "precision_popular": round(float(np.mean(pop_prec)), 4),
            "precision_random": round(float(np.mean(rnd_prec)), 4),
            "precision_page2": round(float(np.mean(prec2)), 4) if prec2 else None,
            "session_lift": round(float(np.mean(prec2) - np.mean(prec2_static)), 4)
            if prec2 and prec2_static
            else None,
            "topics_per_page": round(float(np.mean(topics_pp)), 2),
            "authors_per_page": round(float(np.mean(authors_pp)), 2),
            "cold_precision": round(float(np.mean(cold)), 4) if cold else None,
            "cold_precision_popular": round(float(np.mean(cold_pop)), 4) if cold_pop else None,
            "new_note_exposure": round(len(shown_new) / max(1, len(today_ids)), 3),
            "language_share": {
                setting: {
                    "mean": round(float(np.mean(v)), 4),
                    "within_5_points": round(
                        float(np.mean([abs(x - float(setting)) <= 0.05 + 1e-9 for x in v])), 3
                    )
                    if setting != "None"
                    else None,
                    "pages": len(v),
                }
                for setting, v in sorted(shares.items())
            },
            "ranker": rec.ranker is not None,
        }
        rows.append(row)
        out(json.dumps(row))
        rec = Recommender.train(events, notes, cfg)  # nightly retrain
    return rows

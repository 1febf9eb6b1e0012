"""Re-ranking: from the ranker's scores to the list that is served.

Greedy: at each position, the best remaining note whose author has fewer than
``max_per_author_in_10`` notes among the previous 9 (hard) and whose first topic has fewer
than ``max_per_topic_in_10`` (soft: used only when nothing else fits), preferring a fresh
note / a note in the user's other reading language while their shares are below target.
Exploration slots go to fresh-source notes with fewer than ``exploration_max_exposure``
impressions and positives: notes an audience has not judged yet.
"""

from __future__ import annotations

import numpy as np

from .catalogue import Catalogue
from .features import SOURCE_CODE, SOURCES
from .types import RecommenderConfig, ScoredNote, UserContext

LOOKAHEAD = 200  # how far down the remaining list a position looks for a wanted note


def rerank(catalogue: Catalogue, items: np.ndarray, sources: np.ndarray, scores: np.ndarray,
           ctx: UserContext, cfg: RecommenderConfig) -> list[ScoredNote]:
    order = np.argsort(-scores, kind="stable")
    ranked = items[order].tolist()
    authors = catalogue.authors[items[order]].tolist()
    ranked_sources = sources[order].tolist()
    ranked_scores = scores[order].tolist()
    topics = [catalogue.topics[j][0] if catalogue.topics[j] else None for j in ranked]
    other_languages = set(ctx.languages[1:])
    is_other = [bool(other_languages) and catalogue.languages[j] in other_languages
                for j in ranked]
    # exploration: fresh-source notes that have not been judged by an audience yet
    exposure = catalogue.shows[items[order]] + catalogue.popularity[items[order]]
    is_fresh = [s == SOURCE_CODE["fresh"] and e < cfg.exploration_max_exposure
                for s, e in zip(ranked_sources, exposure.tolist(), strict=True)]
    other_left = sum(is_other)
    fresh_left = sum(is_fresh)
    remaining = list(range(len(ranked)))
    out: list[ScoredNote] = []
    recent_authors: list[int] = []  # of the last 9 served
    recent_topics: list[str | None] = []
    n_other = 0
    n_fresh = 0
    limit = min(cfg.ranked_list_len, len(remaining))
    author_cap, topic_cap = cfg.max_per_author_in_10, cfg.max_per_topic_in_10
    while remaining and len(out) < limit:
        position = len(out)
        want_other = (other_left > 0
                      and n_other < cfg.cross_language_share * (position + 1) - 0.5)
        want_fresh = (fresh_left > 0
                      and n_fresh < cfg.exploration_share * (position + 1) - 0.5)
        pick = -1
        fallback = -1  # the best note that breaks only the (soft) topic cap
        for at, i in enumerate(remaining):
            author = authors[i]
            if author >= 0 and recent_authors.count(author) >= author_cap:
                continue
            topic = topics[i]
            if topic is not None and recent_topics.count(topic) >= topic_cap:
                if fallback < 0:
                    fallback = at
                continue
            if fallback < 0:
                fallback = at
            if ((want_fresh and is_fresh[i]) or (want_other and is_other[i])
                    or (not want_fresh and not want_other)):
                pick = at
                break
            if at > LOOKAHEAD:
                break
        if pick < 0:
            pick = fallback
        if pick < 0:  # only authors at their cap remain
            break
        i = remaining.pop(pick)
        out.append(ScoredNote(int(catalogue.note_ids[ranked[i]]), float(ranked_scores[i]),
                              SOURCES[ranked_sources[i]]))
        recent_authors.append(authors[i])
        recent_topics.append(topics[i])
        if len(recent_authors) > 9:
            recent_authors.pop(0)
            recent_topics.pop(0)
        if is_other[i]:
            n_other += 1
            other_left -= 1
        if is_fresh[i]:
            n_fresh += 1
            fresh_left -= 1
    return out

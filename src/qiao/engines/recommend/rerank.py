"""Re-ranking: from the ranker's scores to the list that is served.

Greedy: at each position, the best remaining note whose author has fewer than
``max_per_author_in_10`` notes among the previous 9 (hard) and whose first topic has fewer
than ``max_per_topic_in_10`` (soft: used only when nothing else fits), preferring a fresh
note / a note of the wanted language while their shares are below target.

Exploration slots (``exploration_share``) go to notes of the last ``fresh_days`` with fewer
than ``exploration_max_exposure`` impressions and positives: notes an audience has not
judged yet, whichever source proposed them.

Languages, two modes:

- the member's **language mix** (``UserContext.language_mix`` = s, the share of notes in
  their main language, ``languages[0]``, among served notes whose language is known; 0.5
  to 1.0): a two-sided quota. Every prefix of the list keeps the main-language count within
  half a note of s times the known-language count (and the other languages within half a
  note of 1 - s) while notes of the needed kind remain, so every page meets the setting;
- without it, the site default ``cross_language_share``: at least that share of notes in
  the reader's other reading languages (for readers of two or more), no upper bound.
"""

from __future__ import annotations

import numpy as np

from .catalogue import Catalogue
from .types import RecommenderConfig, UserContext

LOOKAHEAD = 200  # how far down the remaining list a position looks for a wanted note
MIN_LANGUAGE_MIX = 0.5


class LanguageQuota:
    """Which language kinds the next position may and should take (see module docstring).

    Kinds: 1 = the main language, -1 = another known language, 0 = unknown (always fits)."""

    def __init__(self, ctx: UserContext, cfg: RecommenderConfig, kinds: list[int]) -> None:
        self.mix = (
            None
            if ctx.language_mix is None or not ctx.languages
            else float(np.clip(ctx.language_mix, MIN_LANGUAGE_MIX, 1.0))
        )
        self.cross_share = cfg.cross_language_share
        self.left = {1: kinds.count(1), -1: kinds.count(-1)}
        self.served = {1: 0, -1: 0}

    def wanted(self, position: int) -> int | None:
        """The kind this position should prefer, if any."""
        if self.mix is None:
            return (
                -1
                if (self.left[-1] > 0 and self.served[-1] < self.cross_share * (position + 1) - 0.5)
                else None
            )
        known = self.served[1] + self.served[-1] + 1
        if self.left[-1] > 0 and self.served[-1] < (1.0 - self.mix) * known - 0.5:
            return -1
        if self.left[1] > 0 and self.served[1] < self.mix * known - 0.5:
            return 1
        return None

    def allowed(self, kind: int) -> bool:
        """False when taking `kind` now would overshoot its share (while the other kind
        still has notes to offer)."""
        if self.mix is None or kind == 0:
            return True
        share = self.mix if kind == 1 else 1.0 - self.mix
        known = self.served[1] + self.served[-1] + 1
        return self.served[kind] + 1 <= share * known + 0.5 or self.left[-kind] == 0

    def take(self, kind: int) -> None:
        if kind != 0:
            self.served[kind] += 1
            self.left[kind] -= 1


def unjudged_fresh(
    catalogue: Catalogue, items: np.ndarray, now: float, cfg: RecommenderConfig
) -> np.ndarray:
    """Which notes are exploration material: recent, and barely shown or engaged with."""
    exposure = catalogue.shows[items] + catalogue.popularity[items]
    return np.asarray(
        (catalogue.created[items] >= now - cfg.fresh_days * 86400.0)
        & (exposure < cfg.exploration_max_exposure)
    )


def language_kinds(
    catalogue: Catalogue, items: list[int], ctx: UserContext, mix: bool
) -> list[int]:
    if not ctx.languages:
        return [0] * len(items)
    main = ctx.languages[0]
    others = set(ctx.languages[1:])
    out = []
    for j in items:
        language = catalogue.languages[j]
        if language is None:
            out.append(0)
        elif language == main:
            out.append(1)
        elif mix or language in others:  # the default counts reading languages only
            out.append(-1)
        else:
            out.append(0)
    return out


def rerank(
    catalogue: Catalogue,
    items: np.ndarray,
    scores: np.ndarray,
    ctx: UserContext,
    now: float,
    cfg: RecommenderConfig,
) -> list[int]:
    """The served order: positions into the candidate arrays."""
    order = np.argsort(-scores, kind="stable")
    ranked = items[order].tolist()
    authors = catalogue.authors[items[order]].tolist()
    topics = [catalogue.topics[j][0] if catalogue.topics[j] else None for j in ranked]
    kinds = language_kinds(catalogue, ranked, ctx, ctx.language_mix is not None)
    quota = LanguageQuota(ctx, cfg, kinds)
    is_fresh = unjudged_fresh(catalogue, items[order], now, cfg).tolist()
    fresh_left = sum(is_fresh)
    remaining = list(range(len(ranked)))
    out: list[int] = []
    recent_authors: list[int] = []  # of the last 9 served
    recent_topics: list[str | None] = []
    n_fresh = 0
    limit = min(cfg.ranked_list_len, len(remaining))
    author_cap, topic_cap = cfg.max_per_author_in_10, cfg.max_per_topic_in_10
    while remaining and len(out) < limit:
        position = len(out)
        want_kind = quota.wanted(position)
        want_fresh = fresh_left > 0 and n_fresh < cfg.exploration_share * (position + 1) - 0.5
        pick = -1
        fallback = -1  # the best note that breaks only the (soft) topic cap
        for at, i in enumerate(remaining):
            author = authors[i]
            if author >= 0 and recent_authors.count(author) >= author_cap:
                continue
            if not quota.allowed(kinds[i]):
                continue
            topic = topics[i]
            if topic is not None and recent_topics.count(topic) >= topic_cap:
                if fallback < 0:
                    fallback = at
                continue
            if fallback < 0:
                fallback = at
            if (
                (want_fresh and is_fresh[i])
                or (want_kind is not None and kinds[i] == want_kind)
                or (not want_fresh and want_kind is None)
            ):
                pick = at
                break
            if at > LOOKAHEAD:
                break
        if pick < 0:
            pick = fallback
        if pick < 0:  # only authors at their cap (or an overshooting language) remain
            break
        i = remaining.pop(pick)
        out.append(int(order[i]))
        recent_authors.append(authors[i])
        recent_topics.append(topics[i])
        if len(recent_authors) > 9:
            recent_authors.pop(0)
            recent_topics.pop(0)
        quota.take(kinds[i])
        if is_fresh[i]:
            n_fresh += 1
            fresh_left -= 1
    return out

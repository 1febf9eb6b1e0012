"""Why a note is in the feed: a reason code and the data to render it (the platform writes
the sentence in the reader's UI language).

| code | data | the platform might say |
|---|---|---|
| ``liked_similar`` | ``note_id``: the positive it is closest to | Because you liked ‹note› |
| ``followed_author`` | ``author_id`` | From ‹author›, whom you follow |
| ``popular_in_language`` | ``language`` (None: popular overall) | Popular in 中文 this week |
| ``new_creator`` | ``author_id`` | New from a creator you might like |
| ``interest_topic`` | ``topic``: the onboarding interest it matches | Because you follow #topic |
| ``watched`` | none (the note is a clip) | Watched to the end by people with tastes like yours |

``REASON_CODES`` below is the one list of codes; the platform writes a sentence for each.

How: a followed author always says so; exploration material (a fresh note no audience has
judged yet, see rerank.py) is there because it is new. Otherwise, for the first
``reason_depth`` notes of a list the ranker decides, by occlusion: each family of features
is set to its median over the list, and the family whose removal lowers the note's score
most gives the reason — what lifts this note above the others in this list. Families:
similarity to the reader's history (the co-engagement, sequence, neural, collaborative and
content scores, author affinity), popularity (popularity, trend, likes), freshness (age,
the fresh source), onboarding interests (topic overlap), clips (``features.VIDEO_FEATURES``;
it gives ``watched`` when readers with similar tastes watched the clip to the end, i.e.
``s_watched`` > 0, else falls through to the next reason). LightGBM's TreeSHAP answers a
different question (what lifts it above the average training candidate), picked the same
family for 30% of notes on the test world, and cost 1.2 ms a note against 0.1 ms. Deeper
notes (and lists without a ranker) take the family of the source that proposed them. For
``liked_similar`` the anchor is the positive among the reader's newest 50 with the
strongest co-engagement or transition link to the note (recency-weighted), else the
closest collaborative vector, else content.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import FEATURES, SOURCES, VIDEO_FEATURES, F
from .models import recency_weights
from .rerank import unjudged_fresh
from .trained import Model
from .types import Reason, UserContext

REASON_CODES = (
    "liked_similar",
    "followed_author",
    "popular_in_language",
    "new_creator",
    "interest_topic",
    "watched",
)
FAMILIES: dict[str, tuple[str, ...]] = {
    "similar": (
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
        "author_affinity",
    ),
    "popular": ("log_pop", "trend", "log_likes"),
    "fresh": ("log_age_days", "src_fresh"),
    "interest": ("topic_overlap",),
    "video": VIDEO_FEATURES,
}
SOURCE_FAMILY = {
    "coengage": "similar",
    "sequence": "similar",
    "neural": "similar",
    "collab": "similar",
    "content": "similar",
    "follow": "follow",
    "fresh": "fresh",
    "trending": "popular",
    "watched": "video",
}
ANCHOR_HISTORY = 50


@dataclass
class Served:
    """One user's served notes, by candidate row."""

    items: np.ndarray  # internal note indices, in served order
    sources: np.ndarray  # source codes
    features: np.ndarray  # their feature rows


def families_from_effects(effects: np.ndarray) -> list[str]:
    """The feature family that raises the score most, per row ("" when none does)."""
    names = list(FAMILIES)
    best = effects.argmax(axis=1)
    return [names[b] if effects[r, b] > 0 else "" for r, b in enumerate(best)]


def explain(
    model: Model, ctx: UserContext, history: np.ndarray, served: Served, now: float
) -> list[Reason]:
    catalogue = model.catalogue
    n = len(served.items)
    families = [SOURCE_FAMILY[SOURCES[s]] for s in served.sources.tolist()]
    depth = min(n, model.config.reason_depth)
    if model.ranker is not None and len(history) and depth:
        contributed = families_from_effects(
            model.ranker.group_effects(
                served.features[:depth], [[F[f] for f in FAMILIES[k]] for k in FAMILIES]
            )
        )
        families[:depth] = [c or f for c, f in zip(contributed, families[:depth], strict=True)]
    interests = [t.lower().lstrip("#") for t in ctx.interests]
    similar = [r for r, f in enumerate(families) if f == "similar"]
    anchors = (
        {
            similar[k]: note
            for k, note in anchor_notes(model, history, served.items[similar]).items()
        }
        if len(history)
        else {}
    )
    exploring = unjudged_fresh(catalogue, served.items, now, model.config)
    out: list[Reason] = []
    for r in range(n):
        j = int(served.items[r])
        author = int(catalogue.authors[j])
        family = families[r]
        topics = catalogue.topics[j]
        if served.features[r, F["follows_author"]] > 0:
            out.append(Reason("followed_author", author_id=author))
        elif exploring[r]:
            out.append(Reason("new_creator", author_id=author))
        elif family == "similar" and r in anchors:
            out.append(Reason("liked_similar", note_id=anchors[r]))
        elif family == "fresh":
            out.append(Reason("new_creator", author_id=author))
        elif family == "video" and served.features[r, F["s_watched"]] > 0:
            out.append(Reason("watched"))
        elif family in ("interest", "similar") and set(interests) & set(topics):
            topic = next(t for t in interests if t in topics)
            out.append(Reason("interest_topic", topic=topic))
        else:
            out.append(Reason("popular_in_language", language=catalogue.languages[j]))
    return out


def anchor_notes(model: Model, history: np.ndarray, items: np.ndarray) -> dict[int, int]:
    """Position in `items` -> the note id of the history positive it is most linked to
    (positions with no link at all are left out)."""
    collab = model.collab
    assert collab is not None
    if len(items) == 0 or len(history) == 0:
        return {}
    recent = history[-ANCHOR_HISTORY:].astype(np.int64)
    weights = recency_weights(len(recent), 10.0, floor=0.05)[:, None]
    n_trained = collab.coengagement.shape[0]
    trained = recent < n_trained
    link = np.zeros((len(recent), len(items)), dtype=np.float32)
    item_trained = items < n_trained
    if trained.any() and item_trained.any():
        rows = recent[trained]
        cols = items[item_trained]
        block = (
            collab.coengagement[rows][:, cols].toarray()
            + collab.transitions.t[rows][:, cols].toarray()
        )
        link[np.ix_(np.flatnonzero(trained), np.flatnonzero(item_trained))] = block
    link *= weights
    vectors = collab.item_vectors
    embed = vectors[recent] @ vectors[items].T
    norms = (
        np.linalg.norm(vectors[recent], axis=1)[:, None]
        * np.linalg.norm(vectors[items], axis=1)[None, :]
        + 1e-9
    )
    embed = embed / norms * weights
    content = (model.content_matrix[recent] @ model.content_matrix[items].T).toarray() * weights
    out: dict[int, int] = {}
    note_ids = model.catalogue.note_ids
    for k in range(len(items)):
        for evidence in (link[:, k], embed[:, k], content[:, k]):
            best = int(np.argmax(evidence))
            if evidence[best] > 0:
                out[k] = int(note_ids[recent[best]])
                break
    return out


__all__ = ["FEATURES", "REASON_CODES", "Reason", "Served", "anchor_notes", "explain"]

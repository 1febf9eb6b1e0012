"""The "For you" recommender engine (plain Python: NumPy/SciPy/LightGBM/hnswlib, no Django).

Interface for the platform adapter::

    from qiao.engines.recommend import (
        Interaction, NoteInfo, UserContext, ScoredNote, FeedPage,
        Recommender, RecommenderConfig, TrainReport, ModelRegistry,
    )

    # offline (``qiao train``): feed the engagement log and the visible notes
    rec = Recommender.train(interactions, notes, RecommenderConfig(), progress=cb)
    #   interactions: Iterable[Interaction(user_id, note_id, kind, ts, value=0.0)], or for
    #     big logs an InteractionLog (columns; InteractionLog.from_chunks(rows) streams rows)
    #     kind in {"impression","open","dwell","like","collect","comment","share","hide"};
    #     "dwell" uses value = seconds; "impression" rows with their outcomes train the ranker
    #   notes: Iterable[NoteInfo(note_id, author_id, topics, language, created_ts, text,
    #                            like_count, collect_count, comment_count)]
    #   cb(stage: str, fraction: float) drives a progress bar
    version = ModelRegistry(root).publish(rec)     # versioned files; CURRENT pointer
    rec = ModelRegistry(root).load_current()       # in the web process (None before training)
    ModelRegistry(root).rollback()                 # back to the previous version

    # serving: one UserContext per request
    ctx = UserContext(user_id, interests=[...], languages=["zh", "en"], following={...},
                      blocked_authors={...}, hidden={...}, seen={...},
                      recent_positive_note_ids=[...],   # newest last: the session update
                      now=time.time())
    page = rec.recommend_page(ctx, cursor=None, page_size=20, exclude=())  # FeedPage
    page.items -> list[ScoredNote(note_id, score, source, reason)]; page.next_cursor
    UserContext(..., language_mix=0.75)            # the member's share of their language
    rec.recommend(ctx, k=20)                       # one list, no paging state
    rec.add_notes([NoteInfo(...)])                 # new notes: scored from content now
    rec.remove_notes([note_id, ...])               # deleted / moderated: never shown

Guarantees of every served list: no note of a blocked author, no hidden or seen note (nor
any id in ``exclude``), no note twice across the pages of one cursor, at most
``max_per_author_in_10`` (2) notes of one author in any 10 consecutive notes.

Pipeline: candidates from nine sources with quotas (co-engagement item-item model: EASE^R
or cosine neighbours, recency-weighted; sequential transitions; a NumPy SASRec over the
newest positives; collaborative embeddings by PureSVD in an ANN index; content similarity
of hashed TF-IDF; followed authors; fresh notes; trending; clips watched to the end by
readers with similar tastes) -> an ensemble of three LightGBM
LambdaRank boosters over 28 features -> greedy re-ranking for author/topic diversity, the
member's language mix and exploration slots -> a reason per note (ScoredNote.reason). See
docs/recommender.md for the design and the measured evaluation
(``qiao.engines.recommend.bench.run_recommend_benchmark``, ``...simulate.run_simulation``).

Modules, by stage: history (log -> positives), catalogue (per-note arrays), content,
components (collaborative models and their tuning), candidates, features, ranking, rerank,
serving (paging), persistence; engine.Recommender ties them together.
"""

from .engine import FEATURES, SOURCES, Recommender
from .registry import ModelRegistry
from .types import (
    KINDS,
    FeedPage,
    Interaction,
    InteractionLog,
    NoteInfo,
    RecommenderConfig,
    ScoredNote,
    TrainReport,
    UserContext,
)

__all__ = [
    "FEATURES",
    "KINDS",
    "SOURCES",
    "FeedPage",
    "Interaction",
    "InteractionLog",
    "ModelRegistry",
    "NoteInfo",
    "Recommender",
    "RecommenderConfig",
    "ScoredNote",
    "TrainReport",
    "UserContext",
]

"""Bridge between the platform and the recommender engine.

The web process loads the current model version once, keeps it in sync with notes published
since training (scored from content) and builds a `UserContext` per request from the
database. The lists a cursor pages through are `feed.lists`'.
"""

from __future__ import annotations

import gc
import logging
import threading
from datetime import timedelta
from typing import Any

from django.utils import timezone

from qiao.accounts.access import blocked_user_ids, followed_ids
from qiao.accounts.models import User
from qiao.core import clock
from qiao.engines.recommend import Recommender, UserContext
from qiao.events.models import EngagementEvent
from qiao.feed.store import recommendable_notes, registry
from qiao.notes.models import Note
from qiao.notes.topics import interest_topics

logger = logging.getLogger("qiao.feed")
SYNC_EVERY = 15.0  # seconds between checks for a new model version and new notes
POSITIVE_KINDS = ("like", "collect", "open", "comment", "share")
SEEN_DAYS = 3
#: Impressions read for the no-repeat rule: a reader who scrolls 8 visits of 40 cards has
#: 320; the feed must not forget the first visit's (it would show them again).
SEEN_MAX = 2000
ANON_LIST_SECONDS = 60

_lock = threading.Lock()
_state: dict[str, Any] = {
    "rec": None,
    "version": None,
    "checked": 0.0,
    "synced_ts": 0.0,
    "loading": None,
}


def forget_model() -> None:
    with _lock:
        _state.update(rec=None, version=None, checked=0.0, synced_ts=0.0, loading=None)


def _load(version: str) -> Recommender:
    """Load a model version and take it out of the garbage collector's sight.

    A million-note model is millions of small Python objects (the id index, topic lists);
    every full collection walked all of them, stalling a request for ~0.45 s now and then
    (the For-you p99). gc.freeze() moves what exists now to a permanent generation the
    collector skips; reference counting still frees the old model when it is replaced."""
    gc.collect()
    rec = registry().load(version)
    gc.freeze()
    return rec


def _install(rec: Recommender, version: str) -> None:
    """Serve `rec` from now on (call with _lock held)."""
    _state.update(
        rec=rec, version=version, loading=None, synced_ts=float(getattr(rec, "t_ref", 0.0) or 0.0)
    )


def _swap_in(version: str) -> None:
    """Load a new version in the background while the old one keeps serving."""
    try:
        rec = _load(version)
    except Exception:
        logger.exception("could not load recommender %s", version)
        with _lock:
            _state["loading"] = None
        return
    with _lock:
        if _state["loading"] == version:
            _install(rec, version)


def current_model() -> Recommender | None:
    """The served model (None before the first training), refreshed every few seconds.

    The first model loads in the request that needs it; later versions load in a background
    thread (seconds at a million notes) while the previous one keeps serving."""
    now = clock.monotonic()
    with _lock:
        if now - _state["checked"] < SYNC_EVERY and _state["rec"] is not None:
            return _state["rec"]
        _state["checked"] = now
        try:
            reg = registry()
            version = reg.current()
            if version is None:
                _state["rec"] = None
                return None
            if version != _state["version"]:
                if _state["rec"] is None:
                    _install(_load(version), version)
                elif _state.get("loading") != version:
                    _state["loading"] = version
                    threading.Thread(
                        target=_swap_in, args=(version,), daemon=True, name="qiao-model-load"
                    ).start()
            rec = _state["rec"]
            fresh = [
                n
                for n in recommendable_notes(since=_state["synced_ts"])
                if n.note_id not in rec.note_index
            ]
            if fresh:
                rec.add_notes(fresh)
                _state["synced_ts"] = max(n.created_ts for n in fresh)
        except Exception:
            logger.exception("recommender model unavailable; using the fallback feed")
            _state["rec"] = None
        return _state["rec"]


def user_context(viewer: User | None) -> UserContext:
    if viewer is None:
        from django.utils import translation

        lang = (translation.get_language() or "en").split("-")[0]
        return UserContext(user_id=0, languages=[lang], now=clock.now())
    recent = list(
        EngagementEvent.objects.filter(
            user_id=viewer.pk, kind__in=POSITIVE_KINDS, note_id__isnull=False
        )
        .order_by("-id")
        .values_list("note_id", flat=True)[:30]
    )
    hidden = {
        n
        for n in EngagementEvent.objects.filter(user_id=viewer.pk, kind="hide").values_list(
            "note_id", flat=True
        )
        if n is not None
    }
    liked_or_collected = {
        n
        for n in EngagementEvent.objects.filter(
            user_id=viewer.pk, kind__in=("like", "collect")
        ).values_list("note_id", flat=True)
        if n is not None
    }
    following = followed_ids(viewer)
    own = set(Note.objects.filter(author=viewer).values_list("pk", flat=True))
    # Notes shown in the last days are not shown again (an endless feed, like the apps it
    # imitates); the few hundred newest impressions are enough.
    shown = {
        n
        for n in EngagementEvent.objects.filter(
            user_id=viewer.pk,
            kind="impression",
            created_at__gte=timezone.now() - timedelta(days=SEEN_DAYS),
        )
        .order_by("-id")
        .values_list("note_id", flat=True)[:SEEN_MAX]
        if n is not None
    }
    return UserContext(
        # onboarding interests stand for their topics in both languages ("food" covers
        # #美食, #家常菜, #coffee…: qiao.notes.topics)
        user_id=viewer.pk,
        interests=interest_topics(viewer.interests or []),
        languages=[x.split("-")[0] for x in (viewer.read_languages or [])] or ["en"],
        following=following,
        blocked_authors=blocked_user_ids(viewer) | {viewer.pk},
        hidden=hidden,
        seen=liked_or_collected | own | shown,
        recent_positive_note_ids=list(dict.fromkeys(n for n in reversed(recent) if n)),
        now=clock.now(),
        # the member's language mix; None: the site default (cross_language_share)
        language_mix=viewer.language_mix,
    )

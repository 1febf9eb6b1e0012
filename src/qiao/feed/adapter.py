"""Bridge between the platform and the recommender engine.

The web process loads the current model version once, keeps it in sync with notes published
since training (scored from content), builds a `UserContext` per request from the database,
and keeps each user's ranked list in the shared cache (local memory or Redis) so a cursor
pages consistently whichever server process answers.
"""

from __future__ import annotations

import gc
import logging
import secrets
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.access import blocked_user_ids, followed_ids
from qiao.accounts.models import User
from qiao.core import clock
from qiao.core.errors import Invalid
from qiao.engines.recommend import Recommender, UserContext
from qiao.events.models import EngagementEvent
from qiao.feed.store import recommendable_notes, registry
from qiao.notes.access import visible_notes
from qiao.notes.models import Note

logger = logging.getLogger("qiao.feed")
SYNC_EVERY = 15.0  # seconds between checks for a new model version and new notes
LIST_TTL = 30 * 60
POSITIVE_KINDS = ("like", "collect", "open", "comment", "share")
SEEN_DAYS = 3
SEEN_MAX = 300
ANON_LIST_SECONDS = 60

_lock = threading.Lock()
_state: dict[str, Any] = {"rec": None, "version": None, "checked": 0.0, "synced_ts": 0.0,
                          "loading": None}


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
    _state.update(rec=rec, version=version, loading=None,
                  synced_ts=float(getattr(rec, "t_ref", 0.0) or 0.0))


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
                    threading.Thread(target=_swap_in, args=(version,), daemon=True,
                                     name="qiao-model-load").start()
            rec = _state["rec"]
            fresh = [n for n in recommendable_notes(since=_state["synced_ts"])
                     if n.note_id not in rec.note_index]
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
        EngagementEvent.objects.filter(user_id=viewer.pk, kind__in=POSITIVE_KINDS,
                                       note_id__isnull=False)
        .order_by("-id").values_list("note_id", flat=True)[:30]
    )
    hidden = {n for n in EngagementEvent.objects.filter(user_id=viewer.pk, kind="hide")
              .values_list("note_id", flat=True) if n is not None}
    liked_or_collected = {
        n for n in EngagementEvent.objects.filter(user_id=viewer.pk, kind__in=("like", "collect"))
        .values_list("note_id", flat=True) if n is not None}
    following = followed_ids(viewer)
    own = set(Note.objects.filter(author=viewer).values_list("pk", flat=True))
    # Notes shown in the last days are not shown again (an endless feed, like the apps it
    # imitates); the few hundred newest impressions are enough.
    shown = {n for n in EngagementEvent.objects.filter(
        user_id=viewer.pk, kind="impression",
        created_at__gte=timezone.now() - timedelta(days=SEEN_DAYS),
    ).order_by("-id").values_list("note_id", flat=True)[:SEEN_MAX] if n is not None}
    return UserContext(
        user_id=viewer.pk, interests=list(viewer.interests or []),
        languages=[x.split("-")[0] for x in (viewer.read_languages or [])] or ["en"],
        following=following, blocked_authors=blocked_user_ids(viewer) | {viewer.pk},
        hidden=hidden, seen=liked_or_collected | own | shown,
        recent_positive_note_ids=list(dict.fromkeys(n for n in reversed(recent) if n)),
        now=clock.now(),
    )


def _cache_get(cache: Any, key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage starts a fresh list
        return None


def _cache() -> Any:
    return caches[getattr(settings, "QIAO_FEED_CACHE_ALIAS", "default")]


def recommend_page(viewer: User | None, *, cursor: str | None, limit: int
                   ) -> tuple[list[Note], str | None] | None:
    """A page from the trained recommender, or None when no model is available."""
    rec = current_model()
    if rec is None:
        return None
    limit = max(1, min(limit, 50))
    ctx = user_context(viewer)
    cache = _cache()
    ranked: list[int] | None = None
    offset = 0
    token = ""
    positives = tuple(ctx.recent_positive_note_ids[-10:])
    changed = False  # write the list back only when it is new or re-ranked
    if cursor:
        token, _sep, off = cursor.partition(":")
        if not (off.isascii() and off.isdigit() and len(off) <= 9
                and token.isascii() and token.isalnum() and len(token) <= 40):
            raise Invalid(_("Malformed cursor."), code="bad_cursor")
        offset = int(off)
        entry = _cache_get(cache, f"feed:{ctx.user_id}:{token}")
        if entry is not None:
            ranked, used = entry
            if positives != tuple(used):
                # Engagement since the last page: re-rank what has not been served yet.
                served = set(ranked[:offset])
                ranked = ranked[:offset] + [s.note_id for s in rec.rank(ctx, served)]
                changed = True
    if ranked is None and ctx.user_id == 0:
        # Visitors who are not signed in have no history: everyone reading one language gets
        # the same list, ranked once a minute — a surge of new visitors costs one ranking
        # and one cache write per language per minute, not one per visit.
        offset = 0
        # the time the list is ranked for (the context's), read once
        minute = int((ctx.now if ctx.now is not None else clock.now()) // ANON_LIST_SECONDS)
        token = f"anon{(ctx.languages or ['x'])[0]}{minute}"
        if not token.isalnum():
            token = f"anon{minute}"
        entry = _cache_get(cache, f"feed:0:{token}")
        if entry is not None:
            ranked = entry[0]
    if ranked is None:
        token = token if ctx.user_id == 0 else secrets.token_hex(6)
        offset = 0
        ranked = [s.note_id for s in rec.rank(ctx)]
        changed = True
    if changed:
        try:
            cache.set(f"feed:{ctx.user_id}:{token}", (ranked, positives), LIST_TTL)
        except Exception:  # noqa: BLE001 - a cache outage costs consistent paging, not the page
            logger.warning("feed cache unavailable; paging may repeat notes")
    page: list[Note] = []
    while offset < len(ranked) and len(page) < limit:
        # the ranked notes were visible when ranked; a few spare cover the odd one that
        # was deleted or hidden since (a bigger window only builds notes nobody sees)
        window = ranked[offset: offset + limit - len(page) + 4]
        by_id = {n.pk: n for n in visible_notes(viewer).filter(pk__in=window)
                 .select_related("author").prefetch_related("images", "topics")}
        for nid in window:
            offset += 1
            if nid in by_id:
                page.append(by_id[nid])
                if len(page) == limit:
                    break
    nxt = f"{token}:{offset}" if offset < len(ranked) else None
    return page, nxt



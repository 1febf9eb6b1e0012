"""Paging: one ranked list per cursor, sliced into pages that never repeat a note.

A fresh request (no cursor) ranks a new list and stores it under a new key; the cursor is
``<user id>.<token>:<offset>``. A cursor page whose context brings session positives the
stored list was not ranked with re-ranks the rest of the list with them (served notes stay
excluded), so engagement on one page shapes the next. The store is pluggable: an in-process
LRU by default; a platform with several worker processes passes a shared one (Redis, a
database cache table) so any process can answer the next page.

This is the only paging implementation: the engine's ``recommend_page`` and the offline
benchmark (which scores the first page as served) both go through :class:`Pager`.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Protocol

from .types import FeedPage, ScoredNote, UserContext

#: a stored list: the ranked notes and the session positives they were ranked with
StoredList = tuple[list[ScoredNote], tuple[int, ...]]
RankFn = Callable[[UserContext, set[int]], list[ScoredNote]]


class ListStore(Protocol):
    def get(self, key: str) -> StoredList | None: ...

    def set(self, key: str, value: StoredList) -> None: ...


class LocalListStore:
    """Ranked lists in this process's memory, least recently stored dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lists: OrderedDict[str, StoredList] = OrderedDict()
        self._lock = threading.Lock()  # web servers call from several threads

    def __getstate__(self) -> dict[str, int]:  # a copied model starts without stored lists
        return {"size": self.size}

    def __setstate__(self, state: dict[str, int]) -> None:
        self.size = state["size"]
        self._lists = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> StoredList | None:
        with self._lock:
            return self._lists.get(key)

    def set(self, key: str, value: StoredList) -> None:
        with self._lock:
            self._lists[key] = value
            while len(self._lists) > self.size:
                self._lists.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._lists.clear()


class Pager:
    def __init__(self, store: ListStore) -> None:
        self.store = store

    def page(
        self,
        rank: RankFn,
        ctx: UserContext,
        cursor: str | None,
        page_size: int,
        exclude: Iterable[int],
        servable: Callable[[ScoredNote], bool],
        ranked: list[ScoredNote] | None = None,
    ) -> FeedPage:
        """The page after `cursor` (None: a fresh list, ranked by `rank` unless `ranked` is
        given). `servable` drops notes that became unservable since the list was ranked."""
        exclude = set(exclude)
        offset = 0
        key = ""
        positives = tuple(ctx.recent_positive_note_ids)
        stored: list[ScoredNote] | None = None
        if cursor:
            key, _, offset_text = cursor.rpartition(":")
            entry = self.store.get(key)
            offset = int(offset_text) if offset_text.isdigit() else 0
            if entry is not None and key.startswith(f"{ctx.user_id}."):
                stored, ranked_with = entry
                if positives and positives != ranked_with:
                    served = {x.note_id for x in stored[:offset]}
                    stored = stored[:offset] + rank(ctx, exclude | served)
                    self.store.set(key, (stored, positives))
        if stored is None:
            key = f"{ctx.user_id}.{secrets.token_hex(6)}"
            stored = ranked if ranked is not None else rank(ctx, exclude)
            offset = 0
            self.store.set(key, (stored, positives))
        hidden = set(ctx.hidden) | exclude
        items: list[ScoredNote] = []
        while offset < len(stored) and len(items) < page_size:
            note = stored[offset]
            offset += 1
            if note.note_id in hidden or not servable(note):
                continue
            items.append(note)
        next_cursor = f"{key}:{offset}" if offset < len(stored) else None
        return FeedPage(items, next_cursor)

"""A two-level translation cache for short texts: a process-local LRU in front of the
database table, with the eviction the table needs (`prune`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import DatabaseError, IntegrityError
from django.utils import timezone

from qiao.engines.translate import InMemoryLRUCache
from qiao.translation.models import CachedTranslation

logger = logging.getLogger(__name__)

#: A read marks its row as used at most this often (the busy path rarely writes).
TOUCH_EVERY = timedelta(days=1)


class DatabaseTranslationCache:
    """Implements qiao.engines.translate.TranslationCache; repeats are served from memory."""

    def __init__(self, memory_items: int = 20_000) -> None:
        self.memory = InMemoryLRUCache(maxsize=memory_items)

    def get(self, key: str) -> str | None:
        hit = self.memory.get(key)
        if hit is not None:
            return hit
        try:
            row = (
                CachedTranslation.objects.filter(key=key)
                .values_list("text", "last_used_at")
                .first()
            )
            if row is None:
                return None
            text, used = row
            if timezone.now() - used > TOUCH_EVERY:
                CachedTranslation.objects.filter(key=key).update(last_used_at=timezone.now())
        except DatabaseError:
            logger.warning("translation cache table unavailable", exc_info=True)
            return None
        self.memory.set(key, text)
        return str(text)

    def set(self, key: str, value: str) -> None:
        self.memory.set(key, value)
        try:
            CachedTranslation.objects.update_or_create(
                key=key, defaults={"text": value, "last_used_at": timezone.now()}
            )
        except (DatabaseError, IntegrityError):
            logger.warning("could not store a translation in the cache table", exc_info=True)

    def delete(self, key: str) -> None:
        self.memory.delete(key)
        CachedTranslation.objects.filter(key=key).delete()


def prune(*, unused_days: int, max_rows: int) -> int:
    """Drop translations unused for `unused_days`, then the least recently used beyond
    `max_rows`. Returns how many rows went."""
    cutoff = timezone.now() - timedelta(days=unused_days)
    deleted, _detail = CachedTranslation.objects.filter(last_used_at__lt=cutoff).delete()
    excess = CachedTranslation.objects.count() - max_rows
    if excess > 0:
        oldest = list(
            CachedTranslation.objects.order_by("last_used_at").values_list("key", flat=True)[
                :excess
            ]
        )
        more, _detail = CachedTranslation.objects.filter(key__in=oldest).delete()
        deleted += more
    return deleted

"""A two-level translation cache: a process-local LRU in front of the database table."""

from __future__ import annotations

import logging

from django.db import DatabaseError, IntegrityError

from qiao.engines.translate import InMemoryLRUCache
from qiao.translation.models import CachedTranslation

logger = logging.getLogger(__name__)


class DatabaseTranslationCache:
    """Implements qiao.engines.translate.TranslationCache; repeats are served from memory."""

    def __init__(self, memory_items: int = 20_000) -> None:
        self.memory = InMemoryLRUCache(maxsize=memory_items)

    def get(self, key: str) -> str | None:
        hit = self.memory.get(key)
        if hit is not None:
            return hit
        try:
            row = CachedTranslation.objects.filter(key=key).values_list("text", flat=True).first()
        except DatabaseError:
            logger.warning("translation cache table unavailable", exc_info=True)
            return None
        if row is not None:
            self.memory.set(key, row)
        return row

    def set(self, key: str, value: str) -> None:
        self.memory.set(key, value)
        try:
            CachedTranslation.objects.update_or_create(key=key, defaults={"text": value})
        except (DatabaseError, IntegrityError):
            logger.warning("could not store a translation in the cache table", exc_info=True)

    def delete(self, key: str) -> None:
        self.memory.delete(key)
        CachedTranslation.objects.filter(key=key).delete()

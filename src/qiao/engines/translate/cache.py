"""Translation cache: an interface (so Django can put its cache or a table behind it) and an
in-memory LRU default. Keys are content hashes, so an edited text never hits a stale entry."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Protocol, runtime_checkable

from .text import normalize_text

KEY_PREFIX = "qiao:tr:"


def cache_key(text: str, source: str, target: str, engine: str, model_version: str) -> str:
    """``qiao:tr:`` + sha256 of (normalized text, source, target, engine, model version)."""
    h = hashlib.sha256()
    for part in (normalize_text(text), source, target, engine, model_version):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return KEY_PREFIX + h.hexdigest()


def text_hash(text: str) -> str:
    """sha256 of the normalized text, for storing next to a translation row."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


@runtime_checkable
class TranslationCache(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...

    def delete(self, key: str) -> None: ...


class InMemoryLRUCache:
    """Thread-safe LRU of at most ``maxsize`` entries."""

    def __init__(self, maxsize: int = 10_000) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be positive")
        self.maxsize = maxsize
        self._data: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def set(self, key: str, value: str) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class NullCache:
    """Caches nothing (benchmarks of raw engine speed)."""

    def get(self, key: str) -> str | None:
        return None

    def set(self, key: str, value: str) -> None:
        return None

    def delete(self, key: str) -> None:
        return None

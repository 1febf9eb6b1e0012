"""Sessions cached in Redis, kept in the database: a Redis outage costs speed, not log-ins.

Django's cached_db backend already reads through to the database on a cache miss, but a
few of its cache calls (the write-back after a miss, `exists`, `delete`) raise when Redis is
down. This store treats every cache error as a miss, so pages keep rendering and users stay
signed in while Redis is away.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger("qiao.sessions")


class SessionStore(CachedDBStore):
    @property
    def _sessions_cache(self) -> BaseCache:
        return caches[settings.SESSION_CACHE_ALIAS]

    def load(self) -> dict[str, Any]:
        try:
            data = self._sessions_cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - cache outage: read the database
            data = None
        if data is not None:
            return cast(dict[str, Any], data)  # what the cache holds is what we stored
        s = cast(Any, self)._get_session_from_db()  # the database backend's own reader
        if not s:
            return {}
        data = self.decode(s.session_data)
        try:
            self._sessions_cache.set(
                self.cache_key, data, self.get_expiry_age(expiry=s.expire_date)
            )
        except Exception as exc:  # noqa: BLE001 - a cache outage: the database has it
            logger.warning("session cache unavailable: %s", exc)
        return data

    def exists(self, session_key: str | None) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._sessions_cache:
                return True
        except Exception as exc:  # noqa: BLE001 - a cache outage: ask the database
            logger.debug("session cache unavailable: %s", exc)
        return bool(session_key) and super(CachedDBStore, self).exists(session_key or "")

    def delete(self, session_key: str | None = None) -> None:
        super(CachedDBStore, self).delete(session_key)
        key = session_key or self.session_key
        if key is None:
            return
        try:
            self._sessions_cache.delete(self.cache_key_prefix + key)
        except Exception as exc:  # noqa: BLE001 - logged loudly below
            # The database row is gone but Redis may still hold the old entry until it
            # expires: say so loudly, so an operator can flush the session keys.
            logger.warning("session cache delete failed for a logged-out session: %s", exc)

"""Sessions cached in Redis, kept in the database: a Redis outage costs speed, not log-ins.

Django's cached_db backend already reads through to the database on a cache miss, but a
few of its cache calls (the write-back after a miss, `exists`, `delete`) raise when Redis is
down. This store treats every cache error as a miss, so pages keep rendering and users stay
signed in while Redis is away.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger("qiao.sessions")


class SessionStore(CachedDBStore):
    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - cache outage: read the database
            data = None
        if data is not None:
            return data  # type: ignore[no-any-return]
        s = self._get_session_from_db()
        if not s:
            return {}
        data = self.decode(s.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=s.expire_date))
        except Exception as exc:  # noqa: BLE001
            logger.warning("session cache unavailable: %s", exc)
        return data  # type: ignore[no-any-return]

    def exists(self, session_key: str | None) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception as exc:  # noqa: BLE001
            logger.debug("session cache unavailable: %s", exc)
        return bool(super(CachedDBStore, self).exists(session_key))

    def delete(self, session_key: str | None = None) -> None:
        super(CachedDBStore, self).delete(session_key)
        key = session_key or self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception as exc:  # noqa: BLE001
            # The database row is gone but Redis may still hold the old entry until it
            # expires: say so loudly, so an operator can flush the session keys.
            logger.warning("session cache delete failed for a logged-out session: %s", exc)

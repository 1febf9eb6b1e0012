"""Fixed-window rate limits kept in the cache (local memory or Redis).

When the cache is unreachable the limit fails *closed* for scopes that guard credentials
(log-in, sign-up) and *open* for everything else, so a Redis outage never locks readers out
but never opens the door to password guessing either.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from qiao.core import clock
from qiao.core.errors import RateLimited, Unavailable

logger = logging.getLogger("qiao.ratelimit")
FAIL_CLOSED_SCOPES = frozenset({"login", "signup"})


def _parse(rate: str) -> tuple[int, int]:
    count, _sep, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def check_rate(scope: str, key: str) -> None:
    """Count one hit of `scope` for `key`; raise RateLimited past the configured rate."""
    if not settings.QIAO_RATE_LIMITS_ENABLED:
        return
    limit, window = _parse(settings.QIAO_RATE_LIMITS[scope])
    now = clock.now()  # one reading: the window counted and the Retry-After agree
    bucket = int(now // window)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    try:
        added = cache.add(cache_key, 1, timeout=window + 1)
        count = 1 if added else cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    except Exception as exc:  # noqa: BLE001 - any cache outage
        logger.warning("rate-limit cache unavailable for %s: %s", scope, exc)
        if scope in FAIL_CLOSED_SCOPES:
            raise Unavailable(_("Signing in is briefly unavailable; try again soon.")) from exc
        return
    if count > limit:
        retry = window - int(now % window)
        raise RateLimited(_("Too many requests; please slow down."), retry_after=retry)


def client_ip(request: object) -> str:
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR", "unknown"))

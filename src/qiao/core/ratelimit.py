"""Fixed-window rate limits kept in the cache (local memory or Redis).

When the cache is unreachable the limit fails *closed* for scopes that guard credentials
(log-in, sign-up) and *open* for everything else, so a Redis outage never locks readers out
but never opens the door to password guessing either.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

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
    except Exception as exc:
        logger.warning("rate-limit cache unavailable for %s: %s", scope, exc)
        if scope in FAIL_CLOSED_SCOPES:
            raise Unavailable(_("Signing in is briefly unavailable; try again soon.")) from exc
        return
    if count > limit:
        retry = window - int(now % window)
        raise RateLimited(_("Too many requests; please slow down."), retry_after=retry)


def spend(scope: str, key: str, amount: int) -> None:
    """Spend `amount` of the budget `scope` (e.g. pixels decoded per member per hour) for
    `key`; raise RateLimited when the window's budget is gone (nothing is spent then)."""
    if not settings.QIAO_RATE_LIMITS_ENABLED or amount <= 0:
        return
    budget, window = _parse(settings.QIAO_RATE_LIMITS[scope])
    now = clock.now()
    cache_key = f"rl:{scope}:{key}:{int(now // window)}"
    try:
        cache.add(cache_key, 0, timeout=window + 1)
        total = cache.incr(cache_key, amount)
    except Exception as exc:  # noqa: BLE001 - a cache outage: budgets fail open
        logger.warning("rate-limit cache unavailable for %s: %s", scope, exc)
        return
    if total > budget:
        cache.decr(cache_key, amount)
        retry = window - int(now % window)
        raise RateLimited(_("You have uploaded a lot recently; please try again later."),
                          retry_after=retry)


def client_ip(request: object) -> str:
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR", "unknown"))


# --- limits in services ------------------------------------------------------------------
# Limits are enforced by the services, so the pages, the API, the CLI and background tasks
# agree. The client address of the request being served reaches them through a context
# variable set by `ops.middleware.RequestContextMiddleware` (None outside a request).

client_ip_var: ContextVar[str | None] = ContextVar("qiao_client_ip", default=None)
_inside_limited: ContextVar[bool] = ContextVar("qiao_inside_limited", default=False)


def limit(scope: str, user_id: int | None = None) -> None:
    """Count one action of `scope` for the acting member and, separately, for the client
    address of the current request; raise RateLimited past either limit."""
    if user_id is not None:
        check_rate(scope, f"u{user_id}")
    ip = client_ip_var.get()
    if ip:
        check_rate(scope, f"ip{ip}")


P = ParamSpec("P")
R = TypeVar("R")


def rate_limited(scope: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service whose first argument is the acting user: one call is one action
    of `scope` (a service calling another limited service counts once)."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def limited(*args: P.args, **kwargs: P.kwargs) -> R:
            if _inside_limited.get():
                return service(*args, **kwargs)
            actor = args[0] if args else None
            limit(scope, getattr(actor, "pk", None))
            token = _inside_limited.set(True)
            try:
                return service(*args, **kwargs)
            finally:
                _inside_limited.reset(token)

        return limited

    return decorate

"""Fixed-window rate limits kept in a cache every server process shares (Redis, or on the
embedded profile the database cache table — a per-process local memory would let each
worker count on its own).

When the cache is unreachable the limit fails *closed* for scopes that guard credentials
(log-in, sign-up) and *open* for everything else, so a Redis outage never locks readers out
but never opens the door to password guessing either.

The client address is the connection's, or — only when that is a configured trusted proxy
(`QIAO_TRUSTED_PROXIES`) — the right-most untrusted address of `X-Forwarded-For`, so behind
the documented proxy every visitor is not one address, and nobody can pick their own.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.utils.translation import gettext as _

from qiao.core import clock
from qiao.core.errors import RateLimited, Unavailable

logger = logging.getLogger("qiao.ratelimit")
FAIL_CLOSED_SCOPES = frozenset({"login", "login_ip", "login_account", "signup"})


def _cache() -> BaseCache:
    return caches[settings.QIAO_RATE_LIMIT_CACHE_ALIAS]


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
    cache = _cache()
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
    cache = _cache()
    try:
        cache.add(cache_key, 0, timeout=window + 1)
        total = cache.incr(cache_key, amount)
    except Exception as exc:  # noqa: BLE001 - a cache outage: budgets fail open
        logger.warning("rate-limit cache unavailable for %s: %s", scope, exc)
        return
    if total > budget:
        cache.decr(cache_key, amount)
        retry = window - int(now % window)
        raise RateLimited(
            _("You have uploaded a lot recently; please try again later."), retry_after=retry
        )


def is_limited(scope: str, key: str) -> int:
    """Seconds to wait when `key` has used up `scope` in this window (0: go ahead), without
    counting anything: for limits that count failures only (wrong passwords)."""
    if not settings.QIAO_RATE_LIMITS_ENABLED:
        return 0
    limit, window = _parse(settings.QIAO_RATE_LIMITS[scope])
    now = clock.now()
    try:
        count = _cache().get(f"rl:{scope}:{key}:{int(now // window)}") or 0
    except Exception as exc:
        logger.warning("rate-limit cache unavailable for %s: %s", scope, exc)
        if scope in FAIL_CLOSED_SCOPES:
            raise Unavailable(_("Signing in is briefly unavailable; try again soon.")) from exc
        return 0
    return window - int(now % window) if int(count) >= limit else 0


def hit(scope: str, key: str) -> None:
    """Count one event of `scope` for `key` without refusing this one (see `is_limited`)."""
    with contextlib.suppress(RateLimited):
        check_rate(scope, key)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _trusted_networks())


@functools.lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(s.strip(), strict=False) for s in spec if s.strip())


def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _networks(tuple(settings.QIAO_TRUSTED_PROXIES))


def client_ip(request: object) -> str:
    """The client's address (see the module docstring for proxies)."""
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR", "") or "unknown")
    if not _trusted(remote):
        return remote
    forwarded = [a.strip() for a in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote  # a malformed header: trust nothing in it
        if not _trusted(address):
            return address
    return remote


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

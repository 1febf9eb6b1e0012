"""The fixed-window rate limiter, on a pinned clock: what happens at a window boundary is
decided by the test, never by when the test happens to run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from qiao.core.clock import FrozenClock
from qiao.core.errors import RateLimited, Unavailable
from qiao.core.ratelimit import check_rate

WINDOW = 60
BOUNDARY = 1_900_000_200  # a multiple of WINDOW and of 300 (the login window), in 2030


@pytest.fixture
def limits(settings: Any) -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    settings.QIAO_RATE_LIMITS_ENABLED = True
    settings.QIAO_RATE_LIMITS = {
        **settings.QIAO_RATE_LIMITS,
        "write": f"3/{WINDOW}",
        "login": "3/300",
    }
    yield
    cache.clear()


def _hits(scope: str, key: str, n: int) -> list[int | None]:
    """None for a hit let through, the Retry-After seconds for one refused."""
    out: list[int | None] = []
    for _ in range(n):
        try:
            check_rate(scope, key)
        except RateLimited as exc:
            out.append(exc.retry_after)
        else:
            out.append(None)
    return out


def test_a_window_boundary_opens_a_fresh_window(limits: None, clock: FrozenClock) -> None:
    assert BOUNDARY % WINDOW == 0
    key = uuid.uuid4().hex
    clock.set(BOUNDARY - 0.001)  # the last millisecond of a window
    assert _hits("write", key, 4) == [None, None, None, 1]
    clock.set(BOUNDARY)  # the first instant of the next: counting starts again
    assert _hits("write", key, 4) == [None, None, None, WINDOW]
    clock.set(BOUNDARY + WINDOW - 0.001)  # one millisecond before the end of that window
    assert _hits("write", key, 1) == [1]
    clock.set(BOUNDARY + WINDOW)
    assert _hits("write", key, 1) == [None]


def test_hits_straddling_a_boundary_count_in_their_own_windows(
    limits: None, clock: FrozenClock
) -> None:
    """A fixed window allows up to twice the rate across a boundary (the price of one
    counter per window); never more, and never a refusal for the first hits of a window."""
    key = uuid.uuid4().hex
    clock.set(BOUNDARY - 1)
    assert _hits("write", key, 2) == [None, None]
    clock.advance(2)
    assert _hits("write", key, 3) == [None, None, None]
    assert _hits("write", key, 1) == [WINDOW - 1]


def test_retry_after_counts_down_to_the_end_of_the_window(limits: None, clock: FrozenClock) -> None:
    key = uuid.uuid4().hex
    clock.set(BOUNDARY + 100.5)  # login windows are 300 s: 199.5 s of this one left
    assert _hits("login", key, 4)[-1] == 200
    clock.advance(150)
    assert _hits("login", key, 1) == [50]


def test_scopes_and_keys_are_counted_apart(limits: None, clock: FrozenClock) -> None:
    clock.set(BOUNDARY + 5)
    a, b = uuid.uuid4().hex, uuid.uuid4().hex
    assert _hits("write", a, 4)[-1] is not None
    assert _hits("write", b, 3) == [None, None, None]
    assert _hits("login", a, 3) == [None, None, None]


def test_disabled_limits_count_nothing(limits: None, settings: Any, clock: FrozenClock) -> None:
    settings.QIAO_RATE_LIMITS_ENABLED = False
    clock.set(BOUNDARY + 5)
    assert _hits("write", uuid.uuid4().hex, 10) == [None] * 10


class _BrokenCache:
    def add(self, *_a: Any, **_k: Any) -> bool:
        raise ConnectionError("cache down")

    incr = set = get = add


def test_a_cache_outage_fails_closed_for_credentials_only(
    limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qiao.core import ratelimit

    monkeypatch.setattr(ratelimit, "_cache", _BrokenCache)
    assert _hits("write", "k", 5) == [None] * 5  # open: readers and writers carry on
    for scope in ("login", "signup"):
        with pytest.raises(Unavailable):
            check_rate(scope, "k")

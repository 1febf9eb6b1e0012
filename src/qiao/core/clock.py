"""The platform's clock, one place to read the time from where time decides behaviour.

Rate-limit windows and the minute-keyed shared feed list read the time here instead of
calling `time.time()` themselves, so a test can pin the clock and move it by hand: a request
"just before" and "just after" a window boundary is then a fact of the test, not a race with
the wall clock. Production reads the system clock (`SystemClock`).

    from qiao.core import clock
    clock.now()        # seconds since the epoch (float), like time.time()
    clock.monotonic()  # seconds from an arbitrary start, never going back

No Django imports: every floor (and the engines' callers) may use it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    def monotonic(self) -> float: ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class FrozenClock:
    """A clock that stands still until moved: `advance(seconds)` or `set(epoch_seconds)`.

    `monotonic()` moves with `now()` (by the same amounts), and never goes back."""

    def __init__(self, at: float | None = None, monotonic: float | None = None) -> None:
        self._now = time.time() if at is None else float(at)
        self._mono = time.monotonic() if monotonic is None else float(monotonic)

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock only moves forward; use set() to go back in wall time")
        self._now += seconds
        self._mono += seconds

    def set(self, at: float) -> None:
        """Put the wall clock at `at` (epoch seconds); monotonic time moves forward by the
        distance when that is forward, and stays put otherwise."""
        self._mono += max(0.0, at - self._now)
        self._now = float(at)


_SYSTEM = SystemClock()
_current: Clock = _SYSTEM


def now() -> float:
    """Seconds since the epoch, from the current clock."""
    return _current.now()


def monotonic() -> float:
    """Seconds on a clock that never goes back, from the current clock."""
    return _current.monotonic()


def current() -> Clock:
    return _current


def use(clock: Clock | None) -> None:
    """Read the time from `clock` from now on (None: the system clock again)."""
    global _current
    _current = _SYSTEM if clock is None else clock


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Within the block, read the time from `clock`; the previous clock afterwards."""
    previous = _current
    use(clock)
    try:
        yield clock
    finally:
        use(previous)

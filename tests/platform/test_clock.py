"""qiao.core.clock: the system clock by default, a pinned one inside `using` (and in tests)."""

from __future__ import annotations

import time

import pytest

from qiao.core import clock
from qiao.core.clock import FrozenClock, SystemClock


def test_the_suite_runs_on_a_pinned_clock(clock: FrozenClock) -> None:
    assert clock is not None and clock.now() == clock.now()
    first = clock.now()
    clock.advance(90)
    assert clock.now() == first + 90


def test_a_frozen_clock_moves_only_when_told() -> None:
    frozen = FrozenClock(at=1_000.0, monotonic=50.0)
    assert (frozen.now(), frozen.monotonic()) == (1_000.0, 50.0)
    frozen.advance(2.5)
    assert (frozen.now(), frozen.monotonic()) == (1_002.5, 52.5)
    frozen.set(1_100.0)  # forward: monotonic time moves by as much
    assert (frozen.now(), frozen.monotonic()) == (1_100.0, 150.0)
    frozen.set(900.0)  # the wall clock may be set back; monotonic time never goes back
    assert (frozen.now(), frozen.monotonic()) == (900.0, 150.0)
    with pytest.raises(ValueError):
        frozen.advance(-1)


def test_using_swaps_the_clock_for_a_block_and_puts_it_back() -> None:
    before = clock.current()
    inner = FrozenClock(at=42.0)
    with clock.using(inner):
        assert clock.now() == 42.0 and clock.current() is inner
    assert clock.current() is before


def test_the_system_clock_is_the_real_one() -> None:
    real = SystemClock()
    assert abs(real.now() - time.time()) < 60  # the same clock, not a speed claim
    assert real.monotonic() <= time.monotonic()
    clock.use(None)
    try:
        assert isinstance(clock.current(), SystemClock)
    finally:
        clock.use(FrozenClock())  # the autouse fixture restores its own at teardown

"""Dwell time and shares reach the engagement log from a real browser."""

from __future__ import annotations

import time
from typing import Any

import pytest

from qiao.events.models import EngagementEvent
from tests.factories import UserFactory, make_note

pytestmark = pytest.mark.browser


def test_dwell_and_share_are_logged(new_page: Any) -> None:
    note = make_note(UserFactory(), title="Slow reading")
    reader = UserFactory()
    page = new_page(user=reader)
    page.clock.install()  # the page's clock moves when the test says (and with real time)
    page.goto(f"/notes/{note.pk}")
    page.clock.run_for(2300)  # 2.3 s on the page's clock, its timers fired, no real wait
    page.locator("[data-share]").first.click()
    page.goto("/")  # leaving the note flushes its dwell time
    # The events arrive by fetch(keepalive): wait for them (a bound, not a speed claim).
    deadline = time.monotonic() + 30
    kinds: set[str] = set()
    while time.monotonic() < deadline and not {"dwell", "share"} <= kinds:
        kinds = set(
            EngagementEvent.objects.filter(user_id=reader.pk, note_id=note.pk).values_list(
                "kind", flat=True
            )
        )
        time.sleep(0.2)
    assert {"open", "dwell", "share"} <= kinds
    dwell = EngagementEvent.objects.get(user_id=reader.pk, kind="dwell")
    assert 2.3 <= dwell.value <= 60

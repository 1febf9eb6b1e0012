"""The feed on the demo community (`demo_site`, seeded once for this module): a new member's
eight visits, endless scrolling signed in and out, topic pages (issue 12, items 1-2). The
rules one by one, on small sites: test_endless.py."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client
from tests.feed.scrolling import scroll as _scroll

from qiao.notes.models import Note
from qiao.notes.topics import equivalents

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_a_new_members_eight_visits(demo_site: Any, make_user: Any) -> None:
    """The issue's measure: eight visits of at least 40 cards, at most one repeated title per
    visit (here: none), and the site's notes seen before anything comes round again."""
    member = make_user(interests=["travel", "food", "pets"], read_languages=["en"])
    client = Client()
    client.force_login(member)
    titles = dict(Note.objects.values_list("pk", "title"))
    seen: set[str] = set()
    for _visit in range(8):
        ids, _divider, ended = _scroll(client, 40)
        assert len(ids) >= 40 and not ended
        shown = [titles[i] for i in ids]
        repeats = sum(1 for t in shown if t in seen) + sum(n - 1 for n in Counter(shown).values())
        assert repeats <= 1, repeats
        seen |= set(shown)
    assert len(seen) >= 8 * 40 - 8


@pytest.mark.slow
def test_the_feed_never_ends_signed_in_or_out(demo_site: Any, make_user: Any) -> None:
    total = Note.objects.count()
    visitor = Client()
    ids, divider, ended = _scroll(visitor, total + 60)
    assert not ended and len(ids) >= total + 60
    assert divider is not None  # "You're all caught up — here is more"
    first = ids[:divider]
    assert len(first) == len(set(first))  # no repeat before the divider
    member = make_user(interests=["pets"])
    client = Client()
    client.force_login(member)
    ids, divider, ended = _scroll(client, total + 60)
    assert not ended and divider is not None and len(set(ids[:divider])) == divider


@pytest.mark.slow
def test_topic_pages_show_the_topic_then_more(demo_site: Any) -> None:
    tagged = set(
        Note.objects.filter(topics__name__in=equivalents("travel")).values_list("pk", flat=True)
    )
    ids, divider, ended = _scroll(Client(), len(tagged) + 40, "/?topic=travel")
    assert not ended and divider is not None
    # the topic's notes first (look-alikes among them wait until after the divider)
    assert set(ids[:divider]) <= tagged and divider >= len(tagged) * 0.5
    assert set(ids[divider:]) - tagged  # and then more to discover

"""Issue 5's "done": on the seeded site, the For-you tab visibly adapts within a few likes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from qiao.notes.models import Note
from qiao.notes.topics import equivalents
from tests.factories import UserFactory

#: Pet topics of the demo community's notes (which bulk seeding copies), both languages.
PETS = {
    t for name in ("pets", "cats", "dogs", "cattax", "adoptdontshop") for t in equivalents(name)
}

pytestmark = pytest.mark.browser


def _topics_on_page(page: Any) -> list[set[str]]:
    hrefs = page.locator("[data-card] a.card-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    ids = [int(m.group(1)) for h in hrefs if (m := re.search(r"/notes/(\d+)", h or ""))]
    topics = {
        n.pk: {t.name for t in n.topics.all()}
        for n in Note.objects.filter(pk__in=ids).prefetch_related("topics")
    }
    return [topics[i] for i in ids if i in topics]


def _share(cards: list[set[str]], topics: set[str]) -> float:
    return sum(bool(topics & c) for c in cards) / max(1, len(cards))


@pytest.mark.slow
def test_for_you_adapts_within_a_few_likes(
    new_page: Any, shot: Any, settings: Any, tmp_path: Any
) -> None:
    from qiao.feed.services import train as train_and_publish
    from qiao.feed.training import platform_config

    settings.QIAO_MODELS_DIR = tmp_path / "models"
    # 40 photos for 240 notes: enough distinct covers for full pages (a page never shows
    # two notes with one photo)
    call_command("seed", users=40, notes=240, events_per_user=30, images=40, quiet=True)
    train_and_publish(config=platform_config(ranker_rounds=40))
    reader = UserFactory(username="sam", interests=["food"], read_languages=["en"])
    page = new_page(reader)
    page.goto("/")
    expect(page.locator("[data-card]").first).to_be_visible()
    before = _topics_on_page(page)
    assert len(before) >= 10 and _share(before, PETS) <= 0.3
    shot(page, "5a-for-you-before")

    # Sam opens four pet notes the feed did not show and likes them.
    shown = {int(m) for m in re.findall(r"/notes/(\d+)", page.content())}
    pets = list(
        Note.objects.filter(topics__name__in=PETS, status="published")
        .exclude(pk__in=shown)
        .distinct()
        .order_by("-like_count")[:4]
    )
    for note in pets:
        page.goto(f"/notes/{note.pk}")
        page.get_by_role("button", name="Like").first.click()
        expect(page.get_by_role("button", name="Unlike").first).to_be_visible()

    page.goto("/")  # For you again, seconds later: no retraining in between
    expect(page.locator("[data-card]").first).to_be_visible()
    after = _topics_on_page(page)
    shot(page, "5b-for-you-after-four-likes")
    assert _share(after, PETS) >= _share(before, PETS) + 0.2, (before, after)
    assert not page.errors

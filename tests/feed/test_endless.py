"""The feed never ends, never repeats before it says so, and never shows two look-alikes on a
page (issue 12, items 1-3), rule by rule on small sites built for each (the demo community:
test_endless_demo.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.feed.scrolling import scroll as _scroll

from qiao.accounts.models import User
from qiao.events.models import EngagementEvent
from qiao.feed import services as feed
from qiao.notes.models import Note
from qiao.notes.similar import Deduper, text_key

pytestmark = pytest.mark.django_db


def test_no_two_look_alikes_on_a_page(make_user: Any, make_note: Any, image_bytes: Any) -> None:
    """Same text (after folding case, punctuation and emoji) or the same photo: one per page;
    the other waits for a later page."""
    from qiao.notes.services import ImageInput, create_note

    authors = [make_user() for _ in range(4)]
    same_text = [
        make_note(a, title="Best HOT POT in town!!", body="Spicy 🌶️ #hotpot") for a in authors[:2]
    ]
    same_text.append(make_note(authors[2], title="best hot pot in town", body="spicy #hotpot"))
    photo = image_bytes(900, 700, seed=99)
    same_photo = [
        create_note(
            a, title=f"Sunset {i}", body=f"view number {i}", images=[ImageInput(data=photo)]
        )
        for i, a in enumerate(authors[:3])
    ]
    others = [make_note(authors[3], title=f"Other {i}") for i in range(6)]
    page = feed.for_you(None, limit=20)
    ids = [n.pk for n in page.items]
    assert sum(1 for n in same_text if n.pk in ids) <= 1
    assert sum(1 for n in same_photo if n.pk in ids) <= 1
    assert all(n.pk in ids for n in others)
    # scrolling on shows the others, each on a page without its twin
    shown = set(ids)
    cursor = page.next_cursor
    for _ in range(6):
        assert cursor
        page = feed.for_you(None, cursor=cursor, limit=20)
        dedupe = Deduper()
        assert all(dedupe.admit(n) for n in page.items)
        shown |= {n.pk for n in page.items}
        cursor = page.next_cursor
    assert {n.pk for n in same_text + same_photo} <= shown


def test_search_shows_one_of_each_look_alike(make_user: Any, make_note: Any) -> None:
    from qiao.search.services import search

    for _ in range(3):
        make_note(make_user(), title="Hot pot night", body="The best #hotpot in Chengdu")
    make_note(make_user(), title="Hot pot for one", body="Yes, alone #hotpot")
    found = search(None, "hot pot", "notes", limit=20).items
    keys = [text_key(n.title, n.body) for n in found]
    assert len(found) == 2 and len(set(keys)) == 2


def test_a_site_with_one_note_still_has_a_next_page(make_note: Any) -> None:
    note = make_note(title="The only one")
    page = feed.for_you(None, limit=20)
    assert [n.pk for n in page.items] == [note.pk] and page.next_cursor
    again = feed.for_you(None, cursor=page.next_cursor, limit=20)
    assert [n.pk for n in again.items] == [note.pk]
    empty_site = Note.objects.all().delete()
    assert empty_site and not feed.for_you(None, limit=20).items


def test_recently_seen_notes_come_after_the_divider_best_first(
    make_user: Any, make_note: Any, client: Client
) -> None:
    """The 3-day rule: what the reader was shown is not shown again until the divider; then
    the seen notes come back, seen longest ago first."""
    notes = [make_note(title=f"Note {i}") for i in range(6)]
    reader = make_user()
    client.force_login(reader)
    first = _scroll(client, 6)[0]
    assert set(first[:6]) == {n.pk for n in notes}
    assert EngagementEvent.objects.filter(user_id=reader.pk, kind="impression").count() >= 6
    ids, divider, ended = _scroll(client, 12)
    assert divider == 0 and not ended  # nothing unseen: the divider first, then seen ones
    assert set(ids[:6]) == {n.pk for n in notes}
    assert User.objects.filter(pk=reader.pk).exists()

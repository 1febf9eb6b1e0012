"""The pages feed the recommender: impressions for feed cards, opens for notes."""

from __future__ import annotations

from typing import Any

import pytest

from qiao.events.models import EngagementEvent
from qiao.notes.models import Note

pytestmark = pytest.mark.django_db


def test_feed_pages_log_impressions_with_rank(client: Any, make_user: Any, make_note: Any) -> None:
    notes = [make_note(title=f"n{i}") for i in range(3)]
    viewer = make_user()
    client.force_login(viewer)
    assert client.get("/").status_code == 200
    rows = list(
        EngagementEvent.objects.filter(user_id=viewer.pk, kind="impression")
        .order_by("value")
        .values_list("note_id", "value", "surface")
    )
    assert {r[0] for r in rows} == {n.pk for n in notes}
    assert [r[1] for r in rows] == [0.0, 1.0, 2.0] and rows[0][2] == "for_you"


def test_opening_a_note_logs_an_open_and_counts_a_view(
    client: Any, make_user: Any, make_note: Any
) -> None:
    note = make_note()
    viewer = make_user()
    client.force_login(viewer)
    client.get(f"/notes/{note.pk}", HTTP_HX_REQUEST="true")
    client.get(f"/notes/{note.pk}")
    assert EngagementEvent.objects.filter(user_id=viewer.pk, kind="open").count() == 2
    assert list(
        EngagementEvent.objects.filter(kind="open").values_list("surface", flat=True).order_by("id")
    ) == ["overlay", "page"]
    assert Note.objects.get(pk=note.pk).view_count == 2
    client.force_login(note.author)
    client.get(f"/notes/{note.pk}")
    assert not EngagementEvent.objects.filter(user_id=note.author_id, kind="open").exists()


def test_anonymous_visits_log_nothing(client: Any, make_note: Any) -> None:
    make_note()
    client.get("/")
    assert not EngagementEvent.objects.filter(kind="impression").exists()


def test_signed_in_pages_load_the_engagement_script(client: Any, make_user: Any) -> None:
    client.force_login(make_user())
    html = client.get("/").content.decode()
    assert "engagement.js" in html and "data-signed-in" in html


def test_not_interested_hides_the_note_from_for_you(
    client: Any, make_user: Any, make_note: Any
) -> None:
    from qiao.feed import adapter

    note = make_note(title="Not for me")
    viewer = make_user()
    client.force_login(viewer)
    page = client.get(f"/notes/{note.pk}").content.decode()
    assert "Not interested" in page
    response = client.post(f"/notes/{note.pk}/hide", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "fewer notes like this" in response.content.decode()
    assert EngagementEvent.objects.filter(user_id=viewer.pk, note_id=note.pk, kind="hide").exists()
    assert note.pk in adapter.user_context(viewer).hidden
    client.force_login(note.author)
    assert client.post(f"/notes/{note.pk}/hide").status_code == 400

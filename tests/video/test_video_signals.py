"""Everything else a clip feeds: `play` and `watch` events from the player (accepted from
clients, capped, dropped for notes the member may not see), creator analytics (plays and
average watch time), the recommender's note data (length, plays, completion) and the
moderator console (poster and player)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.test import Client

from qiao.creators import services as creators
from qiao.events.models import EngagementEvent
from qiao.feed import store
from qiao.notes import services
from qiao.notes.models import NoteClip
from qiao.notes.services import ClipInput
from tests.video.conftest import upload_via_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_note(make_user: Any, clip_bytes: Callable[..., bytes], run_tasks: None) -> Any:
    author = make_user()
    upload = upload_via_service(author, clip_bytes(seconds=4.0))
    return services.create_note(
        author, title="Clip", images=[], clip=ClipInput(upload_id=str(upload.pk))
    )


def test_players_report_plays_and_watch_time(api_as: Any, make_user: Any, video_note: Any) -> None:
    reader = make_user()
    hidden = services.create_note(video_note.author, title="Hidden", images=[], status="draft")
    r = api_as(reader).post(
        "/events",
        {
            "events": [
                {"kind": "play", "note_id": video_note.pk, "surface": "overlay"},
                {"kind": "watch", "note_id": video_note.pk, "value": 3.2, "surface": "overlay"},
                {"kind": "watch", "note_id": video_note.pk, "value": 99999},
                {"kind": "watch", "note_id": video_note.pk, "value": -4},
                {"kind": "play", "note_id": hidden.pk},
            ]
        },
    )
    assert r.status_code == 202 and r.json()["count"] == 4
    rows = list(EngagementEvent.objects.order_by("id").values_list("kind", "value", "author_id"))
    assert rows == [
        ("play", 0.0, video_note.author_id),
        ("watch", 3.2, video_note.author_id),
        ("watch", 3600.0, video_note.author_id),
        ("watch", 0.0, video_note.author_id),
    ]
    r = api_as(reader).post("/events", {"events": [{"kind": "like", "note_id": 1}]})
    assert r.status_code == 400


def test_creator_analytics_show_plays_and_average_watch_time(
    make_user: Any, video_note: Any
) -> None:
    readers = [make_user() for _ in range(3)]
    EngagementEvent.objects.bulk_create(
        [
            EngagementEvent(
                user_id=u.pk, note_id=video_note.pk, author_id=video_note.author_id, kind="play"
            )
            for u in readers
        ]
        + [
            EngagementEvent(
                user_id=u.pk,
                note_id=video_note.pk,
                author_id=video_note.author_id,
                kind="watch",
                value=v,
            )
            for u, v in zip(readers, (4.0, 2.0, 0.5), strict=True)
        ]
    )
    data = creators.account_analytics(video_note.author, days=7)
    assert data["summary"]["plays"] == 3
    assert data["summary"]["avg_watch_seconds"] == pytest.approx(6.5 / 3, abs=0.05)
    one = creators.note_analytics(video_note.author, video_note.pk, days=7)
    assert one["summary"]["plays"] == 3
    client = Client()
    client.force_login(video_note.author)
    html = client.get("/creator/?days=7").content.decode()
    assert "Video plays" in html and "2.2 s watched on average" in html
    empty = creators.account_analytics(make_user(), days=7)["summary"]
    assert empty["plays"] == 0 and empty["avg_watch_seconds"] is None


def test_the_recommender_gets_length_plays_and_completion(
    make_user: Any, video_note: Any, make_note: Any
) -> None:
    photo = make_note()
    reader = make_user()
    EngagementEvent.objects.bulk_create(
        [
            EngagementEvent(user_id=reader.pk, note_id=video_note.pk, kind="play"),
            EngagementEvent(user_id=reader.pk, note_id=video_note.pk, kind="play"),
            EngagementEvent(user_id=reader.pk, note_id=video_note.pk, kind="watch", value=4.0),
            EngagementEvent(user_id=reader.pk, note_id=video_note.pk, kind="watch", value=2.0),
        ]
    )
    infos = {n.note_id: n for n in store.recommendable_notes()}
    clip = NoteClip.objects.get(note=video_note)
    video = infos[video_note.pk]
    assert video.video_seconds == pytest.approx(clip.duration)
    assert video.video_plays == 2
    assert video.video_completion == pytest.approx(3.0 / clip.duration, abs=0.01)
    assert (infos[photo.pk].video_seconds, infos[photo.pk].video_plays) == (0.0, 0)


def test_the_recommender_learns_from_play_and_watch_events(make_user: Any, video_note: Any) -> None:
    reader = make_user()
    clip = NoteClip.objects.get(note=video_note)
    EngagementEvent.objects.bulk_create(
        [
            EngagementEvent(user_id=reader.pk, note_id=video_note.pk, kind="open"),
            EngagementEvent(user_id=reader.pk, note_id=video_note.pk, kind="play"),
            EngagementEvent(
                user_id=reader.pk, note_id=video_note.pk, kind="watch", value=clip.duration
            ),
        ]
    )
    log = store.interactions(days=7)
    from qiao.engines.recommend.types import KIND_CODES

    assert [KIND_CODES[k] for k in log.kinds.tolist()] == ["open", "play", "watch"]
    # watched to the end: the watch counts like a long dwell on top of the open
    strengths = log.strengths(np.full(len(log), clip.duration, dtype=np.float32))
    assert strengths.tolist() == [0.5, 0.0, 0.5]


def test_moderators_see_the_poster_and_can_play_the_clip(make_user: Any, video_note: Any) -> None:
    from django.contrib.auth.models import Group

    from qiao.moderation import services as moderation

    moderation.report(make_user(), kind="note", target_id=video_note.pk, reason="spam")
    mod = make_user(is_staff=True)
    mod.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(type(mod).objects.get(pk=mod.pk))
    clip = NoteClip.objects.get(note=video_note)
    queue = client.get("/admin/moderation/report/").content.decode()
    assert f"/media/{clip.poster_variants['320']['jpeg']}" in queue and "▶ 0:04" in queue
    from qiao.moderation.models import Report

    report_id = Report.objects.get().pk
    page = client.get(f"/admin/moderation/report/{report_id}/change/").content.decode()
    assert "<video controls" in page and f"/media/{clip.renditions[0]['path']}" in page
    clips_page = client.get("/admin/notes/noteclip/")
    assert clips_page.status_code == 200 and "Clip" in clips_page.content.decode()
    assert client.get(f"/admin/notes/noteclip/{clip.pk}/change/").status_code == 200

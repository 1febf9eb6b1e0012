"""What the layering promises: one indexing run per event, topic counts that follow edits,
one store per translation with eviction, deleted words leaving the cache, the periodic jobs
listed once, and limits enforced by the services whichever edge is used."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qiao.notes import services as notes
from qiao.notes.models import Topic
from qiao.social import services as social
from qiao.translation import services as tr
from qiao.translation.models import CachedTranslation, NoteVersion

pytestmark = pytest.mark.django_db


def test_publishing_indexes_a_note_once(make_user: Any, run_tasks: None, image_bytes: Any) -> None:
    from qiao.search import tasks

    with mock.patch("qiao.search.receivers.enqueue_on_commit") as enqueue:
        note = notes.create_note(
            make_user(),
            title="Hot pot night",
            body="#hotpot #food",
            images=[notes.ImageInput(data=image_bytes())],
        )
    assert [c.args for c in enqueue.call_args_list] == [(tasks.index_note, note.pk)]


def test_retagging_a_published_note_reindexes_and_recounts(make_user: Any, make_note: Any) -> None:
    author = make_user()
    note = make_note(author, title="Lunch", body="#noodles")
    assert Topic.objects.get(name="noodles").note_count == 1
    with mock.patch("qiao.search.receivers.enqueue_on_commit") as enqueue:
        notes.update_note(author, note.pk, topics=["dumplings"], body="no tags now")
    assert enqueue.call_count == 1
    assert Topic.objects.get(name="noodles").note_count == 0
    assert Topic.objects.get(name="dumplings").note_count == 1


def test_a_note_translation_is_stored_once(make_user: Any, make_note: Any, libre: Any) -> None:
    note = make_note(make_user(), title="我喜欢火锅", body="火锅好吃")
    assert NoteVersion.objects.filter(note=note, language="en").count() == 1
    assert CachedTranslation.objects.count() == 0  # not also in the short-text cache


def test_the_short_text_cache_is_evicted(settings: Any) -> None:
    now = timezone.now()
    CachedTranslation.objects.bulk_create(
        [
            CachedTranslation(key=f"old{i}", text="x", last_used_at=now - timedelta(days=200))
            for i in range(3)
        ]
        + [
            CachedTranslation(key=f"new{i}", text="y", last_used_at=now - timedelta(days=i))
            for i in range(5)
        ]
    )
    settings.QIAO_TRANSLATION_CACHE_DAYS = 90
    settings.QIAO_TRANSLATION_CACHE_MAX_ROWS = 3
    assert tr.prune_cache() == 5
    assert sorted(CachedTranslation.objects.values_list("key", flat=True)) == [
        "new0",
        "new1",
        "new2",
    ]


def test_a_deleted_comment_leaves_the_translation_cache(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    author, reader = make_user(), make_user(read_languages=["zh"])
    note = make_note(author, title="Weekend", body="nice")
    comment = social.add_comment(author, note.pk, "I love this place")
    comment.refresh_from_db()
    tr.text_for_reader(comment.body, comment.language, "zh", reader=reader)
    assert CachedTranslation.objects.count() == 1
    social.delete_comment(author, comment.pk)
    assert CachedTranslation.objects.count() == 0


def test_periodic_jobs_are_listed_once_for_both_schedulers(capsys: Any) -> None:
    from qiao.ops import periodic
    from qiao.ops.celery import app

    names = {job.name for job in periodic.jobs()}
    assert set(app.conf.beat_schedule) == names
    call_command("periodic", "--list")
    out = capsys.readouterr().out
    assert all(name in out for name in names)
    call_command("periodic", "prune-translation-cache")
    assert "prune-translation-cache: 0" in capsys.readouterr().out


def test_translation_limits_hold_on_the_pages_too(
    settings: Any, make_user: Any, make_note: Any, client: Client
) -> None:
    """The web's translation fragments had no limit; now the service counts every request."""
    settings.QIAO_RATE_LIMITS_ENABLED = True
    settings.QIAO_RATE_LIMITS = {**settings.QIAO_RATE_LIMITS, "translate": "2/60"}
    from django.core.cache import cache

    cache.clear()
    note = make_note(make_user(), title="我喜欢火锅", body="火锅好吃")
    reader = make_user(read_languages=["en"])
    client.force_login(reader)
    codes = [client.get(f"/notes/{note.pk}/translation").status_code for _ in range(4)]
    assert codes[:2] == [200, 200] and codes[-1] == 429

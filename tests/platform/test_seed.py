"""`qiao seed --users N --notes M`: a bulk site is consistent, shows the demo's real photos and
has real tastes for the recommender to learn. (The curated community: tests/ops/.)"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from qiao.accounts.models import User
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note, NoteImage
from qiao.notes.topics import interest_topics
from qiao.search.models import NoteSearchDocument
from qiao.search.services import search
from qiao.social.models import Like

pytestmark = pytest.mark.django_db


def test_seed_makes_a_consistent_site_with_learnable_tastes(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed", users=40, notes=400, events_per_user=40, images=1, quiet=True)
    assert User.objects.count() == 41  # + demo
    assert Note.objects.count() == 400
    assert not Note.objects.filter(images__isnull=True).exists()
    # the demo's photographs, processed once each and shared, with alt text
    assert NoteImage.objects.values("original").distinct().count() == 1
    assert not NoteImage.objects.filter(alt_text="").exists()
    events = EngagementEvent.objects.all()
    kinds = Counter(events.values_list("kind", flat=True))
    assert kinds["impression"] == 41 * 40
    assert kinds["open"] == kinds["dwell"] > 0
    assert kinds["like"] == Like.objects.count() > 0
    # counters agree with the rows
    for note in Note.objects.filter(like_count__gt=0)[:50]:
        assert note.like_count == Like.objects.filter(note=note).count()
    # nobody saw a note before it was posted
    published = dict(Note.objects.values_list("pk", "published_at"))
    assert all(at >= published[nid] for nid, at in events.values_list("note_id", "created_at"))
    # users like their interests far more often than the rest: something true to learn
    topic_of = {
        n.pk: {t.name for t in n.topics.all()} for n in Note.objects.prefetch_related("topics")
    }
    interests = dict(User.objects.values_list("pk", "interests"))
    hits: Counter[tuple[str, bool]] = Counter()
    for uid, nid, kind in events.filter(kind__in=["impression", "like"]).values_list(
        "user_id", "note_id", "kind"
    ):
        match = bool(topic_of[nid] & set(interest_topics(interests[uid] or [])))
        hits[(kind, match)] += 1
    rate_match = hits[("like", True)] / hits[("impression", True)]
    rate_other = hits[("like", False)] / max(1, hits[("impression", False)])
    assert rate_match > 3 * rate_other
    # every seeded note is in the search index: found by search() without `qiao serve`
    assert NoteSearchDocument.objects.count() == 400
    for lang in ("en", "zh"):
        note = Note.objects.filter(language=lang).order_by("pk").first()
        assert note is not None
        # bulk texts repeat by design; search lists one note of each look-alike
        found = search(None, note.title, "notes", limit=50).items
        assert note.title in [n.title for n in found], (lang, note.title)
        assert len({(n.title, n.body) for n in found}) == len(found)


def test_seed_can_leave_the_search_index_empty(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command(
        "seed", users=5, notes=20, events_per_user=2, images=1, quiet=True, search_index=False
    )
    assert Note.objects.count() == 20 and not NoteSearchDocument.objects.exists()

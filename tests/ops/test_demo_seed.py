"""The curated demo community in the database (`qiao.ops.demo.seed`): what `qiao serve` makes
on a fresh home. One seeding for the module (`demo_site`); each test reads it."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from qiao.accounts.demo import DEMO_PASSWORD
from qiao.accounts.models import Follow, User
from qiao.core.text import topic_spans
from qiao.events.models import EngagementEvent
from qiao.notes import read as notes_read
from qiao.notes.models import Note, NoteImage, Topic
from qiao.ops.demo import content
from qiao.ops.demo.seed import AlreadySeeded, seed_demo
from qiao.search.services import search
from qiao.social.models import Board, Collect, Comment, Like, Notification
from qiao.translation.models import NoteVersion

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def data() -> content.DemoCommunity:
    return content.load()


def test_everything_of_the_plan_is_there(demo_site: Any, data: content.DemoCommunity) -> None:
    assert User.objects.count() == len(data.people) == demo_site.people
    assert Note.objects.count() == len(data.notes) >= 300
    assert Note.objects.values("author").distinct().count() >= 40
    assert len(set(Note.objects.values_list("title", flat=True))) == len(data.notes)
    assert Comment.objects.count() == len(data.comments)
    assert Comment.objects.filter(parent__isnull=False).count() == sum(
        1 for c in data.comments if c.parent_id
    )
    assert Follow.objects.count() == len(data.follows)
    assert Like.objects.count() == len(data.likes)
    assert Collect.objects.count() == len(data.collects)
    assert Board.objects.count() == len(data.boards)


def test_photos_are_processed_once_and_shared_with_alt_text_in_the_notes_language(
    demo_site: Any, data: content.DemoCommunity
) -> None:
    originals = Counter(NoteImage.objects.values_list("original", flat=True))
    assert len(originals) == demo_site.photos >= 150
    assert max(originals.values()) <= 2  # one photo serves at most two notes
    for img in NoteImage.objects.select_related("note"):
        assert img.variants and img.phash and img.blurhash
        assert img.alt_text, img.note.title
        assert content.text_language(img.alt_text) == img.note.language
    # a shared photo is the same files, not a copy per note
    shared = [path for path, n in originals.items() if n == 2]
    assert shared
    variants = {
        str(v)
        for v in NoteImage.objects.filter(original=shared[0]).values_list("variants", flat=True)
    }
    assert len(variants) == 1


def test_author_translations_are_the_authors_and_labelled_so(
    demo_site: Any, data: content.DemoCommunity
) -> None:
    versions = NoteVersion.objects.select_related("note")
    assert versions.count() == sum(1 for n in data.notes if n.translation) >= 40
    for v in versions:
        assert not v.is_machine and v.engine == "author" and v.language != v.note.language


def test_counters_agree_with_the_rows(demo_site: Any) -> None:
    likes = dict(Like.objects.values_list("note").annotate(n=Count("pk")))
    comments = dict(Comment.objects.values_list("note").annotate(n=Count("pk")))
    collects = dict(Collect.objects.values_list("note").annotate(n=Count("pk")))
    for pk, lc, cc, kc in Note.objects.values_list(
        "pk", "like_count", "comment_count", "collect_count"
    ):
        assert (lc, cc, kc) == (likes.get(pk, 0), comments.get(pk, 0), collects.get(pk, 0))
    followers = dict(Follow.objects.values_list("followee").annotate(n=Count("pk")))
    notes = dict(Note.objects.values_list("author").annotate(n=Count("pk")))
    for u in User.objects.all():
        assert u.follower_count == followers.get(u.pk, 0)
        assert u.note_count == notes.get(u.pk, 0)
    replies = dict(
        Comment.objects.filter(parent__isnull=False).values_list("parent").annotate(n=Count("pk"))
    )
    for c in Comment.objects.filter(parent__isnull=True):
        assert c.reply_count == replies.get(c.pk, 0)
    for t in Topic.objects.all():
        assert t.note_count == t.notes.count() >= 1


def test_the_demo_account_has_a_life(demo_site: Any) -> None:
    demo = User.objects.get(username="demo")
    assert authenticate(username="demo", password=DEMO_PASSWORD) == demo
    other = User.objects.exclude(username="demo").first()
    assert other is not None and not other.has_usable_password()  # characters, not logins
    assert Board.objects.filter(owner=demo).count() >= 2
    assert Collect.objects.filter(user=demo).exists()
    kinds = set(Notification.objects.filter(recipient=demo).values_list("kind", flat=True))
    assert {"like", "comment", "follow"} <= kinds
    unread = Notification.objects.filter(recipient=demo, read_at__isnull=True).count()
    assert 0 < unread < Notification.objects.filter(recipient=demo).count()
    assert demo.follower_count > 0 and demo.following_count > 0
    # A chat history in both languages, in the inbox (not requests), some of it unread.
    from qiao.messages.access import unread_totals
    from qiao.messages.models import Member, Message

    chats = Member.objects.filter(user=demo)
    assert chats.count() >= 2 and not chats.exclude(state=Member.State.ACTIVE).exists()
    langs = set(
        Message.objects.filter(conversation__members__user=demo).values_list("language", flat=True)
    )
    assert {"zh", "en"} <= langs
    assert unread_totals(demo)["messages"] > 0


def test_every_hashtag_opens_a_topic_page_holding_its_note(demo_site: Any) -> None:
    """The dead-hashtag category: each #tag as the text draws it links to a topic page, and
    that page lists the note (paged through to the end, as a visitor would scroll)."""
    pages: dict[str, set[int]] = {}

    def page_of(tag: str) -> set[int]:
        if tag not in pages:
            found: set[int] = set()
            cursor = None
            while True:
                rows, cursor = notes_read.list_notes(None, topic=tag, cursor=cursor, limit=50)
                found |= {n.pk for n in rows}
                if not cursor:
                    break
            pages[tag] = found
        return pages[tag]

    checked = 0
    for note in Note.objects.all():
        for _start, _end, tag in topic_spans(note.body):
            assert note.pk in page_of(tag), (note.title, tag)
            checked += 1
    assert checked > 500


def test_the_engagement_log_tells_the_plan(demo_site: Any) -> None:
    events = defaultdict(list)
    for user_id, note_id, kind, at in EngagementEvent.objects.values_list(
        "user_id", "note_id", "kind", "created_at"
    ):
        events[(user_id, note_id)].append((at, kind))
    published = dict(Note.objects.values_list("pk", "published_at"))
    for (_user_id, note_id), rows in events.items():
        assert all(at >= published[note_id] for at, _kind in rows)
        kinds = [k for _at, k in sorted(rows)]
        if "like" in kinds:  # seen and opened before liked
            assert kinds.index("impression") < kinds.index("open") < kinds.index("like")
    for user_id, note_id in Like.objects.values_list("user_id", "note_id"):
        assert any(k == "like" for _at, k in events[(user_id, note_id)])
    # what the demo account scrolled past is older than the feed's no-repeat window, so its
    # first visit is not emptied by history it never saw
    demo = User.objects.get(username="demo")
    recent = timezone.now() - timedelta(days=3)
    engaged = set(
        EngagementEvent.objects.filter(
            user_id=demo.pk, kind__in=("like", "collect", "comment")
        ).values_list("note_id", flat=True)
    )
    scrolled = EngagementEvent.objects.filter(user_id=demo.pk, kind="impression")
    assert scrolled.exclude(note_id__in=engaged).exists()
    assert not scrolled.exclude(note_id__in=engaged).filter(created_at__gte=recent).exists()


def test_search_finds_demo_notes_in_both_languages(demo_site: Any) -> None:
    for lang in ("zh", "en"):
        note = Note.objects.filter(language=lang).order_by("pk").first()
        assert note is not None
        assert note.pk in [n.pk for n in search(None, note.title, "notes", limit=20).items]


def test_seeding_twice_is_refused(demo_site: Any) -> None:
    with pytest.raises(AlreadySeeded):
        seed_demo()
    with pytest.raises(CommandError, match="Nothing to do"):
        call_command("seed", quiet=True)

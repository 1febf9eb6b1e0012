"""The curated demo community (`qiao.ops.demo.content`) written into the database.

`seed_demo()` is what `qiao serve` runs on a fresh home and what `qiao seed` runs without
bulk options. In order: the photos through the media pipeline (once each, in a process pool,
shared by the at most two notes showing them), people (the demo account with the documented
password; the others cannot sign in), topics, notes with their photos and alt text in the
note's language, the authors' own translations (`NoteVersion`, `is_machine=False`, engine
"author", shown labelled as the author's), comments and replies, follows, likes, boards and
collects, the demo account's notifications, its conversations (when a messages app exists),
an engagement log consistent with all that (so `qiao train` learns real tastes), every
counter, and the search index.

Rows are written with `bulk_create` in a few transactions, not through the services: the
services' side effects (notifications, rate limits, background jobs) describe a person
acting now, while the demo happened over the last sixty days.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from qiao.accounts.demo import DEMO_PASSWORD
from qiao.accounts.models import Follow, User
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note, NoteImage, Topic
from qiao.ops.demo import content
from qiao.ops.demo.media import StoredPhoto, process_photos
from qiao.social.models import Board, Collect, Comment, Like, Notification
from qiao.translation.models import NoteVersion

logger = logging.getLogger(__name__)

#: Notifications newer than this are left unread: the demo account opens on a few new ones.
UNREAD_FOR = timedelta(days=2)
#: The demo account's own browsing is older than the feed's no-repeat window (3 days), so
#: its first For-you visit is not emptied by history it never saw.
DEMO_HISTORY_AGE = timedelta(days=4)


@dataclass
class SeedReport:
    """What was created, and how long each stage took (seconds of wall time)."""

    people: int = 0
    notes: int = 0
    photos: int = 0
    comments: int = 0
    translations: int = 0
    follows: int = 0
    likes: int = 0
    boards: int = 0
    collects: int = 0
    notifications: int = 0
    conversations: int = 0
    events: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.people} people, {self.notes} notes with {self.photos} photos, "
            f"{self.comments} comments, {self.translations} author translations, "
            f"{self.likes} likes, {self.boards} boards, {self.events} events"
        )


class AlreadySeeded(Exception):
    """The demo community (or another site) is already in this database."""


def demo_exists() -> bool:
    return User.objects.filter(username=content.DEMO_USERNAME).exists()


def seed_demo(
    now: datetime | None = None,
    *,
    workers: int | None = None,
    search_index: bool = True,
    progress: Callable[[str, int, int], Any] | None = None,
) -> SeedReport:
    """Create the demo community as it stood at `now` (default: this moment).

    `progress(stage, done, total)` is called as photos are processed. Raises AlreadySeeded
    when the demo account exists (seeding twice would duplicate every note)."""
    if demo_exists():
        raise AlreadySeeded(f"the demo account '{content.DEMO_USERNAME}' already exists")
    report = SeedReport()
    clock = _Stopwatch(report)
    community = content.load(now or timezone.now())
    used = {pid for n in community.notes for pid in n.photo_ids}
    photos = [p for p in community.photos if p.id in used]

    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress("photos", done, len(photos))

    stored = process_photos(photos, settings.QIAO_IMAGE_WIDTHS, workers=workers, progress=tick)
    report.photos = len(stored)
    clock.lap("photos")
    with transaction.atomic():
        writer = _Writer(community, stored, report)
        writer.write()
    clock.lap("rows")
    if search_index:
        from qiao.search.index import index_notes, optimize

        index_notes(writer.note_pk.values())
        optimize()
        clock.lap("search index")
    from qiao.core.db import refresh_planner_stats

    refresh_planner_stats()
    return report


class _Stopwatch:
    def __init__(self, report: SeedReport) -> None:
        self.report = report
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.seconds[stage] = round(now - self.last, 2)
        self.last = now


class _Writer:
    """Writes one `DemoCommunity`; keeps the demo ids -> database keys it assigned."""

    def __init__(
        self, community: content.DemoCommunity, stored: dict[str, StoredPhoto], report: SeedReport
    ) -> None:
        self.c = community
        self.stored = stored
        self.report = report
        self.user_pk: dict[str, int] = {}
        self.note_pk: dict[str, int] = {}
        self.comment_pk: dict[str, int] = {}
        self.rng = random.Random(20250118)

    def write(self) -> None:
        self._people()
        self._notes()
        self._translations()
        self._comments()
        self._follows()
        self._likes()
        self._boards()
        self._notifications()
        self.report.conversations = store_conversations(self.c, self.user_pk)
        self._events()
        self._counters()

    # -- people -----------------------------------------------------------------------
    def _people(self) -> None:
        usable = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
        first = min((n.created_at for n in self.c.notes), default=self.c.now)
        rows = []
        for i, p in enumerate(self.c.people):
            is_demo = p.username == content.DEMO_USERNAME
            rows.append(
                User(
                    username=p.username,
                    email=f"{p.username}@demo.qiao.invalid",
                    # Only the demo account can sign in; the community's people are characters.
                    password=usable if is_demo else make_password(None),
                    display_name=p.display_name[:50],
                    bio=p.bio[:300],
                    bio_language=content.text_language(p.bio),
                    chinese_name=p.chinese_name[:12],
                    ui_language=p.ui_language,
                    read_languages=list(p.reads),
                    interests=list(p.interests),
                    onboarded=True,
                    avatar_color=p.avatar_color,
                    date_joined=first - timedelta(days=30 + (i * 7) % 300),
                )
            )
        made = User.objects.bulk_create(rows)
        self.user_pk = {row.username: row.pk for row in made}
        self.report.people = len(rows)

    # -- notes ------------------------------------------------------------------------
    def _notes(self) -> None:
        names = sorted({t for n in self.c.notes for t in n.topics})
        Topic.objects.bulk_create([Topic(name=t) for t in names], ignore_conflicts=True)
        topic_pk = dict(Topic.objects.filter(name__in=names).values_list("name", "pk"))
        # SQLite (3.35+) and PostgreSQL hand the new keys back from a bulk insert.
        made = Note.objects.bulk_create(
            [
                Note(
                    author_id=self.user_pk[n.author],
                    title=n.title,
                    body=n.body,
                    language=n.language,
                    created_at=n.created_at,
                    published_at=n.created_at,
                    visibility=Note.Visibility.PUBLIC,
                    status=Note.Status.PUBLISHED,
                )
                for n in self.c.notes
            ]
        )
        self.note_pk = {n.id: row.pk for n, row in zip(self.c.notes, made, strict=True)}
        images = []
        links = []
        for n in self.c.notes:
            pk = self.note_pk[n.id]
            for position, photo_id in enumerate(n.photo_ids):
                s = self.stored[photo_id]
                images.append(
                    NoteImage(
                        note_id=pk,
                        position=position,
                        original=s.original,
                        width=s.width,
                        height=s.height,
                        variants=s.variants,
                        blurhash=s.blurhash,
                        dominant_color=s.dominant_color,
                        phash=s.phash,
                        alt_text=self.c.photo(photo_id).alt(n.language)[:200],
                    )
                )
            links += [Note.topics.through(note_id=pk, topic_id=topic_pk[t]) for t in n.topics]
        NoteImage.objects.bulk_create(images)
        Note.topics.through.objects.bulk_create(links)
        self.report.notes = len(self.c.notes)

    def _translations(self) -> None:
        rows = [
            NoteVersion(
                note_id=self.note_pk[n.id],
                language=n.translation.language,
                title=n.translation.title[:200],
                body=n.translation.body,
                is_machine=False,
                engine="author",
                source_language=n.language,
                created_at=n.created_at + timedelta(minutes=20),
            )
            for n in self.c.notes
            if n.translation is not None
        ]
        NoteVersion.objects.bulk_create(rows)
        self.report.translations = len(rows)

    def _comments(self) -> None:
        by_id = {c.id: c for c in self.c.comments}
        # Top-level comments first: replies point at them.
        for level in (False, True):
            batch = [c for c in self.c.comments if (c.parent_id is not None) == level]
            made = Comment.objects.bulk_create(
                [
                    Comment(
                        note_id=self.note_pk[c.note_id],
                        author_id=self.user_pk[c.author],
                        body=c.body,
                        language=c.language,
                        created_at=c.created_at,
                        parent_id=self.comment_pk[c.parent_id] if c.parent_id else None,
                        reply_to_id=(
                            self.user_pk[by_id[c.reply_to_id].author] if c.reply_to_id else None
                        ),
                    )
                    for c in batch
                ]
            )
            self.comment_pk.update({c.id: row.pk for c, row in zip(batch, made, strict=True)})
        self.report.comments = len(self.c.comments)

    # -- the social graph -------------------------------------------------------------
    def _follows(self) -> None:
        Follow.objects.bulk_create(
            [
                Follow(
                    follower_id=self.user_pk[f.follower],
                    followee_id=self.user_pk[f.followee],
                    status=Follow.Status.ACCEPTED,
                    created_at=f.created_at,
                )
                for f in self.c.follows
            ]
        )
        self.report.follows = len(self.c.follows)

    def _likes(self) -> None:
        Like.objects.bulk_create(
            [
                Like(
                    user_id=self.user_pk[x.user],
                    note_id=self.note_pk[x.note_id],
                    created_at=x.created_at,
                )
                for x in self.c.likes
            ]
        )
        self.report.likes = len(self.c.likes)

    def _boards(self) -> None:
        made = Board.objects.bulk_create(
            [
                Board(
                    owner_id=self.user_pk[b.owner],
                    name=b.name[:40],
                    description=b.description[:200],
                    language=b.language,
                    item_count=len(b.note_ids),
                    created_at=b.created_at,
                )
                for b in self.c.boards
            ]
        )
        board_pk = {(b.owner, b.name): row.pk for b, row in zip(self.c.boards, made, strict=True)}
        Collect.objects.bulk_create(
            [
                Collect(
                    board_id=board_pk[(x.user, x.board)],
                    note_id=self.note_pk[x.note_id],
                    user_id=self.user_pk[x.user],
                    created_at=x.created_at,
                )
                for x in self.c.collects
            ]
        )
        self.report.boards = len(self.c.boards)
        self.report.collects = len(self.c.collects)

    def _notifications(self) -> None:
        rows = []
        for n in self.c.notifications:
            unread = self.c.now - n.created_at < UNREAD_FOR
            rows.append(
                Notification(
                    recipient_id=self.user_pk[n.recipient],
                    actor_id=self.user_pk[n.actor],
                    kind=n.kind,
                    note_id=self.note_pk[n.note_id] if n.note_id else None,
                    comment_id=self.comment_pk[n.comment_id] if n.comment_id else None,
                    created_at=n.created_at,
                    read_at=None if unread else self.c.now,
                )
            )
        Notification.objects.bulk_create(rows)
        self.report.notifications = len(rows)

    # -- the engagement log -----------------------------------------------------------
    def _events(self) -> None:
        """What people did, as the recommender reads it: every like, collect and comment was
        an impression, an open and some dwell time first, and people also scrolled past
        notes they did not open. Times are those of the plan."""
        author = {n.id: self.user_pk[n.author] for n in self.c.notes}
        created = {n.id: n.created_at for n in self.c.notes}
        acted: dict[tuple[str, str], datetime] = {}
        kinds: dict[tuple[str, str], list[str]] = defaultdict(list)
        done: list[tuple[str, str, str, datetime]] = (
            [(x.user, x.note_id, "like", x.created_at) for x in self.c.likes]
            + [(x.user, x.note_id, "collect", x.created_at) for x in self.c.collects]
            # authors answering under their own notes are not engaging with them
            + [
                (x.author, x.note_id, "comment", x.created_at)
                for x in self.c.comments
                if author[x.note_id] != self.user_pk[x.author]
            ]
        )
        for user, note_id, kind, at in done:
            key = (user, note_id)
            acted[key] = min(acted.get(key, at), at)
            kinds[key].append(kind)
        rows: list[EngagementEvent] = []

        def add(user: str, note_id: str, kind: str, at: datetime, value: float = 0.0) -> None:
            rows.append(
                EngagementEvent(
                    user_id=self.user_pk[user],
                    note_id=self.note_pk[note_id],
                    author_id=author[note_id],
                    kind=kind,
                    value=value,
                    surface="for_you",
                    created_at=at,
                )
            )

        for (user, note_id), at in sorted(acted.items()):
            # seen, opened and read in the minutes before acting (never before the note)
            gap = min(180.0, (at - created[note_id]).total_seconds())
            seen = at - timedelta(seconds=gap * 0.9)
            add(user, note_id, "impression", seen)
            add(user, note_id, "open", seen + timedelta(seconds=gap * 0.05))
            add(
                user,
                note_id,
                "dwell",
                seen + timedelta(seconds=gap * 0.1),
                float(self.rng.randint(15, 120)),
            )
            for kind in dict.fromkeys(kinds[(user, note_id)]):
                add(user, note_id, kind, at)
        # Scrolled past: for each person, notes outside what they engaged with, about as
        # many as they engaged with; a third of them opened briefly. The demo account's
        # were all before the feed's no-repeat window, so its first visit shows them again.
        engaged: dict[str, set[str]] = defaultdict(set)
        for user, note_id in acted:
            engaged[user].add(note_id)
        all_notes = [n.id for n in self.c.notes]
        for p in self.c.people:
            latest = (
                self.c.now - DEMO_HISTORY_AGE if p.username == content.DEMO_USERNAME else self.c.now
            )
            own = {n.id for n in self.c.notes if n.author == p.username}
            pool = [
                i
                for i in all_notes
                if i not in engaged[p.username]
                and i not in own
                and created[i] < latest - timedelta(minutes=2)
            ]
            for note_id in self.rng.sample(pool, min(len(pool), max(10, len(engaged[p.username])))):
                span = int((latest - created[note_id]).total_seconds()) - 60
                at = created[note_id] + timedelta(seconds=self.rng.randrange(30, span))
                add(p.username, note_id, "impression", at)
                if self.rng.random() < 0.33:
                    add(p.username, note_id, "open", at + timedelta(seconds=4))
                    add(
                        p.username,
                        note_id,
                        "dwell",
                        at + timedelta(seconds=10),
                        float(self.rng.randint(2, 8)),
                    )
        EngagementEvent.objects.bulk_create(rows, batch_size=2000)
        self.report.events = len(rows)
        self._opens = Counter(ev.note_id for ev in rows if ev.kind == "open")

    # -- counters ---------------------------------------------------------------------
    def _counters(self) -> None:
        likes = Counter(x.note_id for x in self.c.likes)
        collects = Counter(x.note_id for x in self.c.collects)
        comments = Counter(x.note_id for x in self.c.comments)
        for n in self.c.notes:
            pk = self.note_pk[n.id]
            Note.objects.filter(pk=pk).update(
                like_count=likes[n.id],
                collect_count=collects[n.id],
                comment_count=comments[n.id],
                view_count=self._opens[pk] + likes[n.id] + comments[n.id],
            )
        replies = Counter(x.parent_id for x in self.c.comments if x.parent_id)
        for comment_id, count in replies.items():
            Comment.objects.filter(pk=self.comment_pk[comment_id]).update(reply_count=count)
        following = Counter(f.follower for f in self.c.follows)
        followers = Counter(f.followee for f in self.c.follows)
        notes = Counter(n.author for n in self.c.notes)
        author = {n.id: n.author for n in self.c.notes}
        received = Counter(author[x.note_id] for x in self.c.likes)
        for username, pk in self.user_pk.items():
            User.objects.filter(pk=pk).update(
                following_count=following[username],
                follower_count=followers[username],
                note_count=notes[username],
                likes_received=received[username],
            )
        topic_notes = Counter(t for n in self.c.notes for t in n.topics)
        for name, count in topic_notes.items():
            Topic.objects.filter(name=name).update(note_count=count)


def store_conversations(community: content.DemoCommunity, user_pk: dict[str, int]) -> int:
    """The demo account's direct-message history, stored through the messages domain
    (`import_conversation`: everyone in the inbox, unread counted after each member's own
    last message). Returns how many conversations were stored."""
    from qiao.messages.services import import_conversation

    people = User.objects.in_bulk(list(user_pk.values()))
    for conv in community.conversations:
        import_conversation(
            [people[user_pk[u]] for u in conv.participants],
            [(people[user_pk[m.sender]], m.body, m.created_at) for m in conv.messages],
        )
    return len(community.conversations)


def demo_people() -> Iterable[str]:
    """The usernames the demo community uses (for tests and the operator's clean-up)."""
    return (p.username for p in content.load().people)

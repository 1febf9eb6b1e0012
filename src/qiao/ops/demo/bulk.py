"""Bulk sites for benchmarks: `qiao seed --users N --notes M --events-per-user E`.

Up to a million notes and ten million events, written with prepared INSERTs in batches. The
texts and photographs are the demo community's (`qiao.ops.demo.content`): note j of a bulk
site is a copy of one of the 327 written notes (in its author's language) with that note's
real photos and #topics. **Texts and photos repeat by design**: a benchmark site needs volume
and realistic shapes (lengths, languages, topics, photo sizes), not a million distinct
posts. The feeds and search de-duplicate what they show, so a page never holds two copies of
one text or one photo (`qiao.notes.similar`). The curated community itself (`qiao seed`
without bulk options) has no duplicates at all.

Each photo is processed once (`qiao.ops.demo.media`) and shared by every note that shows it.
The engagement log has real tastes in it: each user mostly browses their interests and
opens and likes those far more often than the rest, so the recommender has something true
to learn.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from qiao.accounts.demo import DEMO_PASSWORD
from qiao.accounts.models import Follow, User
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note, NoteImage, Topic
from qiao.notes.topics import INTEREST_TOPICS, canonical
from qiao.ops.demo import content
from qiao.ops.demo.media import StoredPhoto, process_photos
from qiao.social.models import Comment, Like

NOTE_COLUMNS = [
    "id",
    "author_id",
    "title",
    "body",
    "language",
    "visibility",
    "status",
    "created_at",
    "updated_at",
    "published_at",
    "like_count",
    "collect_count",
    "comment_count",
    "view_count",
    "is_removed",
]
IMAGE_COLUMNS = [
    "note_id",
    "position",
    "original",
    "width",
    "height",
    "variants",
    "blurhash",
    "dominant_color",
    "phash",
    "alt_text",
    "ai_generated",
]
EVENT_COLUMNS = ["user_id", "note_id", "author_id", "kind", "value", "surface", "created_at"]
#: Bulk users' interests: the onboarding interests the demo notes cover.
CATEGORIES = (
    "travel",
    "food",
    "pets",
    "daily",
    "study",
    "fashion",
    "music",
    "art",
    "photography",
    "fitness",
)
ZH_NAMES = [
    "小红",
    "阿杰",
    "糖糖",
    "王小明",
    "李想",
    "陈晨",
    "张雨",
    "刘洋",
    "林夕",
    "周周",
    "赵小米",
    "吴桐",
    "孙悟饭",
    "郑好",
    "黄小鸭",
    "何以",
    "高飞",
    "罗拉",
    "梁静",
    "宋宋",
]
EN_NAMES = [
    "Emily",
    "Jake",
    "Sophia",
    "Mason",
    "Olivia",
    "Ethan",
    "Ava",
    "Liam",
    "Mia",
    "Noah",
    "Harper",
    "Lucas",
    "Ella",
    "Logan",
    "Chloe",
    "Ben",
    "Grace",
    "Ryan",
    "Zoe",
    "Sam",
]


def _insert(
    model: Any, columns: list[str], rows: list[tuple[Any, ...]], skip_existing: bool = False
) -> None:
    """INSERT many rows with one prepared statement: ~3x faster than bulk_create, which
    builds a model instance and prepares every value of every row in Python."""
    if not rows:
        return
    qn = connection.ops.quote_name
    # Table and column names come from model metadata, values go in as parameters.
    names = ", ".join(qn(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    conflict = " ON CONFLICT DO NOTHING" if skip_existing else ""
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({marks}){conflict}"  # noqa: S608 - quoted names
    with connection.cursor() as cursor:
        for lo in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[lo : lo + 10_000])


def _reset_sequences(*models: Any) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind: catch them up."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def category_of(note: content.Note) -> str:
    """The onboarding interest a written note belongs to (its first topic that one covers)."""
    covered = {
        name: interest for interest in CATEGORIES for name in INTEREST_TOPICS.get(interest, ())
    }
    for topic in note.topics:
        found = covered.get(canonical(topic))
        if found:
            return found
    return "daily"


class BulkSeeder:
    """One bulk run; `run()` returns (users, notes, events) created."""

    def __init__(
        self,
        *,
        users: int,
        notes: int,
        events_per_user: int,
        seed: int = 1,
        images: int | None = None,
        search_index: bool = True,
        quiet: bool = False,
        workers: int | None = None,
    ) -> None:
        self.n_users = users
        self.n_notes = notes
        self.events_per_user = events_per_user
        self.rng = random.Random(seed)
        self.images = images
        self.search_index = search_index
        self.quiet = quiet
        self.workers = workers
        self.demo = content.load(timezone.now())

    def _bar(self, total: int, desc: str) -> Any:
        return tqdm(total=total, desc=desc, disable=self.quiet)

    def run(self) -> tuple[int, int, int]:
        photos = self._photos()
        with transaction.atomic():
            users = self._users()
        with transaction.atomic():
            note_ids, note_meta = self._notes(users, photos)
        with transaction.atomic():
            n_events = self._social(users, note_ids, note_meta)
        from qiao.core.db import refresh_planner_stats

        refresh_planner_stats()  # bulk loads leave the planner guessing
        return len(users), len(note_ids), n_events

    # -- photos -------------------------------------------------------------------------
    def _photos(self) -> dict[str, StoredPhoto]:
        """The demo photos through the pipeline once each (only `images` of them when set:
        tests and quick benchmarks; the notes then share those)."""
        used = list(dict.fromkeys(pid for n in self.demo.notes for pid in n.photo_ids))
        if self.images is not None:
            used = used[: max(1, self.images)]
        chosen = [self.demo.photo(pid) for pid in used]
        bar = self._bar(len(chosen), "photos")
        stored = process_photos(
            chosen, settings.QIAO_IMAGE_WIDTHS, workers=self.workers, progress=bar.update
        )
        bar.close()
        return stored

    # -- users --------------------------------------------------------------------------
    def _users(self) -> list[User]:
        password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 per user is too slow
        start = User.objects.count()
        bios = {
            lang: [p.bio for p in self.demo.people if p.language == lang] for lang in ("zh", "en")
        }
        rows = []
        if not User.objects.filter(username=content.DEMO_USERNAME).exists():
            demo = self.demo.person(content.DEMO_USERNAME)
            rows.append(
                User(
                    username=demo.username,
                    email="demo@example.com",
                    password=password,
                    display_name=demo.display_name,
                    read_languages=list(demo.reads),
                    ui_language=demo.ui_language,
                    interests=list(demo.interests),
                    onboarded=True,
                    bio=demo.bio,
                    avatar_color=demo.avatar_color,
                )
            )
        for i in range(self.n_users):
            zh = i % 2 == 0
            uname = f"{'zh' if zh else 'en'}_user{start + i}"
            rows.append(
                User(
                    username=uname,
                    email=f"{uname}@example.com",
                    password=password,
                    display_name=self.rng.choice(ZH_NAMES if zh else EN_NAMES),
                    bio=self.rng.choice(bios["zh" if zh else "en"]),
                    read_languages=(
                        ["zh"] if zh else (["en", "zh"] if self.rng.random() < 0.2 else ["en"])
                    ),
                    ui_language="zh-hans" if zh else "en",
                    onboarded=True,
                    interests=self.rng.sample(CATEGORIES, 2),
                    avatar_color=f"#{self.rng.randrange(0x404040, 0xD0D0D0):06x}",
                    date_joined=timezone.now() - timedelta(days=self.rng.randint(1, 400)),
                )
            )
        User.objects.bulk_create(rows, batch_size=2000)
        return list(User.objects.order_by("id"))

    # -- notes --------------------------------------------------------------------------
    def _notes(
        self, users: list[User], photos: dict[str, StoredPhoto]
    ) -> tuple[list[int], list[tuple[str, int]]]:
        """Notes copied from the written ones, with their photos and topics, indexed for
        search batch by batch (unless `search_index` is off); returns their ids and each
        one's (category, age in minutes)."""
        from qiao.search.index import index_notes, optimize

        written = {
            lang: [n for n in self.demo.notes if n.language == lang] for lang in ("zh", "en")
        }
        names = sorted({t for n in self.demo.notes for t in n.topics})
        Topic.objects.bulk_create([Topic(name=t) for t in names], ignore_conflicts=True)
        topic_pk = dict(Topic.objects.filter(name__in=names).values_list("name", "pk"))
        # The photos a written note shows, as (stored photo, alt text) ready for rows; with
        # fewer photos processed than written (`images`), notes share what there is.
        pool = list(photos.values())
        order = {p.id: i for i, p in enumerate(self.demo.photos)}
        shown: dict[str, list[tuple[StoredPhoto, str, str]]] = {}
        for n in self.demo.notes:
            pics: list[tuple[StoredPhoto, str, str]] = []
            for pid in n.photo_ids:
                s = photos.get(pid) or pool[order[pid] % len(pool)]
                pics.append(
                    (s, json.dumps(s.variants), self.demo.photo(s.photo_id).alt(n.language)[:200])
                )
            shown[n.id] = pics
        category = {n.id: category_of(n) for n in self.demo.notes}
        by_category: dict[tuple[str, str], list[content.Note]] = {}
        for n in self.demo.notes:
            by_category.setdefault((n.language, category[n.id]), []).append(n)
        now = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        start_id = (Note.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        batch = 5000
        made: list[int] = []
        meta: list[tuple[str, int]] = []
        bar = self._bar(self.n_notes, "notes")
        per_author: dict[int, int] = {}
        topic_counts: dict[int, int] = {}
        rng = self.rng
        for lo in range(0, self.n_notes, batch):
            notes, images, links = [], [], []
            for j in range(lo, min(self.n_notes, lo + batch)):
                author = users[rng.randrange(len(users))]
                lang = (
                    "zh"
                    if author.username.startswith("zh")
                    or (author.username == content.DEMO_USERNAME and rng.random() < 0.5)
                    else "en"
                )
                tastes = [c for c in (author.interests or []) if c in CATEGORIES]
                pick = written[lang]
                if tastes and rng.random() < 0.8:
                    pick = by_category.get((lang, rng.choice(tastes))) or pick
                src = rng.choice(pick)
                age = rng.randint(1, 60 * 24 * 60)
                at = adapt(now - timedelta(minutes=age))
                note_id = start_id + j
                notes.append(
                    (
                        note_id,
                        author.pk,
                        src.title,
                        src.body,
                        lang,
                        "public",
                        "published",
                        at,
                        at,
                        at,
                        0,
                        0,
                        0,
                        0,
                        False,
                    )
                )
                per_author[author.pk] = per_author.get(author.pk, 0) + 1
                for pos, (s, variants_json, alt) in enumerate(shown[src.id]):
                    images.append(
                        (
                            note_id,
                            pos,
                            s.original,
                            s.width,
                            s.height,
                            variants_json,
                            s.blurhash,
                            s.dominant_color,
                            s.phash,
                            alt,
                            False,
                        )
                    )
                for name in src.topics:
                    tid = topic_pk[name]
                    links.append((note_id, tid))
                    topic_counts[tid] = topic_counts.get(tid, 0) + 1
                made.append(note_id)
                meta.append((category[src.id], age))
            _insert(Note, NOTE_COLUMNS, notes)
            _insert(NoteImage, IMAGE_COLUMNS, images)
            _insert(Note.topics.through, ["note_id", "topic_id"], links)
            if self.search_index:
                index_notes(row[0] for row in notes)
            bar.update(len(notes))
        bar.close()
        if self.search_index and made:
            optimize()
        _reset_sequences(Note)
        for uid, count in per_author.items():
            User.objects.filter(pk=uid).update(note_count=count)
        for tid, count in topic_counts.items():
            Topic.objects.filter(pk=tid).update(note_count=count)
        return made, meta

    # -- follows, likes, comments, events ----------------------------------------------
    def _social(
        self, users: list[User], note_ids: list[int], note_meta: list[tuple[str, int]]
    ) -> int:
        """Follows, likes, comments and an engagement log with real tastes in it. Events are
        written in batches, so 10M of them never sit in memory at once. Returns the number
        of events."""
        if not note_ids or len(users) < 2:
            return 0
        rng = self.rng
        follows: set[tuple[int, int]] = set()
        for u in users:
            for v in rng.sample(users, min(len(users), rng.randint(2, 8))):
                if v.pk != u.pk:
                    follows.add((u.pk, v.pk))
        since = connection.ops.adapt_datetimefield_value(timezone.now())
        _insert(
            Follow,
            ["follower_id", "followee_id", "status", "created_at"],
            [(a, b, "accepted", since) for a, b in follows],
            skip_existing=True,
        )
        authors = dict(Note.objects.filter(pk__gte=min(note_ids)).values_list("pk", "author_id"))
        likes: set[tuple[int, int]] = set()
        like_rows: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        n_events = 0
        now = timezone.now()

        # Popularity is long-tailed, like a real site: a Zipf-ish pick of notes, overall and
        # within each category.
        def zipf(ids: list[int]) -> tuple[list[int], list[float]]:
            shuffled = list(ids)
            rng.shuffle(shuffled)
            return shuffled, list(
                itertools.accumulate(1.0 / math.sqrt(i + 1) for i in range(len(shuffled)))
            )

        everything = zipf(note_ids)
        by_category: dict[str, list[int]] = {}
        for nid, (cat, _age) in zip(note_ids, note_meta, strict=True):
            by_category.setdefault(cat, []).append(nid)
        category_pick = {c: zipf(ids) for c, ids in by_category.items()}
        meta = dict(zip(note_ids, note_meta, strict=True))
        adapt = connection.ops.adapt_datetimefield_value
        bar = self._bar(len(users), "events")
        for u in users:
            tastes = [c for c in (u.interests or []) if c in category_pick]
            for _ in range(self.events_per_user):
                ids, weights = (
                    category_pick[rng.choice(tastes)]
                    if tastes and rng.random() < 0.6
                    else everything
                )
                nid = rng.choices(ids, cum_weights=weights)[0]
                cat, age = meta[nid]
                liked_topic = cat in tastes
                # seen some time after it was posted, within the last 30 days
                at = adapt(now - timedelta(minutes=rng.randint(1, min(age, 60 * 24 * 30))))
                author = authors[nid]
                events.append((u.pk, nid, author, "impression", 0.0, "for_you", at))
                if rng.random() < (0.45 if liked_topic else 0.2):
                    events.append((u.pk, nid, author, "open", 0.0, "for_you", at))
                    events.append(
                        (
                            u.pk,
                            nid,
                            author,
                            "dwell",
                            float(rng.randint(12, 90) if liked_topic else rng.randint(2, 15)),
                            "for_you",
                            at,
                        )
                    )
                    if (
                        rng.random() < (0.5 if liked_topic else 0.1)
                        and author != u.pk
                        and (u.pk, nid) not in likes
                    ):
                        likes.add((u.pk, nid))
                        like_rows.append((u.pk, nid, at))
                        events.append((u.pk, nid, author, "like", 0.0, "for_you", at))
            if len(events) >= 200_000:
                _insert(EngagementEvent, EVENT_COLUMNS, events)
                n_events += len(events)
                events.clear()
            bar.update(1)
        bar.close()
        n_events += len(events)
        _insert(Like, ["user_id", "note_id", "created_at"], like_rows, skip_existing=True)
        _insert(EngagementEvent, EVENT_COLUMNS, events)
        like_counts: dict[int, int] = {}
        for _u, nid in likes:
            like_counts[nid] = like_counts.get(nid, 0) + 1
        comment_counts = self._comments(users, note_ids, since)
        by_count: dict[tuple[int, int], list[int]] = {}
        for nid in set(like_counts) | set(comment_counts):
            key = (like_counts.get(nid, 0), comment_counts.get(nid, 0))
            by_count.setdefault(key, []).append(nid)
        for (lc, cc), ids in by_count.items():
            for lo in range(0, len(ids), 900):
                Note.objects.filter(pk__in=ids[lo : lo + 900]).update(
                    like_count=lc, comment_count=cc
                )
        fc: dict[int, list[int]] = {}
        for a, b in follows:
            fc.setdefault(a, [0, 0])[0] += 1
            fc.setdefault(b, [0, 0])[1] += 1
        received: dict[int, int] = {}
        for _u, nid in likes:
            received[authors[nid]] = received.get(authors[nid], 0) + 1
        for uid in {*fc, *received}:
            following_n, followers_n = fc.get(uid, [0, 0])
            User.objects.filter(pk=uid).update(
                following_count=following_n,
                follower_count=followers_n,
                likes_received=received.get(uid, 0),
            )
        return n_events

    def _comments(self, users: list[User], note_ids: list[int], since: Any) -> dict[int, int]:
        """Comments on a quarter of the notes, written in the commenter's language (the demo
        community's comments, which repeat like the notes do)."""
        said = {
            lang: [
                c.body
                for c in self.demo.comments
                if c.language == lang and c.parent_id is None and len(c.body) < 120
            ]
            for lang in ("zh", "en")
        }
        rows = []
        counts: dict[int, int] = {}
        pick: Callable[[list[str]], str] = self.rng.choice
        for nid in self.rng.sample(note_ids, min(len(note_ids), max(1, len(note_ids) // 4))):
            for _ in range(self.rng.randint(1, 3)):
                u = self.rng.choice(users)
                lang = "zh" if u.username.startswith("zh") else "en"
                rows.append((nid, u.pk, pick(said[lang]), lang, 0, 0, since, False))
                counts[nid] = counts.get(nid, 0) + 1
        _insert(
            Comment,
            [
                "note_id",
                "author_id",
                "body",
                "language",
                "like_count",
                "reply_count",
                "created_at",
                "is_removed",
            ],
            rows,
        )
        return counts

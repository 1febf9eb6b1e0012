"""`qiao seed`: a realistic bilingual demo, deterministic for a seed, bulk-inserted."""

from __future__ import annotations

import io
import math
import random
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from tqdm import tqdm

from qiao.accounts.models import User
from qiao.core import demo_content as dc
from qiao.engines.media import inspect_image, render_variants
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note, NoteImage, Topic
from qiao.social.models import Comment, Follow, Like

DEMO_PASSWORD = "qiao-demo-pass"  # noqa: S105 - documented demo credential


def _draw_image(rng: random.Random, topic: str, index: int) -> bytes:
    """A pleasant abstract picture in the topic's palette (no network, no stock photos)."""
    palette = dc.TOPIC_PALETTES[topic]
    w, h = rng.choice([(900, 1200), (1080, 1080), (1200, 900), (900, 1350)])
    base = palette[index % len(palette)]
    img = Image.new("RGB", (w, h), base)
    draw = ImageDraw.Draw(img)
    for y in range(0, h, 6):  # vertical gradient
        t = y / h
        c = tuple(int(base[i] * (1 - t) + 255 * t * 0.35) for i in range(3))
        draw.rectangle([0, y, w, y + 6], fill=c)
    for _ in range(rng.randint(4, 9)):
        color = tuple(min(255, max(0, v + rng.randint(-60, 60)))
                      for v in rng.choice(palette))
        r = rng.randint(min(w, h) // 12, min(w, h) // 3)
        x, y = rng.randint(0, w), rng.randint(0, h)
        if rng.random() < 0.6:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=color)
        else:
            draw.rounded_rectangle([x - r, y - r // 2, x + r, y + r // 2], radius=r // 5,
                                   fill=color)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


class Command(BaseCommand):
    help = "Create demo users, notes with photos, follows, likes, comments and events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=40)
        parser.add_argument("--notes", type=int, default=240)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--images", type=int, default=6,
                            help="distinct generated pictures per topic (reused across notes)")
        parser.add_argument("--events-per-user", type=int, default=30)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        rng = random.Random(opts["seed"])
        quiet = opts["quiet"]
        pool = self._image_pool(rng, opts["images"], quiet)
        with transaction.atomic():
            users = self._users(rng, opts["users"])
        with transaction.atomic():
            note_ids = self._notes(rng, users, opts["notes"], pool, quiet)
        with transaction.atomic():
            self._social(rng, users, note_ids, opts["events_per_user"])
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {len(users)} users and {len(note_ids)} notes in {elapsed:.1f}s "
            f"({len(note_ids) / max(elapsed, 1e-9):.0f} notes/s)."
        )

    # -- images -------------------------------------------------------------------------
    def _image_pool(self, rng: random.Random, per_topic: int, quiet: bool
                    ) -> dict[str, list[dict[str, Any]]]:
        pool: dict[str, list[dict[str, Any]]] = {}
        total = per_topic * len(dc.TOPICS)
        bar = tqdm(total=total, desc="demo images", disable=quiet)
        for topic in dc.TOPICS:
            pool[topic] = []
            for i in range(per_topic):
                checked = inspect_image(_draw_image(rng, topic, i))
                stem = f"demo/{topic}-{i}-{rng.randrange(16**8):08x}"
                original = default_storage.save(f"{stem}.jpg", ContentFile(checked.clean_jpeg))
                variants: dict[str, dict[str, str]] = {}
                for v in render_variants(checked.image, settings.QIAO_IMAGE_WIDTHS):
                    ext = "webp" if v.fmt == "webp" else "jpg"
                    path = default_storage.save(f"{stem}_{v.width}.{ext}", ContentFile(v.data))
                    variants.setdefault(str(v.width), {})[v.fmt] = path
                pool[topic].append({
                    "original": original, "width": checked.width, "height": checked.height,
                    "variants": variants, "blurhash": checked.blurhash,
                    "dominant_color": checked.dominant_color, "phash": checked.phash,
                })
                bar.update(1)
        bar.close()
        return pool

    # -- users --------------------------------------------------------------------------
    def _users(self, rng: random.Random, n: int) -> list[User]:
        password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 per user is too slow
        start = User.objects.count()
        rows = []
        topics = list(dc.TOPICS)
        if not User.objects.filter(username="demo").exists():
            rows.append(User(
                username="demo", email="demo@example.com", password=password,
                display_name="Demo 演示", read_languages=["en"], ui_language="en",
                interests=["food", "pets"], onboarded=True, bio="Kicking the tyres of Qiao.",
            ))
        for i in range(n):
            zh = i % 2 == 0
            base = rng.choice(dc.ZH_NAMES if zh else dc.EN_NAMES)
            uname = f"{'zh' if zh else 'en'}_user{start + i}"
            rows.append(User(
                username=uname, email=f"{uname}@example.com", password=password,
                display_name=base, bio=rng.choice(dc.ZH_BIOS if zh else dc.EN_BIOS),
                read_languages=["zh"] if zh else (["en", "zh"] if rng.random() < 0.2 else ["en"]),
                ui_language="zh-hans" if zh else "en", onboarded=True,
                interests=rng.sample(topics, 2),
                avatar_color=f"#{rng.randrange(0x404040, 0xd0d0d0):06x}",
                date_joined=timezone.now() - timedelta(days=rng.randint(1, 400)),
            ))
        User.objects.bulk_create(rows, batch_size=2000)
        return list(User.objects.order_by("id"))

    # -- notes --------------------------------------------------------------------------
    def _notes(self, rng: random.Random, users: list[User], n: int,
               pool: dict[str, list[dict[str, Any]]], quiet: bool) -> list[int]:
        topic_objs = {}
        for name in {*dc.TOPICS, *(t for ts in dc.EXTRA_TOPICS.values() for t in ts)}:
            topic_objs[name], _c = Topic.objects.get_or_create(name=name)
        now = timezone.now()
        topics = list(dc.TOPICS)
        start_id = (Note.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        batch = 5000
        made: list[int] = []
        bar = tqdm(total=n, desc="notes", disable=quiet)
        per_author: dict[int, int] = {}
        topic_counts: dict[int, int] = {}
        for lo in range(0, n, batch):
            notes, images, links = [], [], []
            for j in range(lo, min(n, lo + batch)):
                author = users[rng.randrange(len(users))]
                lang = "zh" if author.username.startswith("zh") or (
                    author.username == "demo" and rng.random() < 0.5) else "en"
                topic = rng.choice(author.interests or topics) if rng.random() < 0.8 \
                    else rng.choice(topics)
                title, body = rng.choice(dc.TOPICS[topic][lang])
                published = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
                note_id = start_id + j
                notes.append(Note(
                    id=note_id, author_id=author.pk, title=title, body=body, language=lang,
                    visibility=Note.Visibility.PUBLIC, status=Note.Status.PUBLISHED,
                    created_at=published, published_at=published,
                ))
                per_author[author.pk] = per_author.get(author.pk, 0) + 1
                for pos in range(rng.choice([1, 1, 2, 3, 4])):
                    pic = rng.choice(pool[topic])
                    images.append(NoteImage(note_id=note_id, position=pos, **pic))
                tnames = {topic, rng.choice(dc.EXTRA_TOPICS[topic])}
                for tname in tnames:
                    tid = topic_objs[tname].pk
                    links.append(Note.topics.through(note_id=note_id, topic_id=tid))
                    topic_counts[tid] = topic_counts.get(tid, 0) + 1
                made.append(note_id)
            Note.objects.bulk_create(notes, batch_size=batch)
            NoteImage.objects.bulk_create(images, batch_size=batch)
            Note.topics.through.objects.bulk_create(links, batch_size=batch)
            bar.update(len(notes))
        bar.close()
        for uid, count in per_author.items():
            User.objects.filter(pk=uid).update(note_count=count)
        for tid, count in topic_counts.items():
            Topic.objects.filter(pk=tid).update(note_count=count)
        return made

    # -- follows, likes, comments, events ----------------------------------------------
    def _social(self, rng: random.Random, users: list[User], note_ids: list[int],
                events_per_user: int) -> None:
        if not note_ids or len(users) < 2:
            return
        follows: set[tuple[int, int]] = set()
        for u in users:
            for v in rng.sample(users, min(len(users), rng.randint(2, 8))):
                if v.pk != u.pk:
                    follows.add((u.pk, v.pk))
        Follow.objects.bulk_create(
            [Follow(follower_id=a, followee_id=b, status=Follow.Status.ACCEPTED)
             for a, b in follows], batch_size=5000)
        authors = dict(Note.objects.filter(pk__in=note_ids).values_list("pk", "author_id"))
        likes: set[tuple[int, int]] = set()
        events: list[EngagementEvent] = []
        now = timezone.now()
        # Popularity is long-tailed, like a real site: a Zipf-ish pick of notes.
        weights = [1.0 / math.sqrt(i + 1) for i in range(len(note_ids))]
        shuffled = list(note_ids)
        rng.shuffle(shuffled)
        for u in users:
            seen = rng.choices(shuffled, weights=weights, k=events_per_user)
            for nid in seen:
                at = now - timedelta(minutes=rng.randint(1, 60 * 24 * 30))
                events.append(EngagementEvent(user_id=u.pk, note_id=nid,
                                              author_id=authors[nid], kind="impression",
                                              surface="for_you", created_at=at))
                if rng.random() < 0.3:
                    events.append(EngagementEvent(user_id=u.pk, note_id=nid,
                                                  author_id=authors[nid], kind="open",
                                                  created_at=at))
                    if rng.random() < 0.5 and authors[nid] != u.pk:
                        likes.add((u.pk, nid))
                        events.append(EngagementEvent(user_id=u.pk, note_id=nid,
                                                      author_id=authors[nid], kind="like",
                                                      created_at=at))
        Like.objects.bulk_create([Like(user_id=a, note_id=b) for a, b in likes],
                                 batch_size=5000)
        EngagementEvent.objects.bulk_create(events, batch_size=5000)
        like_counts: dict[int, int] = {}
        for _u, nid in likes:
            like_counts[nid] = like_counts.get(nid, 0) + 1
        comments = []
        for nid in rng.sample(note_ids, min(len(note_ids), max(1, len(note_ids) // 4))):
            for _ in range(rng.randint(1, 3)):
                u = rng.choice(users)
                zh = u.username.startswith("zh")
                comments.append(Comment(note_id=nid, author_id=u.pk, language="zh" if zh else "en",
                                        body=rng.choice(dc.ZH_COMMENTS if zh else dc.EN_COMMENTS)))
        Comment.objects.bulk_create(comments, batch_size=5000)
        comment_counts: dict[int, int] = {}
        for c in comments:
            comment_counts[c.note_id] = comment_counts.get(c.note_id, 0) + 1
        by_count: dict[tuple[int, int], list[int]] = {}
        for nid in set(like_counts) | set(comment_counts):
            key = (like_counts.get(nid, 0), comment_counts.get(nid, 0))
            by_count.setdefault(key, []).append(nid)
        for (lc, cc), ids in by_count.items():
            for lo in range(0, len(ids), 900):
                Note.objects.filter(pk__in=ids[lo:lo + 900]).update(like_count=lc,
                                                                   comment_count=cc)
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
                following_count=following_n, follower_count=followers_n,
                likes_received=received.get(uid, 0))

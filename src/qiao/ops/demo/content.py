"""The demo community as typed, frozen data: people, notes, comments, photos and a plan.

The text lives in JSON beside this module (`people.json`, `notes.json`, `photos.json`,
`extras.json`), written by hand: see docs/demo.md. `load(now)` turns it into frozen
dataclasses with absolute times (everything happened in the 60 days before `now`) and adds
an engagement plan that is derived deterministically from the data: who follows whom (shared
interests, shared language, and everyone who talked to each other in comments), who liked
and collected which notes (weighted towards the notes people talked about), boards, the
demo account's notifications-to-be and its direct-message history.

Plain Python: no Django import, so the seeder, tests and scripts can all use it. The seeder
(`qiao seed`) owns the database side: it creates rows from a `DemoCommunity`.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from qiao.core.text import extract_topics

DATA = Path(__file__).resolve().parent
DEMO_USERNAME = "demo"
SPAN = timedelta(days=60)
#: Licences under which a photo may be vendored, changed and redistributed with the site.
FREE_LICENCES = frozenset(
    {
        "public-domain",
        "CC0-1.0",
        "CC-BY-2.0",
        "CC-BY-3.0",
        "CC-BY-4.0",
        "CC-BY-SA-3.0",
        "CC-BY-SA-4.0",
        "GPL-2.0-or-later",
        "GPL-3.0",
        "LGPL-3.0",
    }
)
#: Minimums from issue 12 (item 3); `validate()` checks them.
MIN_NOTES, MIN_AUTHORS, MIN_PHOTOS = 300, 40, 150
MIN_COMMENTS, MIN_REPLIES, MIN_TRANSLATIONS = 600, 150, 40
MIN_TOPIC_NOTES = 3
MAX_NOTES_PER_PHOTO = 2
#: Character 4-gram Jaccard similarity above which two texts count as near-duplicates.
NEAR_DUPLICATE = 0.5
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


# --- the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoSource:
    registry: str  # "debian" or "pypi"
    package: str
    version: str
    path: str  # file inside the package
    member: str = ""  # file inside a Qt resource bundle, when `path` is one


@dataclass(frozen=True)
class Photo:
    id: str
    path: Path  # the vendored JPEG (<= 1080 px on the long side)
    subject: str
    alt_en: str
    alt_zh: str
    author: str
    licence: str
    original_url: str
    source: PhotoSource
    width: int
    height: int
    sha256: str

    def alt(self, language: str) -> str:
        return self.alt_zh if language.startswith("zh") else self.alt_en


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    chinese_name: str
    bio: str
    language: str  # home language: "zh" or "en"
    reads: tuple[str, ...]
    interests: tuple[str, ...]
    city: str
    tags: tuple[str, ...]  # "brand", "tiktok_refugee", "demo"

    @property
    def is_brand(self) -> bool:
        return "brand" in self.tags

    @property
    def ui_language(self) -> str:
        return "zh-hans" if self.language == "zh" else "en"

    @property
    def avatar_color(self) -> str:
        """A stable colour for the default avatar (no faces: see docs/demo.md)."""
        digest = hashlib.sha256(self.username.encode()).digest()
        return "#" + "".join(f"{0x50 + b % 0x70:02x}" for b in digest[:3])


@dataclass(frozen=True)
class AuthorTranslation:
    """The author's own version of a note in the other language (shown as the author's)."""

    language: str
    title: str
    body: str


@dataclass(frozen=True)
class Note:
    id: str
    author: str
    language: str
    title: str
    body: str
    topics: tuple[str, ...]  # exactly the #tags of the body, normalised like the platform
    photo_ids: tuple[str, ...]
    created_at: datetime
    translation: AuthorTranslation | None
    mixed: bool = False  # written in both languages on purpose (language is the main one)


@dataclass(frozen=True)
class Comment:
    id: str  # "<note id>/c<n>" or "<note id>/c<n>r<m>"
    note_id: str
    author: str
    body: str
    language: str
    created_at: datetime
    parent_id: str | None  # the top-level comment a reply belongs to
    reply_to_id: str | None  # the comment it answers (parent or an earlier reply)


@dataclass(frozen=True)
class Follow:
    follower: str
    followee: str
    created_at: datetime


@dataclass(frozen=True)
class Like:
    user: str
    note_id: str
    created_at: datetime


@dataclass(frozen=True)
class Board:
    owner: str
    name: str
    description: str
    language: str
    note_ids: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class Collect:
    user: str
    note_id: str
    board: str  # the owner's board name
    created_at: datetime


@dataclass(frozen=True)
class Notification:
    """What the demo account finds waiting: kind is like/collect/comment/reply/follow."""

    recipient: str
    actor: str
    kind: str
    note_id: str | None
    comment_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class Message:
    sender: str
    body: str
    language: str
    created_at: datetime


@dataclass(frozen=True)
class Conversation:
    participants: tuple[str, str]
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class DemoCommunity:
    now: datetime
    people: tuple[Person, ...]
    photos: tuple[Photo, ...]
    notes: tuple[Note, ...]
    comments: tuple[Comment, ...]
    follows: tuple[Follow, ...]
    likes: tuple[Like, ...]
    boards: tuple[Board, ...]
    collects: tuple[Collect, ...]
    notifications: tuple[Notification, ...]
    conversations: tuple[Conversation, ...]
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def person(self, username: str) -> Person:
        return self._lookup("people", self.people, "username")[username]

    def note(self, note_id: str) -> Note:
        return self._lookup("notes", self.notes, "id")[note_id]

    def photo(self, photo_id: str) -> Photo:
        return self._lookup("photos", self.photos, "id")[photo_id]

    def _lookup(self, name: str, items: Sequence[Any], key: str) -> dict[str, Any]:
        if name not in self._index:
            self._index[name] = {getattr(item, key): item for item in items}
        found: dict[str, Any] = self._index[name]
        return found


# --- loading -----------------------------------------------------------------------------


def _read(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def text_language(text: str) -> str:
    """ "zh" when Chinese characters carry the text, else "en" (for comments and messages)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if cjk and cjk * 3 >= latin else "en"


def load(now: datetime | None = None) -> DemoCommunity:
    """The whole demo community, with times in the 60 days before `now` (UTC)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return _build(now.replace(microsecond=0))


def _build(now: datetime) -> DemoCommunity:
    extras = _read("extras.json")
    people = tuple(_person(row) for row in [extras["demo"], *_read("people.json")])
    photos = tuple(_photo(row) for row in _read("photos.json"))
    notes: list[Note] = []
    comments: list[Comment] = []
    for row in _read("notes.json"):
        note = _note(row, now)
        notes.append(note)
        comments.extend(_comments(row, note))
    plan = _Plan(now, people, tuple(notes), tuple(comments), extras)
    return DemoCommunity(
        now=now,
        people=people,
        photos=photos,
        notes=tuple(notes),
        comments=tuple(comments),
        follows=plan.follows,
        likes=plan.likes,
        boards=plan.boards,
        collects=plan.collects,
        notifications=plan.notifications,
        conversations=plan.conversations,
    )


def _person(row: dict[str, Any]) -> Person:
    return Person(
        username=row["username"],
        display_name=row["display_name"],
        chinese_name=row.get("chinese_name", ""),
        bio=row.get("bio", ""),
        language=row["language"],
        reads=tuple(row["reads"]),
        interests=tuple(row["interests"]),
        city=row.get("city", ""),
        tags=tuple(row.get("tags", ())),
    )


def _photo(row: dict[str, Any]) -> Photo:
    src = row["source"]
    return Photo(
        id=row["id"],
        path=DATA / row["file"],
        subject=row["subject"],
        alt_en=row["alt"]["en"],
        alt_zh=row["alt"]["zh"],
        author=row["author"],
        licence=row["licence"],
        original_url=row.get("original_url", ""),
        source=PhotoSource(
            registry=src["registry"],
            package=src["package"],
            version=src["version"],
            path=src["path"],
            member=src.get("member", ""),
        ),
        width=row.get("width", 0),
        height=row.get("height", 0),
        sha256=row.get("sha256", ""),
    )


def _note(row: dict[str, Any], now: datetime) -> Note:
    translation = None
    if "translation" in row:
        other = "en" if row["language"] == "zh" else "zh"
        translation = AuthorTranslation(
            other, row["translation"]["title"], row["translation"]["body"]
        )
    return Note(
        id=row["id"],
        author=row["author"],
        language=row["language"],
        title=row["title"],
        body=row["body"],
        topics=tuple(extract_topics(row["body"])),
        photo_ids=tuple(row["photos"]),
        created_at=now - timedelta(hours=row["age_hours"]),
        translation=translation,
        mixed=bool(row.get("mixed")),
    )


def _comments(row: dict[str, Any], note: Note) -> list[Comment]:
    out: list[Comment] = []
    for i, top in enumerate(row["comments"], start=1):
        top_id = f"{note.id}/c{i}"
        at = note.created_at + timedelta(minutes=top["after_minutes"])
        out.append(
            Comment(
                top_id,
                note.id,
                top["author"],
                top["body"],
                text_language(top["body"]),
                at,
                None,
                None,
            )
        )
        previous = top_id
        for j, reply in enumerate(top.get("replies", ()), start=1):
            reply_id = f"{top_id}r{j}"
            at = note.created_at + timedelta(minutes=reply["after_minutes"])
            out.append(
                Comment(
                    reply_id,
                    note.id,
                    reply["author"],
                    reply["body"],
                    text_language(reply["body"]),
                    at,
                    top_id,
                    previous,
                )
            )
            previous = reply_id
    return out


class _Plan:
    """Follows, likes, boards, collects, notifications and DMs, derived without randomness
    except one seeded generator, so the same data gives the same site every time."""

    def __init__(
        self,
        now: datetime,
        people: tuple[Person, ...],
        notes: tuple[Note, ...],
        comments: tuple[Comment, ...],
        extras: dict[str, Any],
    ) -> None:
        self.now = now
        self.rng = random.Random(20250118)  # the day the bridge opened
        self.people = people
        self.notes = notes
        self.by_user = {p.username: p for p in people}
        self.note_by_id = {n.id: n for n in notes}
        self.comments = comments
        self.extras = extras
        self.follows = self._follows()
        self.likes = self._likes()
        self.boards, self.collects = self._boards()
        self.notifications = self._notifications()
        self.conversations = self._conversations()

    def _at(self, earliest: datetime) -> datetime:
        """A moment between `earliest` and now, at least a minute after `earliest`."""
        span = max(60, int((self.now - earliest).total_seconds()))
        return min(self.now, earliest + timedelta(seconds=self.rng.randrange(60, span + 60)))

    def _follows(self) -> tuple[Follow, ...]:
        pairs: set[tuple[str, str]] = set()
        talked: Counter[tuple[str, str]] = Counter()
        for c in self.comments:
            author = self.note_by_id[c.note_id].author
            if c.author != author:
                talked[(c.author, author)] += 1
        # Everyone follows the people they talk to, and most follow back.
        for (a, b), n in talked.items():
            pairs.add((a, b))
            if n > 1 or self.rng.random() < 0.7:
                pairs.add((b, a))
        # Clusters by interest and language: a few more people like you.
        users = [p for p in self.people if p.username != DEMO_USERNAME]
        for p in users:
            similar = sorted(
                (q for q in users if q.username != p.username),
                key=lambda q: (
                    -len(set(p.interests) & set(q.interests))
                    - (0.5 if q.language == p.language else 0),
                    q.username,
                ),
            )
            for q in similar[:6]:
                if self.rng.random() < 0.6:
                    pairs.add((p.username, q.username))
        demo = self.extras["demo"]
        pairs |= {(DEMO_USERNAME, u) for u in demo["follows"]}
        pairs |= {(u, DEMO_USERNAME) for u in demo["followed_by"]}
        start = self.now - SPAN
        return tuple(Follow(a, b, self._at(start)) for a, b in sorted(pairs) if a != b)

    def _quality(self, note: Note) -> float:
        talk = sum(1 for c in self.comments if c.note_id == note.id)
        return 1.0 + talk + 0.5 * len(note.photo_ids) + (1.5 if note.translation else 0)

    def _likes(self) -> tuple[Like, ...]:
        followers: dict[str, set[str]] = defaultdict(set)
        for f in self.follows:
            followers[f.followee].add(f.follower)
        commenters: dict[str, set[str]] = defaultdict(set)
        for c in self.comments:
            commenters[c.note_id].add(c.author)
        out: list[Like] = []
        usernames = sorted(self.by_user)
        for note in self.notes:
            quality = self._quality(note)
            # Everyone who commented likes it; followers often; strangers sometimes, more so
            # for notes people talked about.
            chance_follower = min(0.85, 0.15 + 0.05 * quality)
            chance_other = min(0.35, 0.01 * quality)
            likers = set(commenters[note.id])
            for u in usernames:
                if u in likers:
                    continue
                p = chance_follower if u in followers[note.author] else chance_other
                if self.rng.random() < p:
                    likers.add(u)
            likers.discard(note.author)
            out.extend(Like(u, note.id, self._at(note.created_at)) for u in sorted(likers))
        return tuple(out)

    def _boards(self) -> tuple[tuple[Board, ...], tuple[Collect, ...]]:
        liked: dict[str, list[str]] = defaultdict(list)
        for like in self.likes:
            liked[like.user].append(like.note_id)
        boards: list[Board] = []
        collects: list[Collect] = []
        quality = {n.id: self._quality(n) for n in self.notes}
        for spec in self.extras["boards"]:
            owner, wanted = spec["owner"], set(spec["topics"])
            candidates = [n for n in self.notes if n.author != owner and wanted & set(n.topics)]
            # Best notes first, the owner's own likes before anything else.
            mine = set(liked[owner])
            candidates.sort(key=lambda n: (n.id not in mine, -quality[n.id], n.id))
            chosen = tuple(n.id for n in candidates[: spec["size"]])
            created = min(self.note_by_id[i].created_at for i in chosen) if chosen else self.now
            boards.append(
                Board(owner, spec["name"], spec["description"], spec["language"], chosen, created)
            )
            collects.extend(
                Collect(owner, i, spec["name"], self._at(self.note_by_id[i].created_at))
                for i in chosen
            )
        return tuple(boards), tuple(collects)

    def _notifications(self) -> tuple[Notification, ...]:
        demo_notes = {n.id for n in self.notes if n.author == DEMO_USERNAME}
        out: list[Notification] = []
        for like in self.likes:
            if like.note_id in demo_notes:
                out.append(
                    Notification(
                        DEMO_USERNAME, like.user, "like", like.note_id, None, like.created_at
                    )
                )
        for collect in self.collects:
            if collect.note_id in demo_notes:
                out.append(
                    Notification(
                        DEMO_USERNAME,
                        collect.user,
                        "collect",
                        collect.note_id,
                        None,
                        collect.created_at,
                    )
                )
        by_id = {c.id: c for c in self.comments}
        for c in self.comments:
            if c.author == DEMO_USERNAME:
                continue
            if c.note_id in demo_notes:
                kind = "comment" if c.parent_id is None else "reply"
                out.append(
                    Notification(DEMO_USERNAME, c.author, kind, c.note_id, c.id, c.created_at)
                )
            elif c.reply_to_id and by_id[c.reply_to_id].author == DEMO_USERNAME:
                out.append(
                    Notification(DEMO_USERNAME, c.author, "reply", c.note_id, c.id, c.created_at)
                )
        for f in self.follows:
            if f.followee == DEMO_USERNAME:
                out.append(
                    Notification(DEMO_USERNAME, f.follower, "follow", None, None, f.created_at)
                )
        return tuple(sorted(out, key=lambda n: (n.created_at, n.kind, n.actor)))

    def _conversations(self) -> tuple[Conversation, ...]:
        out = []
        for conv in self.extras["conversations"]:
            start = self.now - timedelta(hours=conv["age_hours"])
            messages = tuple(
                Message(
                    m["from"],
                    m["body"],
                    text_language(m["body"]),
                    start + timedelta(minutes=m["after_minutes"]),
                )
                for m in conv["messages"]
            )
            out.append(Conversation((DEMO_USERNAME, conv["with"]), messages))
        return tuple(out)


# --- checks ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Case, width, whitespace, punctuation, emoji and digits folded away, for comparing."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\d+", "0", text)
    return "".join(ch for ch in text if ch.isalnum())


def shingles(text: str, n: int = 4) -> frozenset[str]:
    flat = normalise(text)
    return frozenset(flat[i : i + n] for i in range(max(1, len(flat) - n + 1)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def near_duplicates(
    texts: Sequence[tuple[str, str]], threshold: float = NEAR_DUPLICATE
) -> list[tuple[str, str, float]]:
    """Pairs of (id, text) whose character 4-gram Jaccard similarity is >= threshold.

    An inverted index over shingles keeps this to the pairs that share anything."""
    sets = [(key, shingles(text)) for key, text in texts]
    index: dict[str, list[int]] = defaultdict(list)
    for i, (_key, sh) in enumerate(sets):
        for s in sh:
            index[s].append(i)
    found = []
    for i, (key, sh) in enumerate(sets):
        shared: Counter[int] = Counter()
        for s in sh:
            shared.update(j for j in index[s] if j > i)
        for j, common in shared.items():
            other_key, other = sets[j]
            score = common / len(sh | other)
            if score >= threshold:
                found.append((key, other_key, round(score, 3)))
    return found


def validate(community: DemoCommunity | None = None) -> list[str]:
    """Every invariant of the demo data; returns the problems found (empty when all hold)."""
    c = community or load(datetime(2026, 1, 1, tzinfo=UTC))
    problems: list[str] = []
    problems += _check_people(c)
    problems += _check_photos(c)
    problems += _check_notes(c)
    problems += _check_comments(c)
    problems += _check_plan(c)
    return problems


def _dupes(items: Iterable[str]) -> list[str]:
    return [k for k, n in Counter(items).items() if n > 1]


def _check_people(c: DemoCommunity) -> list[str]:
    problems = [f"duplicate username {u}" for u in _dupes(p.username for p in c.people)]
    for p in c.people:
        if not re.fullmatch(r"[A-Za-z0-9_]{3,30}", p.username):
            problems.append(f"{p.username}: username is not a valid @mention")
        if p.language not in ("zh", "en") or p.language not in p.reads:
            problems.append(f"{p.username}: home language {p.language!r} not in {p.reads}")
        if not p.bio or not p.display_name:
            problems.append(f"{p.username}: no bio or display name")
    if DEMO_USERNAME not in {p.username for p in c.people}:
        problems.append("no demo account")
    return problems


def _check_photos(c: DemoCommunity) -> list[str]:
    problems = [f"duplicate photo id {i}" for i in _dupes(p.id for p in c.photos)]
    problems += [
        f"two photos are the same file ({h[:12]})" for h in _dupes(p.sha256 for p in c.photos)
    ]
    for p in c.photos:
        if not p.path.is_file():
            problems.append(f"{p.id}: missing file {p.path.name}")
        elif hashlib.sha256(p.path.read_bytes()).hexdigest() != p.sha256:
            problems.append(f"{p.id}: file does not match its recorded SHA-256")
        if p.licence not in FREE_LICENCES:
            problems.append(f"{p.id}: licence {p.licence!r} is not a recorded free licence")
        if not (p.source.package and p.source.version and p.source.path and p.author):
            problems.append(f"{p.id}: provenance incomplete")
        for lang, alt in (("en", p.alt_en), ("zh", p.alt_zh)):
            if not alt.strip() or len(alt) > 200:
                problems.append(f"{p.id}: alt text ({lang}) empty or over 200 characters")
        if max(p.width, p.height) > 1080:
            problems.append(f"{p.id}: larger than 1080 px")
    return problems


def _check_notes(c: DemoCommunity) -> list[str]:
    problems = [f"duplicate note id {i}" for i in _dupes(n.id for n in c.notes)]
    users = {p.username for p in c.people}
    photos = {p.id: p for p in c.photos}
    if len(c.notes) < MIN_NOTES:
        problems.append(f"only {len(c.notes)} notes (< {MIN_NOTES})")
    if len({n.author for n in c.notes}) < MIN_AUTHORS:
        problems.append(f"fewer than {MIN_AUTHORS} authors")
    problems += [f"duplicate title: {t}" for t in _dupes(normalise(n.title) for n in c.notes)]
    problems += [f"duplicate body: {t[:30]}" for t in _dupes(normalise(n.body) for n in c.notes)]
    for a, b, score in near_duplicates([(n.id, n.title + "\n" + n.body) for n in c.notes]):
        problems.append(f"near-duplicate notes {a} and {b} ({score})")
    use: Counter[str] = Counter()
    topic_notes: Counter[str] = Counter()
    for n in c.notes:
        if n.author not in users:
            problems.append(f"{n.id}: unknown author {n.author}")
        if not 1 <= len(n.topics) <= 4:
            problems.append(f"{n.id}: {len(n.topics)} topics (want 1-4)")
        body = n.body.lower()
        problems += [f"{n.id}: topic #{t} not in the text" for t in n.topics if "#" + t not in body]
        if not n.photo_ids:
            problems.append(f"{n.id}: no photo")
        for pid in n.photo_ids:
            if pid not in photos:
                problems.append(f"{n.id}: unknown photo {pid}")
        use.update(set(n.photo_ids))
        topic_notes.update(n.topics)
        if not c.now - SPAN <= n.created_at <= c.now:
            problems.append(f"{n.id}: created outside the last 60 days")
        if len(n.title) > 100 or len(n.body) > 2000:
            problems.append(f"{n.id}: title or body too long for the platform")
        if n.translation is not None:
            t = n.translation
            if t.language == n.language or not t.title.strip() or not t.body.strip():
                problems.append(f"{n.id}: author translation is not in the other language")
            elif text_language(t.title + t.body) != t.language:
                problems.append(f"{n.id}: author translation reads as the note's language")
    problems += [f"photo {p} used by {k} notes" for p, k in use.items() if k > MAX_NOTES_PER_PHOTO]
    if len(use) < MIN_PHOTOS:
        problems.append(f"only {len(use)} distinct photos on notes (< {MIN_PHOTOS})")
    problems += [
        f"topic #{t} has only {k} notes" for t, k in topic_notes.items() if k < MIN_TOPIC_NOTES
    ]
    translated = sum(1 for n in c.notes if n.translation)
    if translated < MIN_TRANSLATIONS:
        problems.append(f"only {translated} author translations (< {MIN_TRANSLATIONS})")
    zh = sum(1 for n in c.notes if n.language == "zh") / max(1, len(c.notes))
    if not 0.35 <= zh <= 0.65:
        problems.append(f"language mix off: {zh:.0%} Chinese notes")
    return problems


def _check_comments(c: DemoCommunity) -> list[str]:
    problems = [f"duplicate comment id {i}" for i in _dupes(x.id for x in c.comments)]
    users = {p.username for p in c.people}
    notes = {n.id: n for n in c.notes}
    by_id = {x.id: x for x in c.comments}
    replies = 0
    for x in c.comments:
        if x.author not in users:
            problems.append(f"{x.id}: unknown author {x.author}")
        note = notes.get(x.note_id)
        if note is None:
            problems.append(f"{x.id}: unknown note")
            continue
        if not note.created_at < x.created_at <= c.now:
            problems.append(f"{x.id}: comment time is not after its note")
        if x.parent_id is not None:
            replies += 1
            parent = by_id.get(x.parent_id)
            answered = by_id.get(x.reply_to_id or "")
            if parent is None or answered is None or parent.parent_id is not None:
                problems.append(f"{x.id}: reply to a missing or nested comment")
            elif not answered.created_at < x.created_at:
                problems.append(f"{x.id}: reply is not after what it answers")
        if not x.body.strip() or len(x.body) > 1000:
            problems.append(f"{x.id}: empty or too long")
    if len(c.comments) < MIN_COMMENTS:
        problems.append(f"only {len(c.comments)} comments (< {MIN_COMMENTS})")
    if replies < MIN_REPLIES:
        problems.append(f"only {replies} replies (< {MIN_REPLIES})")
    return problems


def _check_plan(c: DemoCommunity) -> list[str]:
    problems: list[str] = []
    users = {p.username for p in c.people}
    notes = {n.id: n for n in c.notes}
    follows = [(f.follower, f.followee) for f in c.follows]
    problems += [f"follow repeated: {pair}" for pair in _dupes(f"{a}->{b}" for a, b in follows)]
    for follower, followee in follows:
        if follower == followee or not {follower, followee} <= users:
            problems.append(f"bad follow {follower}->{followee}")
    likes = [(x.user, x.note_id) for x in c.likes]
    if _dupes(f"{u} {n}" for u, n in likes):
        problems.append("a user likes a note twice")
    for u, n in likes:
        if u not in users or n not in notes or notes[n].author == u:
            problems.append(f"bad like {u} {n}")
    boards = {(b.owner, b.name): b for b in c.boards}
    for b in c.boards:
        if b.owner not in users or not b.note_ids:
            problems.append(f"board {b.owner}/{b.name} has no owner or no notes")
        problems += [f"board {b.name}: unknown note {i}" for i in b.note_ids if i not in notes]
    for x in c.collects:
        board = boards.get((x.user, x.board))
        if board is None or x.note_id not in board.note_ids:
            problems.append(f"collect {x.user} {x.note_id} outside the user's board")
    demo_boards = {b.name for b in c.boards if b.owner == DEMO_USERNAME}
    if len(demo_boards) < 2:
        problems.append("the demo account needs boards")
    kinds = Counter(n.kind for n in c.notifications)
    for kind in ("like", "comment", "follow"):
        if not kinds[kind]:
            problems.append(f"the demo account has no {kind} notifications")
    if not any(n.author == DEMO_USERNAME and n.translation for n in c.notes):
        problems.append("the demo account has no bilingual note")
    if len(c.conversations) < 2:
        problems.append("the demo account needs a conversation history")
    for conv in c.conversations:
        if DEMO_USERNAME not in conv.participants or not set(conv.participants) <= users:
            problems.append(f"conversation {conv.participants} has unknown people")
        senders = {m.sender for m in conv.messages}
        if senders != set(conv.participants):
            problems.append(f"conversation {conv.participants}: not both sides talk")
        times = [m.created_at for m in conv.messages]
        if times != sorted(times):
            problems.append(f"conversation {conv.participants}: messages out of order")
    if {m.language for conv in c.conversations for m in conv.messages} != {"zh", "en"}:
        problems.append("direct messages are not in both languages")
    return problems

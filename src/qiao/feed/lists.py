"""The endless list behind a feed cursor: For you, and a topic page.

A feed never ends while the viewer may see at least one note. Its list is built in stages
and extended whenever a page reaches its end:

1. **first choice**: for For you, the recommender's ranking of notes the viewer has not
   seen (no model yet: recent notes by engagement and interests); for a topic page, the
   topic's notes (and its tags in the other language), newest first, seen or not, and
   then a divider;
2. **exploration**: unseen fresh and trending notes, mixed so neighbours differ in topic
   and language (other topics and the viewer's other language get their turn);
3. **the archive**: every other unseen note, newest first, walked in batches;
4. then a quiet "You're all caught up — here is more" divider and the **recycled** part:
   notes held back as look-alikes, then notes the viewer saw before (seen longest ago
   first, best first), then anything else visible, best first; when that runs out too, a
   new round begins after another divider.

"Seen" is what the 3-day no-repeat rule counts: notes shown to the viewer (impressions),
liked, collected or written by them (`adapter.user_context`). A look-alike (same normalised
text or same photo: `qiao.notes.similar`) of a note already in the list or seen before is
held back for the recycled part; a page never shows two look-alikes.

Every note in a For-you list keeps why it is there (`reasons`: the engine's reason for a
ranked note — `engines.recommend.reasons` — or the stage that added it: ``trending`` and
``fresh`` for exploration, ``discover`` for the archive, ``caught_up`` after the divider),
so page 2 and later, and a list read back from the cache, explain their cards too;
`feed.read` turns them into text the reader may see.

Lists live in the feed cache under a random token (signed-out visitors share one list per
language per minute): the cursor is `<token>:<position>`, so every worker process pages the
same list. A list is written back only when it changed (new, extended or re-ranked).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core import clock
from qiao.core.errors import Invalid
from qiao.engines.recommend import Recommender, UserContext
from qiao.engines.recommend.rerank import MIN_LANGUAGE_MIX, LanguageQuota
from qiao.engines.recommend.types import Reason, RecommenderConfig
from qiao.events.models import EngagementEvent
from qiao.feed import adapter
from qiao.notes.access import visible_notes
from qiao.notes.models import Note
from qiao.notes.similar import Deduper, Fingerprint, admit_print, fingerprints
from qiao.notes.topics import canonical, equivalents, interest_topics

logger = logging.getLogger("qiao.feed")

LIST_TTL = 30 * 60
ANON_LIST_SECONDS = adapter.ANON_LIST_SECONDS
#: Notes taken from a stage at a time (an extension reads about this many rows).
BATCH = 300
#: Newest visible notes the untrained ranking and the exploration stage look at.
RECENT_POOL = 1000
#: A list keeps at most this many notes behind the reader's position.
KEEP_BEHIND = 200
MAX_LIST = 4000
STAGES = ("first", "explore", "archive", "recycle")
#: Reason codes the list adds itself (the engine's are `engines.recommend.REASON_CODES`).
STAGE_REASONS = ("trending", "fresh", "discover", "caught_up")

#: A reason as stored in a list: [code, note id, author id, language, topic] (JSON-able).
StoredReason = list[Any]


def stored_reason(reason: Reason) -> StoredReason:
    return [reason.code, reason.note_id, reason.author_id, reason.language, reason.topic]


def reason_of(stored: StoredReason) -> Reason:
    code, note_id, author_id, language, topic = (list(stored) + [None] * 5)[:5]
    return Reason(str(code), note_id=note_id, author_id=author_id, language=language, topic=topic)


@dataclass
class FeedList:
    """One reader's list (JSON-able: it goes into the cache)."""

    ids: list[int] = field(default_factory=list)
    base: int = 0  # absolute position of ids[0] (older entries were dropped)
    marks: list[int] = field(default_factory=list)  # absolute positions of dividers
    stage: str = "first"
    walk: list[Any] = field(default_factory=list)  # keyset of the stage's walk so far
    round_start: int = 0  # absolute position where the current recycled round began
    deferred: list[int] = field(default_factory=list)  # look-alikes held back
    texts: list[str] = field(default_factory=list)  # fingerprints of the unseen part
    photos: list[int] = field(default_factory=list)
    positives: list[int] = field(default_factory=list)  # the viewer's newest positives
    topic: str = ""
    reasons: dict[str, StoredReason] = field(default_factory=dict)  # note id -> reason

    @property
    def end(self) -> int:
        return self.base + len(self.ids)

    def at(self, position: int) -> int:
        return self.ids[position - self.base]

    def contains(self) -> set[int]:
        return set(self.ids)


@dataclass
class Page:
    ids: list[int]
    next_cursor: str | None
    caught_up_at: int | None  # index in `ids` where the divider goes
    reasons: dict[int, Reason] = field(default_factory=dict)  # For you: why each is there


# --- the cache -------------------------------------------------------------------------


def _cache() -> Any:
    return caches[getattr(settings, "QIAO_FEED_CACHE_ALIAS", "default")]


def _key(user_id: int, token: str) -> str:
    return f"feed:{user_id}:{token}"


def _load(user_id: int, token: str) -> FeedList | None:
    try:
        raw = _cache().get(_key(user_id, token))
    except Exception:  # noqa: BLE001 - a cache outage starts a fresh list
        return None
    if not isinstance(raw, dict):
        return None
    try:
        return FeedList(**raw)
    except TypeError:
        return None  # written by another version


def _save(user_id: int, token: str, flist: FeedList) -> None:
    try:
        _cache().set(_key(user_id, token), asdict(flist), LIST_TTL)
    except Exception:  # noqa: BLE001 - a cache outage costs consistent paging, not the page
        logger.warning("feed cache unavailable; paging may repeat notes")


def parse_cursor(cursor: str | None) -> tuple[str, int] | None:
    if not cursor:
        return None
    token, _sep, off = cursor.partition(":")
    if not (
        off.isascii()
        and off.isdigit()
        and len(off) <= 9
        and token.isascii()
        and token.isalnum()
        and len(token) <= 40
    ):
        raise Invalid(_("Malformed cursor."), code="bad_cursor")
    return token, int(off)


# --- what the viewer may be shown ------------------------------------------------------


@dataclass
class Reader:
    """The viewer as the list builder needs them."""

    viewer: User | None
    ctx: UserContext
    rec: Recommender | None
    interests: list[str]
    languages: list[str]

    @property
    def user_id(self) -> int:
        return self.ctx.user_id

    @property
    def unseen_excluded(self) -> set[int]:
        return set(self.ctx.seen) | set(self.ctx.hidden)


def reader(viewer: User | None) -> Reader:
    ctx = adapter.user_context(viewer)
    return Reader(
        viewer,
        ctx,
        adapter.current_model(),
        interest_topics(ctx.interests),
        list(ctx.languages or []),
    )


def _visible(r: Reader) -> QuerySet[Note]:
    qs = visible_notes(r.viewer)
    if r.ctx.hidden:
        qs = qs.exclude(pk__in=list(r.ctx.hidden))
    return qs


def _score() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("like_count") + 2 * F("collect_count") + 3 * F("comment_count"), output_field=FloatField()
    )


Ranked = tuple[list[int], dict[int, StoredReason]]


def _ranked_first(r: Reader, exclude: set[int]) -> Ranked:
    """The recommender's ranking of unseen notes (with the engine's reasons); before any
    model, recent notes ranked by engagement with a strong boost for the viewer's interests
    (cold start: "interest_topic" or "trending"), in the member's language mix if set."""
    if r.rec is not None:
        try:
            scored = r.rec.rank(r.ctx, exclude)
            return (
                [s.note_id for s in scored],
                {s.note_id: stored_reason(s.reason) for s in scored if s.reason},
            )
        except Exception:
            logger.exception("recommender failed; ranking by engagement")
    since = timezone.now() - timedelta(days=30)
    recent = _visible(r).filter(published_at__gte=since)
    if r.viewer is not None:
        recent = recent.exclude(author=r.viewer)
    pool = list(recent.order_by("-published_at", "-id").values_list("pk", flat=True)[:RECENT_POOL])
    skip = exclude | r.unseen_excluded
    qs = Note.objects.filter(pk__in=[p for p in pool if p not in skip])
    score = _score()
    if r.interests:
        match = Note.topics.through.objects.filter(
            note_id=OuterRef("pk"), topic__name__in=r.interests
        )
        qs = qs.annotate(_match=Cast(Exists(match), IntegerField()))
        score = ExpressionWrapper(score + 20 * F("_match"), output_field=FloatField())
    ids = list(
        qs.annotate(_score=score)
        .order_by("-_score", "-published_at", "-id")
        .values_list("pk", flat=True)[:BATCH]
    )
    reasons: dict[int, StoredReason] = {pk: ["trending", None, None, None, None] for pk in ids}
    if r.interests:
        wanted = set(r.interests)
        for pk, name in (
            Note.topics.through.objects.filter(note_id__in=ids)
            .order_by("id")
            .values_list("note_id", "topic__name")
        ):
            if name in wanted and reasons[pk][0] == "trending":
                reasons[pk] = ["interest_topic", None, None, None, name]
    return _in_language_mix(r, ids), reasons


def _in_language_mix(r: Reader, ids: list[int]) -> list[int]:
    """Reorder the cold-start ranking so every prefix keeps the member's language mix (the
    engine's `LanguageQuota`, as its re-ranking does for a trained model's list)."""
    mix = r.ctx.language_mix
    if mix is None or not r.languages or not ids:
        return ids
    main = r.languages[0]
    langs = dict(Note.objects.filter(pk__in=ids).values_list("pk", "language"))
    kinds = {
        pk: (0 if not langs.get(pk) else 1 if str(langs[pk])[:2] == main else -1) for pk in ids
    }
    quota = LanguageQuota(r.ctx, RecommenderConfig(), [kinds[pk] for pk in ids])
    assert quota.mix is None or quota.mix >= MIN_LANGUAGE_MIX
    left = list(ids)
    out: list[int] = []
    while left:
        want = quota.wanted(len(out))
        pick = next(
            (i for i, pk in enumerate(left) if want is not None and kinds[pk] == want), None
        )
        if pick is None:
            pick = next((i for i, pk in enumerate(left) if quota.allowed(kinds[pk])), 0)
        pk = left.pop(pick)
        quota.take(kinds[pk])
        out.append(pk)
    return out


def _topic_batch(r: Reader, flist: FeedList) -> list[int]:
    """The topic's notes (its tags in both languages), newest first, from where the walk
    stopped; seen or not (a topic page shows the topic)."""
    tagged = Note.topics.through.objects.filter(
        note_id=OuterRef("pk"), topic__name__in=equivalents(flist.topic)
    )
    qs = _visible(r).filter(Exists(tagged))
    return _walk(qs, flist)


def _walk(qs: QuerySet[Note], flist: FeedList) -> list[int]:
    """The next BATCH of `qs` newest first, continuing the keyset kept in `flist.walk`."""
    if flist.walk:
        at = datetime.fromisoformat(flist.walk[0])
        qs = qs.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=flist.walk[1]))
    rows = list(
        qs.filter(published_at__isnull=False)
        .order_by("-published_at", "-id")
        .values_list("pk", "published_at")[:BATCH]
    )
    if rows:
        last_pk, last_at = rows[-1]
        flist.walk = [last_at.isoformat() if last_at else "", last_pk]
    return [pk for pk, _at in rows]


def _explore(r: Reader, exclude: set[int]) -> Ranked:
    """Unseen fresh and trending notes, interleaved so that topics and languages take
    turns: the viewer's interests do not crowd out other topics and the other language."""
    skip = exclude | r.unseen_excluded
    qs = _visible(r)
    if r.viewer is not None:
        qs = qs.exclude(author=r.viewer)
    fresh = [
        pk
        for pk in qs.order_by("-published_at", "-id").values_list("pk", flat=True)[:BATCH]
        if pk not in skip
    ]
    since = timezone.now() - timedelta(days=30)
    recent = list(
        qs.filter(published_at__gte=since)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)[:RECENT_POOL]
    )
    trending = [
        pk
        for pk in Note.objects.filter(pk__in=recent)
        .annotate(_s=_score())
        .order_by("-_s", "-id")
        .values_list("pk", flat=True)[:BATCH]
        if pk not in skip
    ]
    merged = list(dict.fromkeys(x for pair in _zip_longest(trending, fresh) for x in pair))
    popular = set(trending)
    return _spread(merged), {
        pk: ["trending" if pk in popular else "fresh", None, None, None, None] for pk in merged
    }


def _zip_longest(a: list[int], b: list[int]) -> Iterable[tuple[int, ...]]:
    for i in range(max(len(a), len(b))):
        yield tuple(x[i] for x in (a, b) if i < len(x))


def _spread(ids: list[int]) -> list[int]:
    """Reorder so that neighbours differ in topic group and, where possible, language:
    take, at each step, the first remaining note unlike the previous two."""
    info: dict[int, tuple[str, str]] = {}
    for pk, lang in Note.objects.filter(pk__in=ids).values_list("pk", "language"):
        info[pk] = ("", (lang or "")[:2])
    for pk, name in Note.topics.through.objects.filter(note_id__in=ids).values_list(
        "note_id", "topic__name"
    ):
        if pk in info and not info[pk][0]:
            info[pk] = (canonical(name), info[pk][1])
    left = [pk for pk in ids if pk in info]
    out: list[int] = []
    while left:
        recent = [info[pk] for pk in out[-2:]]
        pick = next(
            (
                i
                for i, pk in enumerate(left)
                if all(info[pk][0] != t and info[pk][1] != lang for t, lang in recent)
            ),
            None,
        )
        if pick is None:
            pick = next(
                (i for i, pk in enumerate(left) if all(info[pk][0] != t for t, _lang in recent)), 0
            )
        out.append(left.pop(pick))
    return out


def _archive(r: Reader, flist: FeedList) -> list[int]:
    """The next batch of every visible note, newest first (unseen ones are kept)."""
    qs = _visible(r)
    if r.viewer is not None:
        qs = qs.exclude(author=r.viewer)
    return _walk(qs, flist)


def _seen_order(r: Reader, candidates: set[int]) -> list[int]:
    """Notes the viewer saw, seen longest ago first, then best first."""
    if not candidates:
        return []
    last: dict[int, datetime] = {}
    if r.viewer is not None:
        for pk, at in EngagementEvent.objects.filter(
            user_id=r.viewer.pk, kind="impression", note_id__in=list(candidates)
        ).values_list("note_id", "created_at"):
            if pk is not None and (pk not in last or at > last[pk]):
                last[pk] = at
    scores = dict(
        Note.objects.filter(pk__in=list(candidates)).annotate(_s=_score()).values_list("pk", "_s")
    )
    hour = timedelta(hours=1)
    oldest = timezone.now()

    def key(pk: int) -> tuple[float, float, int]:
        # within an hour's resolution, older sightings first; then the best
        age = (oldest - last.get(pk, oldest - timedelta(days=365))) // hour
        return (-float(age), -float(scores.get(pk, 0.0)), -pk)

    return sorted((pk for pk in candidates if pk in scores), key=key)


def _recycle(r: Reader, flist: FeedList) -> list[int]:
    """Notes for the current recycled round: look-alikes held back, notes seen before, then
    any other visible note best first; nothing already in this round."""
    in_round = set(flist.ids[max(0, flist.round_start - flist.base) :])
    visible = _visible(r)
    held = [pk for pk in flist.deferred if pk not in in_round]
    flist.deferred = []
    seen = {pk for pk in r.ctx.seen if pk not in in_round}
    if r.viewer is not None:
        own = set(Note.objects.filter(author=r.viewer).values_list("pk", flat=True))
        seen -= own
    seen = set(visible.filter(pk__in=list(seen)).values_list("pk", flat=True))
    out = list(dict.fromkeys([*held, *_seen_order(r, seen)]))
    if len(out) < BATCH:
        rest = (
            visible.exclude(pk__in=list(in_round | set(out)))
            .annotate(_s=_score())
            .order_by("-_s", "-published_at", "-id")
            .values_list("pk", flat=True)[:BATCH]
        )
        out += list(rest)
    return out


# --- building and paging ---------------------------------------------------------------


def _remembered(flist: FeedList) -> Deduper:
    return Deduper(flist.texts, flist.photos)


def _note_reasons(
    flist: FeedList, reasons: dict[int, StoredReason], *, replace: bool = False
) -> None:
    """Remember why notes are in a For-you list (topic pages show no reasons)."""
    if flist.topic:
        return
    for pk, reason in reasons.items():
        if replace or str(pk) not in flist.reasons:
            flist.reasons[str(pk)] = reason


def _stage_reasons(ids: list[int], code: str) -> dict[int, StoredReason]:
    return {pk: [code, None, None, None, None] for pk in ids}


def _append_unseen(flist: FeedList, ids: list[int]) -> int:
    """Append new ids, holding back look-alikes of what the list already has."""
    have = flist.contains() | set(flist.deferred)
    fresh = [pk for pk in dict.fromkeys(ids) if pk not in have]
    prints = fingerprints(fresh)
    dedupe = _remembered(flist)
    added = 0
    for pk in fresh:
        fp = prints.get(pk)
        if admit_print(dedupe, fp):
            flist.ids.append(pk)
            if fp is not None:
                flist.texts.append(fp.text)
                if fp.photo is not None:
                    flist.photos.append(fp.photo)
            added += 1
        else:
            flist.deferred.append(pk)
    return added


def _divider(flist: FeedList) -> None:
    if not flist.marks or flist.marks[-1] != flist.end:
        flist.marks.append(flist.end)


def _step(r: Reader, flist: FeedList) -> bool:
    """One stage's next batch; False when nothing can be added at all (no visible note)."""
    unseen_skip = r.unseen_excluded
    if flist.stage == "first" and flist.topic:
        batch = _topic_batch(r, flist)
        _append_unseen(flist, batch)
        if len(batch) < BATCH:
            # The topic's notes end here: the divider, then more to discover.
            flist.stage, flist.walk = "explore", []
            _divider(flist)
        return True
    if flist.stage == "first":
        ranked, reasons = _ranked_first(r, flist.contains())
        _note_reasons(flist, reasons)
        _append_unseen(flist, [pk for pk in ranked if pk not in unseen_skip])
        flist.stage, flist.walk = "explore", []
        return True
    if flist.stage == "explore":
        explored, reasons = _explore(r, flist.contains())
        _note_reasons(flist, reasons)
        _append_unseen(flist, explored)
        flist.stage, flist.walk = "archive", []
        return True
    if flist.stage == "archive":
        batch = _archive(r, flist)
        _note_reasons(flist, _stage_reasons(batch, "discover"))
        _append_unseen(flist, [pk for pk in batch if pk not in unseen_skip])
        if len(batch) < BATCH:
            # Nothing unseen is left: the divider, then the recycled part.
            flist.stage, flist.walk = "recycle", []
            _divider(flist)
            flist.round_start = flist.end
        return True
    in_round = set(flist.ids[max(0, flist.round_start - flist.base) :])
    new = [pk for pk in dict.fromkeys(_recycle(r, flist)) if pk not in in_round]
    if new:
        # after the divider: seen before or held back, whatever first brought it
        _note_reasons(flist, _stage_reasons(new, "caught_up"), replace=True)
        flist.ids.extend(new)
        return True
    if flist.round_start >= flist.end:
        return False  # an empty round: the viewer may see no note at all
    # Everything visible is in this round: another round begins after a divider.
    _divider(flist)
    flist.round_start = flist.end
    return True


def extend(r: Reader, flist: FeedList, need: int) -> bool:
    """Add notes until at least `need` more are queued, or nothing can be added (no visible
    note). Returns whether the list changed."""
    target = flist.end + need
    before = (flist.end, flist.stage, len(flist.marks), tuple(flist.walk))
    while flist.end < target and _step(r, flist):
        pass
    _trim(flist)
    return before != (flist.end, flist.stage, len(flist.marks), tuple(flist.walk))


def _trim(flist: FeedList) -> None:
    if len(flist.ids) > MAX_LIST:
        drop = len(flist.ids) - MAX_LIST
        flist.ids = flist.ids[drop:]
        flist.base += drop
    if len(flist.texts) > MAX_LIST:
        flist.texts = flist.texts[-MAX_LIST:]
    if len(flist.photos) > MAX_LIST:
        flist.photos = flist.photos[-MAX_LIST:]
    if len(flist.reasons) > MAX_LIST + len(flist.deferred):
        keep = {str(pk) for pk in (*flist.ids, *flist.deferred)}
        flist.reasons = {k: v for k, v in flist.reasons.items() if k in keep}


def _seen_prints(r: Reader, flist: FeedList) -> None:
    """Remember what the viewer has seen as if it were in the list: a note with the text or
    photo of one they saw is a look-alike too, held back until the divider."""
    for fp in fingerprints(sorted(r.ctx.seen)).values():
        flist.texts.append(fp.text)
        if fp.photo is not None:
            flist.photos.append(fp.photo)


def new_list(r: Reader, topic: str = "") -> FeedList:
    flist = FeedList(topic=topic, positives=list(r.ctx.recent_positive_note_ids[-10:]))
    if not topic:  # a topic page shows its notes, seen or not
        _seen_prints(r, flist)
    return flist


def rerank(r: Reader, flist: FeedList, offset: int) -> None:
    """Engagement since the last page: re-rank what has not been served yet (For you only,
    while unseen notes remain)."""
    if flist.topic or flist.stage == "recycle":
        return
    cut = max(0, offset - flist.base)
    served, rest = flist.ids[:cut], flist.ids[cut:]
    ranked_ids, reasons = _ranked_first(r, set(served))
    ranked = [pk for pk in ranked_ids if pk not in r.unseen_excluded]
    _note_reasons(flist, reasons, replace=True)
    flist.ids = served
    flist.texts, flist.photos = [], []
    _seen_prints(r, flist)
    for fp in fingerprints(served).values():
        flist.texts.append(fp.text)
        if fp.photo is not None:
            flist.photos.append(fp.photo)
    flist.marks = [m for m in flist.marks if m <= offset]
    _append_unseen(flist, [*ranked, *rest])


def take_page(
    r: Reader, flist: FeedList, offset: int, limit: int
) -> tuple[list[int], int, int | None, bool]:
    """The next page from `offset`: visible notes, no two alike (a look-alike moves a page
    further on). Returns (ids, next offset, index of the divider or None, changed).

    A divider with nothing after it on this page (everything after it looked like the
    page's notes) is left for the next page to open with."""
    changed = False
    page: list[int] = []
    prints: dict[int, Fingerprint] = {}
    dedupe = Deduper()
    caught_up: int | None = None
    mark_at = -1
    pos = max(offset, flist.base)
    postponed: list[tuple[int, int]] = []  # (position, note id)
    for _attempt in range(50):  # bounded: a list of nothing but look-alikes ends the page
        if len(page) >= limit:
            break
        if pos >= flist.end:
            changed |= extend(r, flist, limit - len(page) + 4)
            if pos >= flist.end:
                break
        start = pos - flist.base
        window = flist.ids[start : start + limit - len(page) + 8]
        allowed = set(_visible(r).filter(pk__in=window).values_list("pk", flat=True))
        prints.update(fingerprints([pk for pk in window if pk in allowed and pk not in prints]))
        for pk in window:
            if caught_up is None and pos in flist.marks:
                caught_up, mark_at = len(page), pos
            pos += 1
            if pk not in allowed:
                continue
            if not admit_print(dedupe, prints.get(pk)):
                postponed.append((pos - 1, pk))
                continue
            page.append(pk)
            if len(page) == limit:
                break
    if caught_up is not None and caught_up >= len(page):
        caught_up = None
        if page:
            # Nothing after the divider made it onto this page: the next one opens with it.
            pos = mark_at
            postponed = [(at, pk) for at, pk in postponed if at < mark_at]
    if postponed:
        # Look-alikes go a page further on, where their twin is not beside them.
        moved = [pk for _at, pk in postponed]
        at = min(len(flist.ids), pos - flist.base + limit)
        flist.ids[at:at] = moved
        flist.marks = [m + len(moved) if m > flist.base + at else m for m in flist.marks]
        changed = True
    return page, pos, caught_up, changed


def serve(viewer: User | None, *, cursor: str | None, limit: int, topic: str = "") -> Page:
    """A page of a For-you (or topic) list, creating or extending it as needed."""
    limit = max(1, min(limit, 50))
    r = reader(viewer)
    parsed = parse_cursor(cursor)
    flist: FeedList | None = None
    token = ""
    offset = 0
    changed = False
    if parsed is not None:
        token, offset = parsed
        flist = _load(r.user_id, token)
        if flist is not None and flist.topic != topic:
            flist = None
        if flist is not None and r.viewer is not None:
            positives = list(r.ctx.recent_positive_note_ids[-10:])
            if positives != flist.positives:
                rerank(r, flist, offset)
                flist.positives = positives
                changed = True
    if flist is None and r.user_id == 0:
        # Visitors who are not signed in have no history: everyone reading one language
        # gets the same list, made once a minute (a surge of new visitors costs one
        # ranking and one cache write per language per minute).
        minute = int((r.ctx.now if r.ctx.now is not None else clock.now()) // ANON_LIST_SECONDS)
        lang = "".join(ch for ch in (r.languages or ["x"])[0] if ch.isalnum())
        token = f"anon{lang}{minute}" + ("t" + _topic_token(topic) if topic else "")
        offset = 0
        flist = _load(0, token)
    if flist is None:
        token = token if r.user_id == 0 else secrets.token_hex(6)
        offset = 0
        flist = new_list(r, topic)
        extend(r, flist, limit + 8)
        changed = True
    ids, nxt, caught_up, moved = take_page(r, flist, offset, limit)
    changed |= moved
    if nxt >= flist.end:
        changed |= extend(r, flist, limit)
    if changed:
        _save(r.user_id, token, flist)
    reasons = {pk: reason_of(flist.reasons[str(pk)]) for pk in ids if str(pk) in flist.reasons}
    return Page(ids, f"{token}:{nxt}" if nxt < flist.end else None, caught_up, reasons)


def _topic_token(topic: str) -> str:
    import hashlib

    return hashlib.blake2b(topic.encode(), digest_size=6).hexdigest()

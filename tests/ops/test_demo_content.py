"""The demo community's data: every invariant of issue 12 item 3, on the real data files.

No database: `qiao.ops.demo.content` is plain Python. Each check also runs once on a
deliberately broken copy, so none of them passes by construction.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import imagehash
import pytest
from PIL import Image

from qiao.core.text import extract_topics
from qiao.ops.demo import content
from qiao.ops.demo.content import DEMO_USERNAME, DemoCommunity

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> DemoCommunity:
    return content.load(NOW)


def test_the_real_data_has_no_problems(demo: DemoCommunity) -> None:
    assert content.validate(demo) == []


def test_minimums_of_the_issue(demo: DemoCommunity) -> None:
    replies = [c for c in demo.comments if c.parent_id]
    used_photos = {p for n in demo.notes for p in n.photo_ids}
    assert len(demo.notes) >= 300
    assert len({n.author for n in demo.notes}) >= 40
    assert len(demo.comments) >= 600 and len(replies) >= 150
    assert sum(1 for n in demo.notes if n.translation) >= 40
    assert len(used_photos) >= 150
    # Both languages, roughly half each, and the comments cross languages.
    langs = Counter(n.language for n in demo.notes)
    assert 0.35 <= langs["zh"] / len(demo.notes) <= 0.65
    cross = sum(1 for c in demo.comments if c.language != demo.note(c.note_id).language)
    assert cross >= 100


def test_titles_and_bodies_are_distinct_after_normalising(demo: DemoCommunity) -> None:
    titles = Counter(content.normalise(n.title) for n in demo.notes)
    bodies = Counter(content.normalise(n.body) for n in demo.notes)
    assert titles.most_common(1)[0][1] == 1
    assert bodies.most_common(1)[0][1] == 1


def test_no_near_duplicate_notes(demo: DemoCommunity) -> None:
    texts = [(n.id, n.title + "\n" + n.body) for n in demo.notes]
    assert content.near_duplicates(texts) == []


def test_near_duplicate_check_catches_a_template_with_numbers_and_names_swapped(
    demo: DemoCommunity,
) -> None:
    note = demo.notes[0]
    swapped = note.body.replace("7", "9").replace("巴黎", "罗马").replace("€", "$")
    found = content.near_duplicates([(note.id, note.body), ("copy", swapped)])
    assert [(a, b) for a, b, _score in found] == [(note.id, "copy")]


def test_every_topic_is_a_hashtag_in_the_text_and_has_company(demo: DemoCommunity) -> None:
    per_topic: Counter[str] = Counter()
    for note in demo.notes:
        # The same parser the platform uses for #tags (item 4: hashtags are topics).
        assert list(note.topics) == extract_topics(note.body)
        assert 1 <= len(note.topics) <= 4, note.id
        per_topic.update(note.topics)
    assert min(per_topic.values()) >= 3


def test_references_resolve(demo: DemoCommunity) -> None:
    users = {p.username for p in demo.people}
    photos = {p.id for p in demo.photos}
    notes = {n.id for n in demo.notes}
    assert all(n.author in users and set(n.photo_ids) <= photos for n in demo.notes)
    assert all(c.author in users and c.note_id in notes for c in demo.comments)
    assert all({f.follower, f.followee} <= users for f in demo.follows)
    assert all(b.owner in users and set(b.note_ids) <= notes for b in demo.boards)
    assert all({like.user} <= users and like.note_id in notes for like in demo.likes)


def test_photos_are_distinct_files_and_distinct_pictures(demo: DemoCommunity) -> None:
    assert len({p.sha256 for p in demo.photos}) == len(demo.photos)
    hashes = {p.id: imagehash.phash(Image.open(p.path)) for p in demo.photos}
    closest = min(int(hashes[a] - hashes[b]) for a, b in itertools.combinations(hashes, 2))
    # 8 of 64 bits is where re-encodes and crops of one picture land; two photos of one
    # castle from similar spots are the closest pair (10).
    assert closest > 8


def test_photos_are_small_licensed_and_described(demo: DemoCommunity) -> None:
    for photo in demo.photos:
        with Image.open(photo.path) as img:
            assert img.format == "JPEG"
            assert max(img.size) <= 1080 and img.size == (photo.width, photo.height)
        assert photo.licence in content.FREE_LICENCES
        assert photo.source.package and photo.source.version and photo.author
        assert photo.alt_en.strip() and photo.alt_zh.strip()
        assert content.text_language(photo.alt_zh) == "zh"
        assert content.text_language(photo.alt_en) == "en"
    assert sum(p.path.stat().st_size for p in demo.photos) < 20_000_000


def test_each_photo_serves_at_most_two_notes(demo: DemoCommunity) -> None:
    use = Counter(p for n in demo.notes for p in set(n.photo_ids))
    assert max(use.values()) <= 2


def test_attribution_json_and_docs_page_list_every_photo(demo: DemoCommunity) -> None:
    rows = json.loads((content.DATA / "photos.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in rows} == {p.id for p in demo.photos}
    page = (content.DATA.parents[3] / "docs" / "photos.md").read_text(encoding="utf-8")
    assert all(f"`{p.path.relative_to(content.DATA)}`" in page for p in demo.photos)


def test_declared_languages_match_lingua(demo: DemoCommunity) -> None:
    from lingua import Language, LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.CHINESE).build()

    def detect(text: str) -> str:
        return "zh" if detector.detect_language_of(text) == Language.CHINESE else "en"

    for note in demo.notes:
        if note.mixed:  # bilingual on purpose: both scripts must really be there
            assert content.text_language(note.title + note.body) in ("zh", "en")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in note.body)
            assert any("a" <= ch.lower() <= "z" for ch in note.body)
        else:
            assert detect(note.title + "\n" + note.body) == note.language, note.id
        if note.translation:
            t = note.translation
            assert detect(t.title + "\n" + t.body) == t.language, note.id


def test_times_are_in_the_last_sixty_days_and_in_order(demo: DemoCommunity) -> None:
    start = NOW - timedelta(days=60)
    assert all(start <= n.created_at <= NOW for n in demo.notes)
    ages = sorted((NOW - n.created_at).days for n in demo.notes)
    assert ages[len(ages) // 4] < 20 and ages[3 * len(ages) // 4] > 35  # spread, not bunched
    notes = {n.id: n for n in demo.notes}
    comments = {c.id: c for c in demo.comments}
    for c in demo.comments:
        assert notes[c.note_id].created_at < c.created_at <= NOW
        if c.reply_to_id:
            assert comments[c.reply_to_id].created_at < c.created_at


def test_loading_is_deterministic() -> None:
    a, b = content.load(NOW), content.load(NOW)
    assert a.follows == b.follows and a.likes == b.likes and a.collects == b.collects


def test_demo_account_has_a_life_from_the_start(demo: DemoCommunity) -> None:
    boards = {b.name for b in demo.boards if b.owner == DEMO_USERNAME}
    assert {"想去的地方", "Recipes to try"} <= boards
    kinds = Counter(n.kind for n in demo.notifications)
    assert kinds["like"] and kinds["comment"] and kinds["follow"]
    assert all(n.recipient == DEMO_USERNAME for n in demo.notifications)
    followers = {f.follower for f in demo.follows if f.followee == DEMO_USERNAME}
    assert len(followers) >= 10
    own = [n for n in demo.notes if n.author == DEMO_USERNAME]
    assert own and any(n.translation for n in own)
    assert len(demo.conversations) >= 2
    langs = {m.language for conv in demo.conversations for m in conv.messages}
    assert langs == {"zh", "en"}


def test_likes_lean_towards_the_notes_people_talk_about(demo: DemoCommunity) -> None:
    talk = Counter(c.note_id for c in demo.comments)
    likes = Counter(like.note_id for like in demo.likes)
    ranked = sorted(demo.notes, key=lambda n: talk[n.id])
    quiet, lively = ranked[: len(ranked) // 3], ranked[-len(ranked) // 3 :]

    def mean(ns: list[content.Note]) -> float:
        return sum(likes[n.id] for n in ns) / len(ns)

    assert mean(lively) > 1.5 * mean(quiet)


def test_validate_reports_broken_data(demo: DemoCommunity) -> None:
    """The checks can fail: each broken copy yields the matching problem."""
    first, second = demo.notes[0], demo.notes[1]
    cases = {
        "duplicate title": dataclasses.replace(second, title=first.title.upper() + "!!"),
        "has only": dataclasses.replace(second, topics=(*second.topics[:3], "nosuchtopic")),
        "unknown photo": dataclasses.replace(second, photo_ids=("no-such-photo",)),
        "near-duplicate": dataclasses.replace(second, title="x", body=first.body + " 🙂"),
        "outside the last 60 days": dataclasses.replace(
            second, created_at=NOW - timedelta(days=90)
        ),
    }
    for expected, broken in cases.items():
        notes = (first, broken, *demo.notes[2:])
        problems = content.validate(dataclasses.replace(demo, notes=notes, _index={}))
        assert any(expected in p for p in problems), (expected, problems[:5])
    overused = demo.notes[2]
    notes = tuple(
        dataclasses.replace(n, photo_ids=overused.photo_ids) if i < 3 else n
        for i, n in enumerate(demo.notes)
    )
    assert any(
        p.startswith(f"photo {overused.photo_ids[0]} used by ")
        for p in content.validate(dataclasses.replace(demo, notes=notes))
    )

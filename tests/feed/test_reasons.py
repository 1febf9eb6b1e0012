"""Why a note is in For you: every reason code has a sentence in both interface languages,
names only what the reader may see, and survives paging and the list cache.

Test sets, by category: (1) every code the engine source can emit (read from the source,
not from a list kept here) and every code the list stages add; (2) each named reason with
what it names still visible, then made invisible by each rule that can hide it (private,
removed, blocked either way, unfollowed); (3) paging: fresh list, cursor pages from the
cache, a re-ranked list after a like, the stages after the recommender's list.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from qiao.engines.recommend.types import Reason
from qiao.feed import read as feed_read
from qiao.notes.models import Note, Topic

pytestmark = pytest.mark.django_db

ENGINE = Path(feed_read.__file__).resolve().parents[1] / "engines" / "recommend"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _engine_codes() -> set[str]:
    """Every code an engine source file constructs a Reason with."""
    codes: set[str] = set()
    for path in ENGINE.glob("*.py"):
        codes |= set(re.findall(r"\bReason\(\s*\"(\w+)\"", path.read_text()))
    return codes


def test_every_code_the_engine_emits_has_a_sentence() -> None:
    emitted = _engine_codes()
    assert {
        "liked_similar",
        "followed_author",
        "popular_in_language",
        "new_creator",
        "interest_topic",
    } <= emitted  # the scan itself works
    from qiao.engines.recommend.reasons import REASON_CODES

    assert emitted <= set(REASON_CODES)
    missing = (emitted | set(feed_read.CODES)) - set(feed_read.TEXTS)
    assert not missing, f"reason codes without a sentence: {sorted(missing)}"


@pytest.mark.parametrize("code", feed_read.CODES)
def test_each_code_reads_in_both_languages(code: str) -> None:
    reason = Reason(code)  # no ids: the generic sentence
    with translation.override("en"):
        en = feed_read.explain(None, {1: reason})[1]
    with translation.override("zh-hans"):
        zh = feed_read.explain(None, {1: reason})[1]
    assert en.code == zh.code == code
    assert en.text and not CJK.search(en.text)
    assert CJK.search(zh.text) and zh.text != en.text
    assert en.text != "Picked for you"  # the sentence for unknown codes


def test_unknown_code_gets_a_generic_sentence() -> None:
    with translation.override("zh-hans"):
        out = feed_read.explain(None, {1: Reason("some_future_code")})[1]
    assert out.code == "some_future_code" and out.text == "为你推荐"


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    reader = make_user(display_name="Reader")
    author = make_user(display_name="Lin Mei")
    note = Note.objects.create(
        author=author,
        title="Hand-pulled noodles in Lanzhou",
        body="noodles",
        language="en",
        published_at=timezone.now(),
    )
    return {"reader": reader, "author": author, "note": note}


def _explain(viewer: Any, reason: Reason, lang: str = "en") -> feed_read.FeedReason:
    with translation.override(lang):
        return feed_read.explain(viewer, {99: reason})[99]


def test_liked_note_is_named_with_what_the_reader_did(people: dict[str, Any]) -> None:
    from qiao.social.services import collect_into_new_board, like_note

    reader, note = people["reader"], people["note"]
    reason = Reason("liked_similar", note_id=note.pk)
    read = _explain(reader, reason)
    assert read.text == "Because you read “Hand-pulled noodles in…”"
    assert read.note_id == note.pk and read.note_title == "Hand-pulled noodles in…"
    like_note(reader, note.pk)
    assert _explain(reader, reason).text.startswith("Because you liked “Hand-pulled")
    assert _explain(reader, reason, "zh-hans").text == "因为你赞过《Hand-pulled noodles in…》"
    other = people["author"]
    collect_into_new_board(other, note.pk, name="Noodles")
    assert _explain(other, reason, "zh-hans").text.startswith("因为你收藏过《")


@pytest.mark.parametrize(
    "hide", ["private", "removed", "deleted", "blocked_by_reader", "blocked_by_author"]
)
def test_a_liked_note_the_reader_may_no_longer_see_is_not_named(
    people: dict[str, Any], hide: str
) -> None:
    from qiao.accounts.services import block

    reader, note, author = people["reader"], people["note"], people["author"]
    if hide == "private":
        Note.objects.filter(pk=note.pk).update(visibility=Note.Visibility.PRIVATE)
    elif hide == "removed":
        Note.objects.filter(pk=note.pk).update(is_removed=True)
    elif hide == "deleted":
        note.delete()
    elif hide == "blocked_by_reader":
        block(reader, author)
    else:
        block(author, reader)
    for lang, generic in (("en", "Like notes you enjoyed"), ("zh-hans", "和你喜欢过的笔记相似")):
        out = _explain(reader, Reason("liked_similar", note_id=note.pk), lang)
        assert out.text == generic
        assert out.note_id is None and out.note_title == ""


def test_followed_author_named_only_while_followed_and_unblocked(people: dict[str, Any]) -> None:
    from qiao.accounts.services import block, follow, unfollow

    reader, author = people["reader"], people["author"]
    reason = Reason("followed_author", author_id=author.pk)
    follow(reader, author)
    assert _explain(reader, reason).text == "From Lin Mei, whom you follow"
    assert _explain(reader, reason, "zh-hans").text == "来自你关注的Lin Mei"
    assert _explain(reader, reason).author == author
    unfollow(reader, author)
    assert _explain(reader, reason).text == "From a creator you might like"
    follow(reader, author)
    block(author, reader)
    out = _explain(reader, reason, "zh-hans")
    assert out.text == "来自你可能喜欢的作者" and out.author is None


def test_popular_and_interest_sentences(people: dict[str, Any]) -> None:
    reader = people["reader"]
    assert (
        _explain(reader, Reason("popular_in_language", language="zh"), "zh-hans").text
        == "本周中文热门"
    )
    assert (
        _explain(reader, Reason("popular_in_language", language="en"), "zh-hans").text
        == "本周英文热门"
    )
    assert (
        _explain(reader, Reason("popular_in_language", language="zh")).text
        == "Popular in Chinese this week"
    )
    assert _explain(reader, Reason("popular_in_language")).text == "Popular this week"
    # a topic is named as the reader's chips name it, in their interface language
    assert (
        _explain(reader, Reason("interest_topic", topic="food"), "zh-hans").text
        == "因为你对 #美食 感兴趣"
    )
    assert _explain(reader, Reason("interest_topic", topic="food")).topic == "Food"


# --- paging ------------------------------------------------------------------------------


@pytest.fixture
def feed_world(make_user: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """90 notes over three topics by 9 authors; a reader into food."""
    from qiao.feed import adapter

    settings.QIAO_MODELS_DIR = tmp_path / "models"
    adapter.forget_model()
    authors = [make_user() for _ in range(9)]
    topics = {t: Topic.objects.create(name=t) for t in ("food", "cats", "travel")}
    now = timezone.now()
    for i in range(90):
        name = ("food", "cats", "travel")[i % 3]
        note = Note.objects.create(
            author=authors[i % 9],
            title=f"{name} {i}",
            body=f"about {name} {i}",
            language="en",
            published_at=now - timedelta(hours=i),
            like_count=90 - i,
        )
        note.topics.add(topics[name])
    return {"reader": make_user(interests=["food"], read_languages=["en"]), "authors": authors}


def _pages(client: Any, n: int) -> list[list[dict[str, Any]]]:
    out = []
    cursor = None
    for _ in range(n):
        r = client.get("/feed/for-you", **({"cursor": cursor} if cursor else {}))
        assert r.status_code == 200
        out.append(r.json()["items"])
        cursor = r.json()["next_cursor"]
    return out


def test_reasons_on_every_page_from_the_cache(feed_world: dict[str, Any], api_as: Any) -> None:
    pages = _pages(api_as(feed_world["reader"]), 5)
    items = [item for page in pages for item in page]
    assert len(items) == 100
    assert all(
        item["reason"] and item["reason"]["code"] in feed_read.CODES and item["reason"]["text"]
        for item in items
    )
    codes = [item["reason"]["code"] for item in items]
    # cold start: the reader's interest first, then trending; the stages after it; the
    # divider's recycled part says so
    assert codes[0] == "interest_topic" and items[0]["reason"]["topic"] == "Food"
    assert "caught_up" in codes[90:]
    assert set(codes[:90]) - {"caught_up"}  # not everything is "caught up"


def test_topic_pages_and_following_carry_no_reason(feed_world: dict[str, Any], api_as: Any) -> None:
    r = api_as(feed_world["reader"]).get("/feed/topic/food")
    assert r.status_code == 200 and all(i["reason"] is None for i in r.json()["items"])


def test_reasons_survive_a_reranked_page(feed_world: dict[str, Any], api_as: Any) -> None:
    from qiao.social.services import like_note

    reader = feed_world["reader"]
    client = api_as(reader)
    first = client.get("/feed/for-you").json()
    like_note(reader, first["items"][0]["id"])
    second = client.get("/feed/for-you", cursor=first["next_cursor"]).json()
    assert second["items"] and all(i["reason"] for i in second["items"])


@pytest.mark.slow
def test_engine_reasons_survive_paging(
    feed_world: dict[str, Any], api_as: Any, make_user: Any
) -> None:
    """With a trained model the first pages carry the engine's codes, page 2 too."""
    from qiao.events.models import EngagementEvent
    from qiao.feed.services import train
    from qiao.feed.training import platform_config

    notes = list(Note.objects.order_by("pk"))
    now = timezone.now()
    events = []
    for u in range(24):
        user = make_user()
        taste = ("food", "cats", "travel")[u % 3]
        for note in [n for n in notes if n.title.startswith(taste)][u % 5 : u % 5 + 10]:
            for kind in ("impression", "like"):
                events.append(
                    EngagementEvent(
                        user_id=user.pk,
                        note_id=note.pk,
                        kind=kind,
                        author_id=note.author_id,
                        created_at=now - timedelta(hours=2),
                    )
                )
    reader = feed_world["reader"]
    for note in [n for n in notes if n.title.startswith("food")][:4]:
        events.append(
            EngagementEvent(
                user_id=reader.pk,
                note_id=note.pk,
                kind="like",
                author_id=note.author_id,
                created_at=now - timedelta(hours=1),
            )
        )
    EngagementEvent.objects.bulk_create(events)
    train(config=platform_config(ranker_rounds=20))
    pages = _pages(api_as(reader), 2)
    engine_codes = {
        "liked_similar",
        "followed_author",
        "popular_in_language",
        "new_creator",
        "interest_topic",
    }
    for page in pages:
        assert page and all(i["reason"]["code"] in feed_read.CODES for i in page)
        assert {i["reason"]["code"] for i in page} & engine_codes
    liked = [i["reason"] for p in pages for i in p if i["reason"]["code"] == "liked_similar"]
    assert all(r["note_id"] is None or r["note_title"] for r in liked)


def test_api_reasons_speak_the_callers_language(feed_world: dict[str, Any], api_as: Any) -> None:
    client = api_as(feed_world["reader"])
    zh = client.client.get(
        "/api/v1/feed/for-you", HTTP_ACCEPT_LANGUAGE="zh-Hans", **client._headers()
    ).json()["items"]
    assert zh[0]["reason"] == {
        "code": "interest_topic",
        "text": "因为你对 #美食 感兴趣",
        "note_id": None,
        "note_title": None,
        "author": None,
        "language": None,
        "topic": "美食",
    }
    assert all(CJK.search(i["reason"]["text"]) for i in zh)


def test_web_cards_say_why_on_the_first_and_the_scrolled_pages(
    feed_world: dict[str, Any], client: Any
) -> None:
    import html as html_lib

    reader = feed_world["reader"]
    reader.ui_language = "zh-hans"
    reader.save()
    client.force_login(reader)
    session = client.session
    session["ui_language"] = "zh-hans"
    session.save()
    home = client.get("/").content.decode()
    assert home.count('class="card-reason"') == home.count("data-card>") == 20
    assert "因为你对 #美食 感兴趣" in home and "推荐理由：" in home
    more = re.search(r'hx-get="(/feed\?cursor=[^"]+)"', home)
    assert more is not None
    page2 = client.get(html_lib.unescape(more.group(1)), HTTP_HX_REQUEST="true").content.decode()
    assert page2.count('class="card-reason"') == page2.count("data-card>") == 20

"""Note search through the full-text index (SQLite FTS5 here, PostgreSQL full-text when
DATABASE_URL points at PostgreSQL): word forms, Chinese words, cross-language expansion,
ranking, and the index following edits, deletion, moderation, visibility and blocks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from qiao.accounts.services import block, follow
from qiao.notes.models import Note
from qiao.notes.services import delete_note, update_note
from qiao.search.models import NoteSearchDocument
from qiao.search.services import search

pytestmark = pytest.mark.django_db


def titles(viewer: Any, query: str, **kw: Any) -> list[str]:
    return [n.title for n in search(viewer, query, "notes", **kw).items]


def test_english_word_forms_match_both_ways(make_note: Any) -> None:
    make_note(title="Dumpling night", body="We folded them by hand")
    make_note(title="Making dishes", body="Three boxes of dumplings")
    assert set(titles(None, "dumplings")) == {"Dumpling night", "Making dishes"}
    assert set(titles(None, "Dumpling")) == {"Dumpling night", "Making dishes"}
    assert titles(None, "dish") == ["Making dishes"]
    assert titles(None, "BOX") == ["Making dishes"]


def test_chinese_query_matches_segmented_words(make_note: Any) -> None:
    make_note(title="周末去成都吃火锅", body="麻辣鲜香，特别好吃")
    make_note(title="北京烤鸭", body="皮很脆")
    assert titles(None, "火锅") == ["周末去成都吃火锅"]
    assert titles(None, "成都 火锅") == ["周末去成都吃火锅"]
    assert titles(None, "烤鸭") == ["北京烤鸭"]  # a dictionary sub-word of 北京烤鸭
    assert titles(None, "京烤") == []  # words, not substrings: 京烤 straddles two words
    assert titles(None, "火鍋") == ["周末去成都吃火锅"]  # Traditional folds to Simplified


def test_english_query_finds_chinese_note_and_back(make_note: Any) -> None:
    make_note(title="妈妈包的饺子", body="白菜猪肉馅")
    make_note(title="Weekend dumplings", body="Pork and cabbage")
    page = search(None, "dumplings", "notes")
    assert [n.title for n in page.items] == ["Weekend dumplings", "妈妈包的饺子"]
    assert "饺子" in page.expanded
    # …and a Chinese query finds the English note, its own language first
    assert titles(None, "饺子") == ["妈妈包的饺子", "Weekend dumplings"]


def test_title_match_ranks_above_body_mention(make_note: Any) -> None:
    make_note(title="Autumn walk", body="Leaves, a long river walk and a small bowl of noodles")
    make_note(title="Hand-pulled noodles", body="Lanzhou style, beef broth")
    assert titles(None, "noodles") == ["Hand-pulled noodles", "Autumn walk"]


def test_engagement_breaks_ties(make_note: Any) -> None:
    # two notes the query matches equally (the same text would be one look-alike: only the
    # best of them is listed)
    quiet = make_note(title="Matcha latte", body="at home")
    loved = make_note(title="Matcha latte", body="in Kyoto")
    Note.objects.filter(pk=loved.pk).update(like_count=300, collect_count=40)
    assert [n.pk for n in search(None, "matcha", "notes").items] == [loved.pk, quiet.pk]


def test_all_words_first_then_any(make_note: Any) -> None:
    make_note(title="Spicy noodles", body="")
    make_note(title="Spicy tofu", body="")
    assert titles(None, "spicy noodles") == ["Spicy noodles"]
    assert titles(None, "noodles zzzunknown") == ["Spicy noodles"]  # nothing has both


def test_topics_are_searchable(make_note: Any) -> None:
    make_note(title="Sunday", body="So good #streetfood", topics=["夜市"])
    assert titles(None, "#streetfood") == ["Sunday"]
    assert titles(None, "夜市") == ["Sunday"]


def test_edits_are_reflected(make_user: Any, make_note: Any) -> None:
    author = make_user()
    note = make_note(author, title="Green tea", body="")
    update_note(author, note.pk, title="Oolong tea")
    assert titles(None, "green") == []
    assert titles(None, "oolong") == ["Oolong tea"]
    update_note(author, note.pk, topics=["taiwan"])  # topics alone
    assert titles(None, "taiwan") == ["Oolong tea"]


def test_drafts_are_not_indexed_until_published(make_user: Any, make_note: Any) -> None:
    author = make_user()
    draft = make_note(author, title="Secret recipe", status=Note.Status.DRAFT)
    assert not NoteSearchDocument.objects.filter(note=draft).exists()
    assert titles(author, "recipe") == []
    update_note(author, draft.pk, status=Note.Status.PUBLISHED)
    assert titles(None, "recipe") == ["Secret recipe"]


def test_deleted_note_leaves_the_index(make_user: Any, make_note: Any) -> None:
    author = make_user()
    note = make_note(author, title="Mooncakes", body="")
    delete_note(author, note.pk)
    assert not NoteSearchDocument.objects.filter(note_id=note.pk).exists()
    assert titles(None, "mooncake") == []


def test_removed_by_moderation_and_restored(make_note: Any) -> None:
    note = make_note(title="Bubble tea", body="")
    Note.objects.filter(pk=note.pk).update(is_removed=True)  # what moderation does
    assert titles(None, "bubble") == []
    Note.objects.filter(pk=note.pk).update(is_removed=False)
    assert titles(None, "bubble") == ["Bubble tea"]


def test_private_followers_and_blocks(make_user: Any, make_note: Any) -> None:
    author, follower, stranger = make_user(), make_user(), make_user()
    note = make_note(author, title="Kimchi jar", body="")
    follow(follower, author)
    update_note(author, note.pk, visibility=Note.Visibility.FOLLOWERS)
    assert titles(None, "kimchi") == [] and titles(stranger, "kimchi") == []
    assert titles(follower, "kimchi") == ["Kimchi jar"]
    update_note(author, note.pk, visibility=Note.Visibility.PRIVATE)
    assert titles(follower, "kimchi") == []
    assert titles(author, "kimchi") == ["Kimchi jar"]
    update_note(author, note.pk, visibility=Note.Visibility.PUBLIC)
    block(stranger, author)
    assert titles(stranger, "kimchi") == []
    assert titles(None, "kimchi") == ["Kimchi jar"]


def test_paging_with_the_cursor(make_note: Any) -> None:
    for i in range(5):
        make_note(title=f"Sourdough loaf {i}", body="")
    first = search(None, "sourdough", "notes", limit=3)
    assert len(first.items) == 3 and first.next_cursor
    second = search(None, "sourdough", "notes", cursor=first.next_cursor, limit=3)
    assert len(second.items) == 2 and second.next_cursor is None
    assert not {n.pk for n in first.items} & {n.pk for n in second.items}


def test_reindex_command_fills_the_index(make_note: Any) -> None:
    make_note(title="Congee morning", body="")
    NoteSearchDocument.objects.all().delete()  # as after `qiao seed`, which writes rows
    assert titles(None, "congee") == []
    call_command("search", "status")
    call_command("search", "reindex", "--missing")
    assert titles(None, "congee") == ["Congee morning"]
    call_command("search", "reindex")
    assert NoteSearchDocument.objects.count() == 1


def test_users_exact_and_prefix_first(make_user: Any) -> None:
    make_user(username="bao_lover", display_name="X", follower_count=500)
    make_user(username="bao", display_name="Y", follower_count=1)
    make_user(username="the_bao_shop", display_name="Z", follower_count=9000)
    names = [u.username for u in search(None, "bao", "users").items]
    assert names == ["bao", "bao_lover", "the_bao_shop"]


def test_search_page_shows_expansions(client: Client, make_note: Any) -> None:
    make_note(title="妈妈包的饺子", body="")
    html = client.get("/search?q=dumplings").content.decode()
    assert "妈妈包的饺子" in html and "Also searching: 饺子" in html


def test_a_very_common_word_scores_only_its_newest_matches(
    make_note: Any, monkeypatch: Any
) -> None:
    """Scoring is capped at the newest `SCORED` matches (a popular word in a million notes
    had ~200k of them ranked); what is older than that cut is not a candidate, however well
    it would rank, and a rarer word still finds old notes."""
    from qiao.search import backends

    monkeypatch.setattr(backends, "SCORED", 3)
    old = make_note(title="Noodles noodles noodles", body="the best noodles, noodles")
    rare = make_note(title="Hand-pulled biangbiang", body="")
    newer = [make_note(title=f"Day {i}", body="some noodles") for i in range(4)]
    found = {n.pk for n in search(None, "noodles", "notes").items}
    assert found == {n.pk for n in newer[-3:]}
    assert old.pk not in found
    assert [n.pk for n in search(None, "biangbiang", "notes").items] == [rare.pk]
    monkeypatch.setattr(backends, "SCORED", 1000)
    assert search(None, "noodles", "notes").items[0].pk == old.pk  # uncapped, it ranks first

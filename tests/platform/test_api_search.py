"""Search through the JSON API: notes (across languages), people, topics, paging, privacy
and blocks, errors in the project's format."""

from __future__ import annotations

from typing import Any

import pytest

from qiao.core.pagination import encode_cursor
from qiao.notes.models import Note

pytestmark = pytest.mark.django_db


def test_english_query_finds_english_then_chinese_note(api: Any, make_note: Any) -> None:
    make_note(title="妈妈包的饺子", body="白菜猪肉馅")
    make_note(title="Weekend dumplings", body="Pork and cabbage")
    make_note(title="Autumn walk", body="Leaves and a river")
    r = api.get("/search", q="dumplings")
    assert r.status_code == 200, r.content
    page = r.json()
    assert page["kind"] == "notes" and page["query"] == "dumplings"
    assert [n["title"] for n in page["items"]] == ["Weekend dumplings", "妈妈包的饺子"]
    assert "饺子" in page["expanded"]  # "also searching: 饺子"
    assert page["next_cursor"] is None
    note = page["items"][0]  # the note schema the feeds return
    assert note["author"]["username"] and note["images"] and note["liked"] is False
    assert note["url"].rstrip("/").endswith(str(note["id"]))


def test_users_and_topics(api: Any, make_user: Any, make_note: Any) -> None:
    lin = make_user(username="lin_cooks", display_name="Lin")
    make_user(username="someone_else", display_name="Other")
    make_note(lin, title="Sunday market", body="So good #streetfood", topics=["夜市"])
    users = api.get("/search", q="lin_c", kind="users").json()
    assert users["kind"] == "users"
    assert [u["username"] for u in users["items"]] == ["lin_cooks"]
    assert set(users["items"][0]) == {
        "username",
        "display_name",
        "chinese_name",
        "avatar_url",
        "avatar_color",
    }
    topics = api.get("/search", q="#street", kind="topics").json()
    assert topics["kind"] == "topics"
    assert topics["items"] == [{"name": "streetfood", "note_count": 1, "label": "streetfood"}]
    assert api.get("/search", q="夜", kind="topics").json()["items"][0]["name"] == "夜市"


def test_paging_has_no_duplicates(api: Any, make_note: Any) -> None:
    ids = {make_note(title=f"Sourdough loaf {i}", body="").pk for i in range(5)}
    seen: list[int] = []
    cursor = None
    for _page in range(5):
        params = {"q": "sourdough", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/search", **params).json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5 and set(seen) == ids


def test_private_and_blocked_authors_are_left_out(
    api: Any, api_as: Any, make_user: Any, make_note: Any
) -> None:
    author, hidden, reader = make_user(), make_user(), make_user()
    make_note(author, title="Kimchi jar", body="")
    make_note(hidden, title="Kimchi secret", body="", visibility=Note.Visibility.PRIVATE)
    assert [n["title"] for n in api.get("/search", q="kimchi").json()["items"]] == ["Kimchi jar"]
    assert api_as(author).post(f"/users/{reader.username}/block").status_code == 200
    as_reader = api_as(reader)
    assert as_reader.get("/search", q="kimchi").json()["items"] == []
    users = as_reader.get("/search", q=author.username, kind="users").json()["items"]
    assert author.username not in [u["username"] for u in users]
    # the hidden author sees their own private note
    assert [n["title"] for n in api_as(hidden).get("/search", q="secret").json()["items"]] == [
        "Kimchi secret"
    ]


def test_bad_kind_and_cursor_are_400(api: Any) -> None:
    r = api.get("/search", q="tea", kind="places")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "invalid" and "kind" in err["fields"]
    for cursor in ("!!not-a-cursor", encode_cursor(["x"]), encode_cursor([[1]])):
        r = api.get("/search", q="tea", cursor=cursor)
        assert r.status_code == 400, cursor
        assert r.json()["error"]["code"] == "bad_cursor"


def test_empty_query_is_an_empty_page(api: Any) -> None:
    r = api.get("/search")
    assert r.status_code == 200
    assert r.json() == {
        "kind": "notes",
        "query": "",
        "items": [],
        "next_cursor": None,
        "expanded": [],
    }


def test_search_is_in_the_openapi_document(client: Any) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    op = r.json()["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"q", "kind", "cursor", "limit"}

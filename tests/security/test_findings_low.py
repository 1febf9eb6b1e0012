"""Findings 8–10: malformed cursors and huge ids, the smaller leaks and gaps, and the board
cover of a removed note."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from qiao.notes.models import Note
from qiao.social import services as social

pytestmark = pytest.mark.django_db


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


CRAFTED = [
    "WyJ4Il0",
    "!!!",
    "e30",
    _cursor(["1e999", 1]),
    _cursor([1e308, 10**23]),
    _cursor([10**30]),
    _cursor(["2026-01-01T00:00:00", 10**23]),
    _cursor([None]),
    _cursor([[1]]),
    "A" * 2000,
]
PAGED = [
    "/notes",
    "/feed/for-you",
    "/search?q=cat",
    "/search?q=cat&kind=users",
    "/search?q=c&kind=topics",
    "/notes/{note}/comments",
    "/users/{user}/notes",
    "/notifications",
    "/me/drafts",
    "/feed/following",
]


@pytest.mark.parametrize("path", PAGED)
def test_8_every_paginated_endpoint_answers_400_to_a_crafted_cursor(
    path: str, make_note: Any, api_as: Any
) -> None:
    note = make_note()
    client = api_as(note.author)
    url = path.format(note=note.pk, user=note.author.username)
    for crafted in CRAFTED:
        sep = "&" if "?" in url else "?"
        r = client.client.get(
            f"/api/v1{url}{sep}cursor={crafted}", HTTP_AUTHORIZATION=f"Bearer {client.token}"
        )
        assert r.status_code == 400, (url, crafted, r.content[:200])
        assert r.json()["error"]["code"] in {"bad_cursor", "invalid"}


def test_8_ids_beyond_64_bits_are_400_or_404_never_500(
    make_note: Any, api_as: Any, api: Any, client: Client
) -> None:
    note = make_note()
    member = api_as(note.author)
    huge = 10**23
    assert api.get(f"/notes/{huge}").status_code == 404
    assert api.get(f"/notes/{note.pk}/comments", parent_id=str(10**20)).status_code == 400
    assert client.get(f"/notes/{note.pk}/comments?parent=abc").status_code == 400
    assert client.get(f"/notes/{huge}").status_code == 404
    r = member.post("/events", {"events": [{"kind": "open", "note_id": 10**30}]})
    assert r.status_code == 400
    assert member.post("/notifications/read", {"ids": [10**30]}).status_code == 400
    assert member.post(f"/boards/{huge}/notes", {"note_id": note.pk}).status_code == 404
    assert member.delete(f"/comments/{huge}/like").status_code == 404


def test_9_a_hidden_comments_like_count_and_existence_do_not_leak(
    make_user: Any, make_note: Any, api_as: Any
) -> None:
    note = make_note(visibility="followers")
    comment = social.add_comment(note.author, note.pk, "for followers only")
    stranger = api_as(make_user())
    assert stranger.delete(f"/comments/{comment.pk}/like").status_code == 404
    assert "count" not in stranger.delete(f"/comments/{comment.pk}/like").json()


def test_9_notifications_follow_the_notes_visibility(
    make_user: Any, make_note: Any, api_as: Any
) -> None:
    author, fan = make_user(), make_user()
    note = make_note(author, title="Soon private")
    social.add_comment(author, note.pk, f"thanks @{fan.username}")
    assert api_as(fan).get("/notifications").json()["items"]
    Note.objects.filter(pk=note.pk).update(visibility="private")
    assert api_as(fan).get("/notifications").json()["items"] == []


def test_9_login_csrf_through_a_text_plain_post_is_refused(make_user: Any) -> None:
    from tests.factories import TEST_PASSWORD

    user = make_user()
    browser = Client(enforce_csrf_checks=True)
    body = json.dumps({"login": user.username, "password": TEST_PASSWORD})
    r = browser.post(
        "/api/v1/auth/session", body, content_type="text/plain", HTTP_ORIGIN="https://evil.example"
    )
    assert r.status_code == 403 and "_auth_user_id" not in browser.session


def test_9_field_limits_and_characters(make_user: Any, api_as: Any, make_note: Any) -> None:
    client = api_as(make_user())
    assert client.patch("/me", {"chinese_name_pinyin": "a" * 100_000}).status_code == 400
    family = "我们一家 👨\u200d👩\u200d👧 hello"
    r = client.patch("/me", {"bio": family})
    assert r.status_code == 200 and r.json()["bio"] == family  # the joiners survive
    assert client.patch("/me", {"bio": "evil\u202etxt.exe"}).status_code == 400
    note = make_note(body="#good", topics=["co\u202eol", "nu\u0000ll", "tab\there"])
    assert {t.name for t in note.topics.all()} == {"good", "cool", "null", "tabhere"}
    assert client.post("/notifications/read", {"ids": [None, None]}).status_code == 400


def test_9_api_errors_are_json(api: Any, client: Client) -> None:
    for r in (
        client.get("/api/v1/no/such/thing"),
        client.put("/api/v1/notes"),
        client.get("/api/v1/notes/12345678"),
    ):
        assert r.status_code in (404, 405)
        assert r.json()["error"]["code"] in {"not_found", "method_not_allowed"}


def test_9_the_openapi_document_states_the_limits(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    params = {
        p["name"]: p for op in spec["paths"]["/api/v1/notes"]["get"]["parameters"] for p in [op]
    }
    limit = params["limit"]["schema"]
    assert limit.get("maximum") == 50 and limit.get("minimum") == 1
    schemas = spec["components"]["schemas"]
    assert "enum" in json.dumps(params["lang"]["schema"])
    body = schemas["CommentIn"]["properties"]["body"]
    assert body.get("minLength") == 1 and "x-qiao-max-characters" in json.dumps(body)
    assert "at least 8 characters" in schemas["SignUpIn"]["properties"]["password"]["description"]


def test_10_a_removed_notes_photo_is_not_a_board_cover(
    make_user: Any, make_note: Any, api: Any, api_as: Any
) -> None:
    owner = make_user()
    note = make_note()
    board = api_as(owner).post("/boards", {"name": "Saved"}).json()
    api_as(owner).post(f"/boards/{board['id']}/notes", {"note_id": note.pk})
    cover = api.get(f"/boards/{board['id']}").json()["cover_url"]
    assert cover and "_" in cover.rsplit("/", 1)[-1]  # a variant, not the full-size original
    Note.objects.filter(pk=note.pk).update(is_removed=True)
    assert api.get(f"/boards/{board['id']}").json()["cover_url"] == ""

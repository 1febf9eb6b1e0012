"""Follows, blocks, likes, boards, comments, notifications and the permission matrix."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from qiao.accounts.models import User
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note
from qiao.social.models import Like, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(make_user: Any, make_note: Any, api_as: Any, api: Any) -> dict[str, Any]:
    owner, other, blocked = make_user(), make_user(), make_user()
    note = make_note(owner, title="Owner's note")
    api_as(owner).post(f"/users/{blocked.username}/block")
    return {
        "owner": owner,
        "other": other,
        "blocked": blocked,
        "note": note,
        "clients": {
            "anonymous": api,
            "other": api_as(other),
            "blocked": api_as(blocked),
            "owner": api_as(owner),
        },
    }


# (method, path template, body, expected status per caller)
MATRIX = [
    ("get", "/notes/{note}", None, {"anonymous": 200, "other": 200, "blocked": 404, "owner": 200}),
    (
        "patch",
        "/notes/{note}",
        {"title": "changed"},
        {"anonymous": 401, "other": 403, "blocked": 404, "owner": 200},
    ),
    (
        "post",
        "/notes/{note}/like",
        None,
        {"anonymous": 401, "other": 200, "blocked": 404, "owner": 200},
    ),
    (
        "delete",
        "/notes/{note}/like",
        None,
        {"anonymous": 401, "other": 200, "blocked": 404, "owner": 200},
    ),
    (
        "get",
        "/notes/{note}/comments",
        None,
        {"anonymous": 200, "other": 200, "blocked": 404, "owner": 200},
    ),
    (
        "post",
        "/notes/{note}/comments",
        {"body": "nice"},
        {"anonymous": 401, "other": 201, "blocked": 404, "owner": 201},
    ),
    ("get", "/users/{owner}", None, {"anonymous": 200, "other": 200, "blocked": 404, "owner": 200}),
    (
        "get",
        "/users/{owner}/notes",
        None,
        {"anonymous": 200, "other": 200, "blocked": 404, "owner": 200},
    ),
    (
        "post",
        "/users/{owner}/follow",
        None,
        {"anonymous": 401, "other": 200, "blocked": 404, "owner": 400},
    ),
    ("get", "/me", None, {"anonymous": 401, "other": 200, "blocked": 200, "owner": 200}),
    ("get", "/me/drafts", None, {"anonymous": 401, "other": 200, "blocked": 200, "owner": 200}),
    ("get", "/me/blocks", None, {"anonymous": 401, "other": 200, "blocked": 200, "owner": 200}),
    ("get", "/notifications", None, {"anonymous": 401, "other": 200, "blocked": 200, "owner": 200}),
    (
        "post",
        "/boards",
        {"name": "Faves"},
        {"anonymous": 401, "other": 201, "blocked": 201, "owner": 201},
    ),
    (
        "post",
        "/events",
        {"events": [{"kind": "impression", "note_id": 0}]},
        {"anonymous": 401, "other": 202, "blocked": 202, "owner": 202},
    ),
    (
        "delete",
        "/notes/{note}",
        None,
        {"anonymous": 401, "other": 403, "blocked": 404, "owner": 204},
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _b, _e in MATRIX]
)
@pytest.mark.parametrize("who", ["anonymous", "other", "blocked", "owner"])
def test_permission_matrix(
    cast: dict[str, Any], who: str, method: str, path: str, body: Any, expected: dict[str, int]
) -> None:
    url = path.format(note=cast["note"].pk, owner=cast["owner"].username)
    client = cast["clients"][who]
    if body and "events" in body:
        body = {"events": [{"kind": "impression", "note_id": cast["note"].pk}]}
    args = (url, body) if method in {"post", "patch"} else (url,)
    response = getattr(client, method)(*args)
    assert response.status_code == expected[who], response.content
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_private_board_and_private_account(
    make_user: Any, api_as: Any, api: Any, make_note: Any
) -> None:
    owner, fan = make_user(is_private=True), make_user()
    note = make_note(owner)
    owner_api, fan_api = api_as(owner), api_as(fan)
    assert api.get(f"/notes/{note.pk}").status_code == 404
    assert fan_api.get(f"/users/{owner.username}/notes").json()["items"] == []
    assert fan_api.post(f"/users/{owner.username}/follow").json()["state"] == "pending"
    kinds = [n["kind"] for n in owner_api.get("/notifications").json()["items"]]
    assert kinds == ["follow_request"]
    assert [u["username"] for u in owner_api.get("/me/follow-requests").json()] == [fan.username]
    assert owner_api.post(f"/me/follow-requests/{fan.username}/approve").status_code == 200
    assert fan_api.get(f"/notes/{note.pk}").status_code == 200
    owner.refresh_from_db()
    assert owner.follower_count == 1
    board = owner_api.post("/boards", {"name": "secret", "is_private": True}).json()
    assert fan_api.get(f"/boards/{board['id']}").status_code == 404
    assert owner_api.get(f"/boards/{board['id']}").status_code == 200


def test_block_hides_both_ways_and_drops_follows(
    make_user: Any, api_as: Any, make_note: Any
) -> None:
    a, b = make_user(), make_user()
    note_a, note_b = make_note(a), make_note(b)
    api_as(a).post(f"/users/{b.username}/follow")
    api_as(b).post(f"/users/{a.username}/follow")
    assert api_as(a).post(f"/users/{b.username}/block").status_code == 200
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.follower_count, a.following_count, b.follower_count) == (0, 0, 0)
    assert api_as(b).get(f"/notes/{note_a.pk}").status_code == 404
    assert api_as(a).get(f"/notes/{note_b.pk}").status_code == 404
    assert note_a.pk not in [n["id"] for n in api_as(b).get("/notes").json()["items"]]
    assert api_as(b).post(f"/users/{a.username}/follow").status_code == 404
    assert [u["username"] for u in api_as(a).get("/me/blocks").json()] == [b.username]
    api_as(a).delete(f"/users/{b.username}/block")
    assert api_as(b).get(f"/notes/{note_a.pk}").status_code == 200


def test_like_is_idempotent_and_notifies_once(make_user: Any, api_as: Any, make_note: Any) -> None:
    author, fan = make_user(), make_user()
    note = make_note(author)
    client = api_as(fan)
    for _ in range(3):
        assert client.post(f"/notes/{note.pk}/like").json() == {"liked": True, "like_count": 1}
    assert Notification.objects.filter(recipient=author, kind="like").count() == 1
    assert client.delete(f"/notes/{note.pk}/like").json() == {"liked": False, "like_count": 0}
    assert client.delete(f"/notes/{note.pk}/like").json()["like_count"] == 0
    assert EngagementEvent.objects.filter(user_id=fan.pk, kind="like").count() == 1


def test_comments_replies_mentions_and_notifications(
    make_user: Any, api_as: Any, make_note: Any
) -> None:
    author, fan, friend = make_user(), make_user(), make_user()
    note = make_note(author)
    c = (
        api_as(fan)
        .post(f"/notes/{note.pk}/comments", {"body": f"Love it @{friend.username}"})
        .json()
    )
    r = api_as(author).post(f"/notes/{note.pk}/comments", {"body": "thanks!", "parent_id": c["id"]})
    assert r.status_code == 201 and r.json()["reply_to"] == fan.username
    # a reply to a reply stays one level deep
    r2 = (
        api_as(fan)
        .post(f"/notes/{note.pk}/comments", {"body": "np", "parent_id": r.json()["id"]})
        .json()
    )
    assert r2["parent_id"] == c["id"] and r2["reply_to"] == author.username
    top = api_as(fan).get(f"/notes/{note.pk}/comments").json()["items"]
    assert [x["id"] for x in top] == [c["id"]] and top[0]["reply_count"] == 2
    replies = api_as(fan).get(f"/notes/{note.pk}/comments", parent_id=c["id"]).json()["items"]
    assert len(replies) == 2
    assert api_as(author).post(f"/comments/{c['id']}/like").json() == {"count": 1}
    kinds = sorted(n.kind for n in Notification.objects.filter(recipient=fan))
    assert kinds == ["comment_like", "reply"]
    assert Notification.objects.filter(recipient=friend, kind="mention").count() == 1
    assert Notification.objects.filter(recipient=author, kind="comment").count() == 1
    unread = api_as(fan).get("/notifications/unread-count").json()["count"]
    assert unread == 2
    api_as(fan).post("/notifications/read", {})
    assert api_as(fan).get("/notifications/unread-count").json()["count"] == 0
    Note.objects.get(pk=note.pk)
    assert Note.objects.get(pk=note.pk).comment_count == 3
    assert api_as(friend).delete(f"/comments/{c['id']}").status_code == 403
    assert api_as(author).delete(f"/comments/{c['id']}").status_code == 204
    assert Note.objects.get(pk=note.pk).comment_count == 0


def test_boards_collect_and_counts(make_user: Any, api_as: Any, make_note: Any) -> None:
    author, fan = make_user(), make_user()
    note = make_note(author)
    client = api_as(fan)
    board = client.post("/boards", {"name": "Food 美食"}).json()
    assert client.post("/boards", {"name": "Food 美食"}).status_code == 400
    assert client.post(f"/boards/{board['id']}/notes", {"note_id": note.pk}).status_code == 200
    assert client.post(f"/boards/{board['id']}/notes", {"note_id": note.pk}).status_code == 200
    assert Note.objects.get(pk=note.pk).collect_count == 1
    items = client.get(f"/boards/{board['id']}/notes").json()["items"]
    assert [n["id"] for n in items] == [note.pk] and items[0]["collected"]
    assert (
        api_as(author).post(f"/boards/{board['id']}/notes", {"note_id": note.pk}).status_code == 404
    )
    client.delete(f"/boards/{board['id']}/notes/{note.pk}")
    assert Note.objects.get(pk=note.pk).collect_count == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_keep_exact_counts(make_user: Any, make_note: Any) -> None:
    """20 threads like/unlike the same note; the counter matches the rows exactly."""
    from django.test import Client

    from qiao.accounts.services import issue_token

    author = make_user()
    note = make_note(author)
    fans = [make_user() for _ in range(20)]
    tokens = [issue_token(f) for f in fans]
    errors: list[str] = []
    barrier = threading.Barrier(len(fans))

    def worker(i: int) -> None:
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[i]}"}
        try:
            barrier.wait()
            for round_ in range(4):
                r = client.post(f"/api/v1/notes/{note.pk}/like", **headers)
                if r.status_code != 200:
                    errors.append(r.content.decode())
                if i % 2 == 1 and round_ < 3:
                    client.delete(f"/api/v1/notes/{note.pk}/like", **headers)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(fans))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    note.refresh_from_db()
    assert Like.objects.filter(note=note).count() == 20
    assert note.like_count == 20
    author.refresh_from_db()
    assert author.likes_received == 20


def test_account_deletion_removes_data_and_media(
    make_user: Any, api_as: Any, make_note: Any, django_capture_on_commit_callbacks: Any
) -> None:
    leaver, other = make_user(), make_user()
    note = make_note(leaver, n_images=2)
    others_note = make_note(other)
    client = api_as(leaver)
    client.post(f"/notes/{others_note.pk}/like")
    client.post(f"/notes/{others_note.pk}/comments", {"body": "bye"})
    client.post(f"/users/{other.username}/follow")
    paths = [
        p
        for img in note.images.all()
        for p in [img.original, *[x for f in img.variants.values() for x in f.values()]]
    ]
    assert paths and all(default_storage.exists(p) for p in paths)
    assert client.post("/me/delete", {"password": "wrong"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        from tests.factories import TEST_PASSWORD

        assert client.post("/me/delete", {"password": TEST_PASSWORD}).status_code == 200
    assert not User.objects.filter(pk=leaver.pk).exists()
    assert not Note.objects.filter(author_id=leaver.pk).exists()
    assert not EngagementEvent.objects.filter(user_id=leaver.pk).exists()
    assert not any(default_storage.exists(p) for p in paths)
    others_note.refresh_from_db()
    other.refresh_from_db()
    assert (others_note.like_count, others_note.comment_count) == (0, 0)
    assert (other.follower_count, other.likes_received) == (0, 0)
    assert client.get("/me").status_code == 401


def test_events_are_bulk_logged_and_validated(make_user: Any, api_as: Any, make_note: Any) -> None:
    viewer = make_user()
    note = make_note()
    client = api_as(viewer)
    evs = [
        {"kind": "impression", "note_id": note.pk, "value": i, "surface": "for_you"}
        for i in range(50)
    ] + [{"kind": "dwell", "note_id": note.pk, "value": 12.5}]
    assert client.post("/events", {"events": evs}).json() == {"count": 51}
    assert (
        client.post("/events", {"events": [{"kind": "like", "note_id": note.pk}]}).status_code
        == 400
    )
    assert client.post("/events", {"events": [{"kind": "open"}] * 201}).status_code == 400
    assert EngagementEvent.objects.filter(user_id=viewer.pk).count() == 51


def test_rate_limit_on_login(api: Any, make_user: Any, settings: Any, clock: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.QIAO_RATE_LIMITS_ENABLED = True
    settings.QIAO_RATE_LIMITS = {**settings.QIAO_RATE_LIMITS, "login": "3/60"}
    clock.set(1_900_000_215)  # 15 s into a 60-s window; the pinned clock stays there
    user = make_user()
    codes = [
        api.post("/auth/login", {"login": user.username, "password": "nope"}).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
    r = api.post("/auth/login", {"login": user.username, "password": "nope"})
    assert r.json()["error"]["code"] == "rate_limited" and r["Retry-After"] == "45"
    clock.advance(45)  # the next window: the name may try again
    r = api.post("/auth/login", {"login": user.username, "password": "nope"})
    assert r.status_code == 401
    cache.clear()


def test_token_login_logout_and_profile(api: Any, make_user: Any) -> None:
    from tests.factories import TEST_PASSWORD

    user = make_user()
    r = api.post("/auth/login", {"login": user.email.upper(), "password": TEST_PASSWORD})
    assert r.status_code == 200
    api.token = r.json()["token"]
    r = api.patch(
        "/me",
        {
            "bio": "我喜欢火锅",
            "read_languages": ["en", "zh"],
            "chinese_name": "江美琪",
            "ui_language": "zh-hans",
        },
    )
    assert r.status_code == 200 and r.json()["read_languages"] == ["en", "zh"]
    assert api.patch("/me", {"read_languages": ["xx"]}).status_code == 400
    assert api.patch("/me", {"ui_language": "klingon"}).status_code == 400
    assert api.post("/auth/logout").status_code == 200
    assert api.get("/me").status_code == 401
    assert api.post("/auth/signup", {"username": "x", "email": "bad", "password": "1"}).json()[
        "error"
    ]["fields"].keys() >= {"username", "email", "password"}


def test_session_callers_need_csrf(client: Any, make_user: Any, make_note: Any) -> None:
    from django.test import Client

    user = make_user()
    note = make_note()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(f"/api/v1/notes/{note.pk}/like").status_code == 403
    strict.get("/api/v1/me")
    token = strict.cookies.get("csrftoken")
    if token is None:
        from django.middleware.csrf import _get_new_csrf_string

        token_value = _get_new_csrf_string()
        strict.cookies["csrftoken"] = token_value
    else:
        token_value = token.value
    r = strict.post(f"/api/v1/notes/{note.pk}/like", HTTP_X_CSRFTOKEN=token_value)
    assert r.status_code == 200


def test_openapi_document_and_docs_page(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/notes" in spec["paths"] and "/api/v1/notes/{note_id}/like" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200

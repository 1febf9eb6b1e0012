"""Findings 3–7: oversized bodies, private hashtags, login throttling, report brigading and
one bad profile value breaking the feed."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from qiao.moderation import services as moderation
from qiao.notes.models import Note
from qiao.social.models import Notification
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
HUGE = str(500 * 1024 * 1024)


def test_3_an_anonymous_huge_body_is_refused_before_it_is_read(client: Client) -> None:
    with mock.patch("django.http.multipartparser.MultiPartParser.parse") as parse:
        r = client.generic(
            "POST",
            "/api/v1/notes",
            b"x" * 100,
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=HUGE,
        )
        assert r.status_code == 413  # over the limit for anyone
        r = client.generic(
            "POST", "/api/v1/notes", b"x" * 100_000, content_type="multipart/form-data; boundary=x"
        )
        assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"
        r = client.generic(
            "POST", "/compose", b"x" * 100_000, content_type="multipart/form-data; boundary=x"
        )
        assert r.status_code == 413
    parse.assert_not_called()


def test_3_a_members_body_over_the_limit_is_refused_before_it_is_read(
    make_user: Any, api_as: Any
) -> None:
    client = api_as(make_user())
    with mock.patch("django.http.multipartparser.MultiPartParser.parse") as parse:
        r = client.client.generic(
            "POST",
            "/api/v1/notes",
            b"x",
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=HUGE,
            HTTP_AUTHORIZATION=f"Bearer {client.token}",
        )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    parse.assert_not_called()
    assert (
        client.client.generic(
            "POST",
            "/api/v1/notes",
            b"",
            CONTENT_LENGTH="-5",
            HTTP_AUTHORIZATION=f"Bearer {client.token}",
        ).status_code
        == 400
    )


def test_4_private_hashtags_are_not_listed_or_counted(
    make_user: Any, make_note: Any, api: Any, api_as: Any
) -> None:
    owner, follower = make_user(), make_user()
    from qiao.accounts.services import follow

    follow(follower, owner)
    make_note(owner, body="#secretplan", visibility="private")
    make_note(owner, body="#friendsonly", visibility="followers")
    make_note(owner, body="#friendsonly #public", visibility="public")
    for client in (api, api_as(make_user())):
        topics = {
            t["name"]: t["note_count"]
            for t in client.get("/search", q="e", kind="topics").json()["items"]
        }
        assert "secretplan" not in topics and topics.get("friendsonly") == 1
        suggested = client.client.get("/topics/suggest?q=se").content.decode()
        assert "secretplan" not in suggested
    seen = {
        t["name"]: t["note_count"]
        for t in api_as(follower).get("/search", q="friends", kind="topics").json()["items"]
    }
    assert seen == {"friendsonly": 2}
    mine = {
        t["name"] for t in api_as(owner).get("/search", q="secret", kind="topics").json()["items"]
    }
    assert mine == {"secretplan"}


def _login(client: Client, login: str, password: str, ip: str = "10.0.0.1", **extra: Any) -> int:
    r = client.post(
        "/api/v1/auth/login",
        {"login": login, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
        **extra,
    )
    return int(r.status_code)


def test_5_the_account_key_is_normalised_and_admin_login_is_throttled(
    make_user: Any, limits: None, settings: Any
) -> None:
    settings.QIAO_RATE_LIMITS = {**settings.QIAO_RATE_LIMITS, "login": "3/300"}
    bob = make_user(username="bob", email="bob@example.com", is_staff=True, is_superuser=True)
    client = Client()
    spellings = ["bob", " bob ", "BOB", "bob@example.com"]
    assert [_login(client, s, "wrong") for s in spellings] == [401, 401, 401, 429]
    assert _login(client, "Bob", TEST_PASSWORD) == 429  # the right password waits too
    admin = Client()
    admin.post(
        "/admin/login/", {"username": "bob", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert "_auth_user_id" not in admin.session  # the admin's log-in shares the counters
    assert _login(client, "bob", TEST_PASSWORD, ip="10.0.0.9") == 200  # another address
    assert bob.pk


def test_5_one_address_cannot_lock_everyone_out_behind_the_proxy(
    make_user: Any, limits: None, settings: Any
) -> None:
    settings.QIAO_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.QIAO_RATE_LIMITS = {**settings.QIAO_RATE_LIMITS, "login_ip": "5/300"}
    make_user(username="alice")
    client = Client()
    for _ in range(6):
        _login(client, "alice", "wrong", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # the attacker is limited; a visitor behind the same proxy is not
    assert (
        _login(client, "alice", "wrong", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7") == 429
    )
    assert (
        _login(client, "alice", TEST_PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
        == 200
    )
    # a client that is not the proxy cannot choose its own address
    for _ in range(6):
        _login(client, "alice", "wrong", ip="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert (
        _login(client, "alice", "wrong", ip="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.99")
        == 429
    )


def test_6_brand_new_accounts_cannot_hide_a_note(
    make_user: Any, make_note: Any, settings: Any
) -> None:
    settings.QIAO_AUTO_HIDE_WEIGHT = 3
    note = make_note()
    for _ in range(5):
        moderation.report(make_user(), kind="note", target_id=note.pk, reason="spam")
    assert not Note.objects.get(pk=note.pk).is_removed


def test_6_a_circle_of_friends_counts_once(make_note: Any, established: Any, settings: Any) -> None:
    from qiao.accounts.services import follow

    settings.QIAO_AUTO_HIDE_WEIGHT = 3
    note = make_note()
    friends = [established() for _ in range(4)]
    for a, b in zip(friends, friends[1:], strict=False):
        follow(a, b)
    for user in friends:
        moderation.report(user, kind="note", target_id=note.pk, reason="spam")
    assert not Note.objects.get(pk=note.pk).is_removed


def test_6_standing_hides_notifies_moderators_and_the_author_can_appeal(
    make_note: Any, established: Any, moderator: Any, settings: Any, api_as: Any
) -> None:
    settings.QIAO_AUTO_HIDE_WEIGHT = 3
    note = make_note()
    for _ in range(3):
        moderation.report(established(), kind="note", target_id=note.pk, reason="spam")
    assert Note.objects.get(pk=note.pk).is_removed
    assert Notification.objects.filter(recipient=moderator, kind="review").exists()
    author = api_as(note.author)
    assert author.get(f"/notes/{note.pk}").status_code == 200  # its author still sees it
    r = author.post(f"/notes/{note.pk}/appeal", {"message": "It is my cat, not spam."})
    assert r.status_code == 201
    assert Notification.objects.filter(recipient=moderator, kind="appeal").exists()
    moderation.resolve_appeal(moderator, r.json()["id"], restore=True)
    assert not Note.objects.get(pk=note.pk).is_removed


@pytest.mark.parametrize("value", ["x\ud800y", "nul\x00here", "bell\x07", "rtl\u202eevil"])
def test_7_bad_text_is_refused_and_the_feed_keeps_working(
    make_user: Any, api_as: Any, value: str
) -> None:
    client = api_as(make_user())
    body = json.dumps({"interests": [value]})  # \ud800 travels as an escape, as in the attack
    r = client.client.patch(
        "/api/v1/me",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_characters"
    r = client.client.patch(
        "/api/v1/me",
        json.dumps({"bio": value}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert r.status_code == 400
    assert client.get("/feed/for-you").status_code == 200

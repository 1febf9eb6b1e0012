"""Direct messages over /api/v1: every endpoint answers a visitor with 401 and anyone who is
not (or no longer) in the conversation with 404, and the documented limits are enforced."""

from __future__ import annotations

from typing import Any

import pytest

from qiao.accounts import services as accounts
from qiao.messages import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(people: dict[str, Any]) -> dict[str, Any]:
    conv = services.start_conversation(people["ann"], ["bo"])
    first = services.send_message(people["ann"], conv.pk, body="你好 Bo")
    return {"id": conv.pk, "message": first.pk, **people}


def endpoints(cid: int, mid: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("get", f"/conversations/{cid}", None),
        ("patch", f"/conversations/{cid}", {"muted": True}),
        ("get", f"/conversations/{cid}/messages", None),
        ("post", f"/conversations/{cid}/messages", {"body": "hi"}),
        ("post", f"/conversations/{cid}/read", {}),
        ("post", f"/conversations/{cid}/typing", None),
        ("post", f"/conversations/{cid}/accept", None),
        ("post", f"/conversations/{cid}/decline", None),
        ("post", f"/conversations/{cid}/leave", None),
        ("post", f"/conversations/{cid}/clear", None),
        ("post", f"/conversations/{cid}/block", None),
        ("post", f"/conversations/{cid}/members", {"usernames": ["stranger"]}),
        ("delete", f"/conversations/{cid}/members/bo", None),
        ("get", f"/conversations/{cid}/search?q=hi", None),
        ("post", f"/conversations/{cid}/report", {"reason": "spam"}),
        ("get", f"/messages/{mid}/translation", None),
        ("get", f"/messages/{mid}/rendered", None),
        ("post", f"/messages/{mid}/unsend", None),
        ("delete", f"/messages/{mid}", None),
        ("post", f"/messages/{mid}/report", {"reason": "spam"}),
    ]


def call(client: Any, method: str, path: str, data: Any) -> Any:
    if method == "get":
        return client.get(path)
    if method == "delete":
        return client.delete(path)
    if method == "patch":
        return client.patch(path, data)
    return client.post(path, data)


def test_visitors_get_401_everywhere(api: Any, chat: dict[str, Any]) -> None:
    for method, path, data in endpoints(chat["id"], chat["message"]):
        assert call(api, method, path, data).status_code == 401, path
    assert api.get("/conversations").status_code == 401
    assert api.get("/live/events").status_code == 401
    assert api.get("/live/stream").status_code == 401


@pytest.mark.parametrize("who", ["stranger", "blocked", "left"])
def test_outsiders_get_404_everywhere(api_as: Any, chat: dict[str, Any], who: str) -> None:
    if who == "stranger":
        user = chat["stranger"]
    elif who == "blocked":
        accounts.block(chat["ann"], chat["bo"])
        user = chat["bo"]
    else:
        conv = services.start_conversation(chat["ann"], ["bo", "stranger"])
        services.leave(chat["bo"], conv.pk)
        mid = services.send_message(chat["ann"], conv.pk, body="after bo left").pk
        client = api_as(chat["bo"])
        for method, path, data in endpoints(conv.pk, mid):
            assert call(client, method, path, data).status_code == 404, path
        return
    client = api_as(user)
    for method, path, data in endpoints(chat["id"], chat["message"]):
        assert call(client, method, path, data).status_code == 404, path


def test_removed_member_gets_404(api_as: Any, chat: dict[str, Any]) -> None:
    conv = services.start_conversation(chat["ann"], ["bo", "stranger"])
    services.remove_member(chat["ann"], conv.pk, "stranger")
    client = api_as(chat["stranger"])
    assert client.get(f"/conversations/{conv.pk}").status_code == 404
    assert client.post(f"/conversations/{conv.pk}/messages", {"body": "x"}).status_code == 404
    items = client.get("/conversations").json()["items"]
    assert conv.pk not in [i["id"] for i in items]


def test_a_conversation_over_the_api(api_as: Any, chat: dict[str, Any]) -> None:
    bo = api_as(chat["bo"])
    page = bo.get("/conversations").json()
    assert page["items"][0]["id"] == chat["id"] and page["items"][0]["unread"] == 1
    detail = bo.get(f"/conversations/{chat['id']}").json()
    assert detail["messages"][0]["body"] == "你好 Bo" and detail["live_after"] >= 1
    r = bo.post(
        f"/conversations/{chat['id']}/messages",
        {"body": "Hi Ann 😊", "reply_to_id": chat["message"]},
    )
    assert r.status_code == 201
    sent = r.json()
    assert sent["mine"] and sent["reply_to_id"] == chat["message"]
    assert bo.get("/messaging/unread").json()["messages"] == 0  # replying read it
    newer = (
        api_as(chat["ann"])
        .get(f"/conversations/{chat['id']}/messages", after=chat["message"])
        .json()
    )
    assert [m["id"] for m in newer["items"]] == [sent["id"]]
    assert bo.post(f"/messages/{sent['id']}/unsend").json()["tombstone"]
    found = bo.get(f"/conversations/{chat['id']}/search", q="你好").json()["items"]
    assert [m["id"] for m in found] == [chat["message"]]


def test_starting_requests_and_limits(api_as: Any, chat: dict[str, Any]) -> None:
    stranger = api_as(chat["stranger"])
    r = stranger.post("/conversations", {"to": ["ann"]})
    assert r.status_code == 201
    cid = r.json()["id"]
    assert r.json()["waiting"]
    ann = api_as(chat["ann"])
    assert [i["id"] for i in ann.get("/conversations", box="requests").json()["items"]] == [cid]
    assert ann.get("/conversations", box="spam").status_code == 400
    assert stranger.post(f"/conversations/{cid}/messages", {"body": "x" * 2001}).status_code == 400
    assert stranger.post("/conversations", {"to": []}).status_code == 400
    assert stranger.post("/conversations", {"to": ["nobody_at_all"]}).status_code == 404
    assert ann.post(f"/conversations/{cid}/accept").status_code == 200
    assert ann.get("/conversations").json()["items"][0]["id"] == cid


def test_photos_over_the_api(api_as: Any, chat: dict[str, Any], run_tasks: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import image_bytes

    ann = api_as(chat["ann"])
    upload = SimpleUploadedFile("p.jpg", image_bytes(640, 480), content_type="image/jpeg")
    r = ann.post(
        f"/conversations/{chat['id']}/photos", {"photos": [upload], "body": "look"}, multipart=True
    )
    assert r.status_code == 201, r.content
    photo = r.json()["photos"][0]
    assert "/messages/photos/" in photo["small_url"]
    bad = SimpleUploadedFile("p.jpg", b"GIF89a not really", content_type="image/jpeg")
    r = ann.post(f"/conversations/{chat['id']}/photos", {"photos": [bad]}, multipart=True)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_image"


def test_receipts_setting_and_openapi(api_as: Any, api: Any, chat: dict[str, Any]) -> None:
    bo = api_as(chat["bo"])
    assert bo.get("/messaging/settings").json() == {"read_receipts": True}
    r = bo.client.put(
        "/api/v1/messaging/settings",
        {"read_receipts": False},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bo.token}",
    )
    assert r.json() == {"read_receipts": False}
    doc = api.get("/openapi.json").json()
    for path in (
        "/api/v1/conversations",
        "/api/v1/conversations/{conversation_id}/messages",
        "/api/v1/live/stream",
        "/api/v1/live/events",
    ):
        assert path in doc["paths"], path
    message_in = doc["components"]["schemas"]["MessageIn"]["properties"]["body"]
    assert message_in["x-qiao-max-characters"] == 2000


def test_poll_events_resume_and_reset(api_as: Any, chat: dict[str, Any]) -> None:
    bo = api_as(chat["bo"])
    head = bo.get("/live/events").json()
    assert head["events"] == [] and head["last"] >= 1
    services.send_message(chat["ann"], chat["id"], body="two")
    page = bo.get("/live/events", after=head["last"]).json()
    kinds = [e["type"] for e in page["events"]]
    assert "message" in kinds and page["last"] > head["last"]
    assert [e["id"] for e in page["events"]] == list(range(head["last"] + 1, page["last"] + 1))
    from qiao.messages.models import LiveEvent

    assert not bo.get("/live/events", after=head["last"]).json()["reset"]
    LiveEvent.objects.filter(user=chat["bo"], seq__lte=head["last"] + 1).delete()  # pruned
    assert bo.get("/live/events", after=head["last"]).json()["reset"]

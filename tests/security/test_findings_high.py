"""Findings 1 and 2 of the break-in attempt (issue 14): memory amplification by legal
images, and blocks that did not stop harassment."""

from __future__ import annotations

import io
from typing import Any
from unittest import mock

import pytest
from PIL import Image

from qiao.accounts.services import block
from qiao.social import services as social
from qiao.social.models import Notification

pytestmark = pytest.mark.django_db


def _flat_png(side: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (side, side), (200, 30, 30)).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def test_1_nine_huge_flat_pngs_are_refused_before_decoding(make_user: Any, api_as: Any) -> None:
    png = _flat_png(7000)  # ~150 KB on the wire, 49 Mpx decoded
    client = api_as(make_user())
    with mock.patch("qiao.notes.services.inspect_image") as decode:
        r = client.post(
            "/notes",
            {"title": "flood", "images": [_upload(f"{i}.png", png) for i in range(9)]},
            multipart=True,
        )
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    decode.assert_not_called()  # refused from the headers alone


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_1_a_members_hourly_pixel_budget(
    make_user: Any, api_as: Any, settings: Any, limits: None, image_bytes: Any
) -> None:
    settings.QIAO_RATE_LIMITS = {**settings.QIAO_RATE_LIMITS, "pixels": "1000000/3600"}
    client = api_as(make_user())
    photo = image_bytes(800, 600)  # 0.48 Mpx
    codes = []
    for _ in range(3):
        r = client.post(
            "/notes", {"title": "cat", "images": [_upload("a.jpg", photo)]}, multipart=True
        )
        codes.append(r.status_code)
    assert codes == [201, 201, 429]


@pytest.fixture
def triangle(make_user: Any, make_note: Any) -> tuple[Any, Any, Any, Any, Any]:
    """dave's note, bob's comment on it, then bob blocks carol."""
    bob, carol, dave = make_user(), make_user(), make_user()
    note = make_note(dave)
    bobs = social.add_comment(bob, note.pk, "my comment")
    block(bob, carol)
    return bob, carol, dave, note, bobs


def test_2_a_blocked_member_cannot_reply_to_or_like_the_blockers_comments(
    triangle: Any, api_as: Any
) -> None:
    bob, carol, _dave, note, bobs = triangle
    client = api_as(carol)
    r = client.post(f"/notes/{note.pk}/comments", {"body": "hey", "parent_id": bobs.pk})
    assert r.status_code == 404
    assert client.post(f"/comments/{bobs.pk}/like").status_code == 404
    assert client.delete(f"/comments/{bobs.pk}/like").status_code == 404
    assert client.get(f"/comments/{bobs.pk}/translation").status_code == 404
    assert not Notification.objects.filter(recipient=bob, actor=carol).exists()


def test_2_each_is_hidden_from_the_other_everywhere(
    triangle: Any, api_as: Any, make_note: Any
) -> None:
    bob, carol, dave, note, bobs = triangle
    carols = social.add_comment(carol, note.pk, f"hello @{bob.username} and @{dave.username}")
    assert not Notification.objects.filter(recipient=bob, actor=carol).exists()  # mention
    assert Notification.objects.filter(recipient=dave, actor=carol).exists()
    for viewer, hidden in ((carol, bobs.pk), (bob, carols.pk)):
        ids = [c["id"] for c in api_as(viewer).get(f"/notes/{note.pk}/comments").json()["items"]]
        assert hidden not in ids
    ids = [c["id"] for c in api_as(dave).get(f"/notes/{note.pk}/comments").json()["items"]]
    assert {bobs.pk, carols.pk} <= set(ids)  # others still see both
    bobs_note = make_note(bob, title="Bob's breakfast")
    assert api_as(carol).get(f"/notes/{bobs_note.pk}").status_code == 404
    found = api_as(carol).get("/search", q=bob.username, kind="users").json()["items"]
    assert bob.username not in [u["username"] for u in found]
    board = api_as(bob).post("/boards", {"name": "Mine"}).json()
    assert api_as(carol).get(f"/boards/{board['id']}").status_code == 404
    assert api_as(carol).post(f"/notes/{bobs_note.pk}/like").status_code == 404


def test_2_notifications_from_before_the_block_disappear(
    make_user: Any, make_note: Any, api_as: Any
) -> None:
    bob, carol = make_user(), make_user()
    note = make_note(bob)
    social.like_note(carol, note.pk)
    assert api_as(bob).get("/notifications").json()["items"]
    block(bob, carol)
    assert api_as(bob).get("/notifications").json()["items"] == []

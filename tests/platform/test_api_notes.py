"""Notes through the JSON API: create with photos, read, edit, delete, drafts, errors."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from tests.factories import image_bytes
from tests.platform.test_media_pipeline import _gps_exif, _huge_png

from qiao.notes.models import Note, NoteImage

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name: str = "photo.jpg", ctype: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=ctype)


def _post_note(client: Any, images: list[Any], **fields: Any) -> Any:
    data = {"title": "Hot pot night", "body": "Spicy! #hotpot @nobody", **fields, "images": images}
    return client.post("/notes", data, multipart=True)


def test_signup_post_photo_and_read_back(api: Any, run_tasks: None) -> None:
    r = api.post(
        "/auth/signup",
        {
            "username": "emily",
            "email": "emily@example.com",
            "password": "a long pass phrase 42",
            "read_languages": ["en"],
        },
    )
    assert r.status_code == 201, r.content
    api.token = r.json()["token"]
    phone_photo = image_bytes(1600, 1200, exif=_gps_exif())
    r = _post_note(api, [_upload(phone_photo), _upload(image_bytes(seed=5), "b.png")])
    assert r.status_code == 201, r.content
    note = r.json()
    assert note["title"] == "Hot pot night"
    assert note["topics"] == ["hotpot"]
    assert [i["position"] for i in note["images"]] == [0, 1]
    first = note["images"][0]
    assert (first["width"], first["height"]) == (1200, 1600)  # EXIF orientation applied
    assert {v["width"] for v in first["variants"]} == {320, 640, 1080}
    r = api.get(f"/notes/{note['id']}")
    assert r.status_code == 200 and r.json()["id"] == note["id"]
    listing = api.get("/notes").json()
    assert note["id"] in [n["id"] for n in listing["items"]]


def test_gps_is_gone_from_every_stored_file(make_user: Any, api_as: Any, run_tasks: None) -> None:
    client = api_as(make_user())
    r = _post_note(client, [_upload(image_bytes(900, 700, exif=_gps_exif()))])
    assert r.status_code == 201
    image = NoteImage.objects.get(note_id=r.json()["id"])
    paths = [image.original] + [p for f in image.variants.values() for p in f.values()]
    assert len(paths) == 7
    for path in paths:
        with default_storage.open(path, "rb") as fh:
            data = fh.read()
        assert not Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
        assert b"PhoneMaker" not in data and b"GPS" not in data


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"", "empty"),
        (image_bytes(800, 600)[:3000], "corrupt"),
        (b"just text, honestly" * 20, "not_an_image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "unsupported_format",
        ),
    ],
)
def test_bad_uploads_get_clear_errors_and_store_nothing(
    make_user: Any, api_as: Any, payload: bytes, code: str
) -> None:
    client = api_as(make_user())
    r = _post_note(client, [_upload(payload, "evil.jpg")])
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "bad_image"
    assert "evil.jpg" in err["fields"]["images"][0]
    assert Note.objects.count() == 0


def test_decompression_bomb_refused(make_user: Any, api_as: Any) -> None:
    r = _post_note(api_as(make_user()), [_upload(_huge_png(30_000, 30_000), "bomb.png")])
    assert r.status_code == 400
    assert "pixels" in r.json()["error"]["fields"]["images"][0]


def test_oversized_upload_refused(make_user: Any, api_as: Any, settings: Any) -> None:
    settings.QIAO_MAX_UPLOAD_BYTES = 1000
    r = _post_note(api_as(make_user()), [_upload(image_bytes(800, 600))])
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"


def test_limits_on_title_body_and_image_count(make_user: Any, api_as: Any) -> None:
    client = api_as(make_user())
    r = _post_note(client, [_upload(image_bytes())], title="x" * 101, body="y" * 2001)
    assert r.status_code == 400
    assert set(r.json()["error"]["fields"]) >= {"title", "body"}
    r = _post_note(client, [_upload(image_bytes(64, 64, seed=i)) for i in range(10)])
    assert r.status_code == 400
    r = _post_note(client, [])
    assert r.status_code == 400 and "images" in r.json()["error"]["fields"]


def test_malformed_json_gets_the_one_error_format(make_user: Any, api_as: Any) -> None:
    client = api_as(make_user())
    r = client.client.post(
        "/api/v1/boards",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )
    assert r.status_code == 400
    assert set(r.json()["error"]) == {"code", "message", "fields"}


def test_drafts_are_private_until_published(
    make_user: Any, api_as: Any, api: Any, run_tasks: None
) -> None:
    author = make_user()
    client = api_as(author)
    r = _post_note(client, [], status="draft", title="Half-written")
    assert r.status_code == 201, r.content
    note_id = r.json()["id"]
    assert api.get(f"/notes/{note_id}").status_code == 404
    assert api_as(make_user()).get(f"/notes/{note_id}").status_code == 404
    assert [n["id"] for n in client.get("/me/drafts").json()["items"]] == [note_id]
    assert client.patch(f"/notes/{note_id}", {"status": "published"}).status_code == 400
    r = client.post(
        f"/notes/{note_id}/images", {"images": [_upload(image_bytes())]}, multipart=True
    )
    assert r.status_code == 200
    r = client.patch(f"/notes/{note_id}", {"status": "published"})
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert api.get(f"/notes/{note_id}").status_code == 200


def test_edit_reorder_and_delete_removes_files(
    make_user: Any, api_as: Any, make_note: Any, django_capture_on_commit_callbacks: Any
) -> None:
    author = make_user()
    note = make_note(author, n_images=3)
    client = api_as(author)
    ids = list(note.images.values_list("pk", flat=True))
    r = client.patch(
        f"/notes/{note.pk}",
        {"image_order": [ids[2], ids[0]], "title": "New", "body": "now with #dogs"},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert [i["id"] for i in body["images"]] == [ids[2], ids[0]]
    assert body["topics"] == ["dogs"] and body["title"] == "New"
    paths = [
        p
        for img in NoteImage.objects.filter(note=note)
        for p in [img.original, *[x for f in img.variants.values() for x in f.values()]]
    ]
    assert all(default_storage.exists(p) for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.delete(f"/notes/{note.pk}")
    assert r.status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()
    assert not any(default_storage.exists(p) for p in paths)


def test_visibility_followers_and_private(
    make_user: Any, api_as: Any, api: Any, make_note: Any
) -> None:
    author, fan, stranger = make_user(), make_user(), make_user()
    followers_note = make_note(author, visibility="followers")
    private_note = make_note(author, visibility="private")
    assert api_as(fan).post(f"/users/{author.username}/follow").json()["state"] == "accepted"
    assert api_as(fan).get(f"/notes/{followers_note.pk}").status_code == 200
    assert api_as(stranger).get(f"/notes/{followers_note.pk}").status_code == 404
    assert api.get(f"/notes/{followers_note.pk}").status_code == 404
    assert api_as(fan).get(f"/notes/{private_note.pk}").status_code == 404
    assert api_as(author).get(f"/notes/{private_note.pk}").status_code == 200


def test_cursor_pagination_is_stable(make_user: Any, api: Any, make_note: Any) -> None:
    author = make_user()
    made = [make_note(author, title=f"n{i}").pk for i in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/notes", **params).json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(made, reverse=True)
    assert api.get("/notes", cursor="%%%garbage").status_code == 400

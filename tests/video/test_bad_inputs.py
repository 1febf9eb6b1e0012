"""The engine's hostile-input suite (`synth.bad_inputs`: not videos, other containers, no
picture, damaged files, absurd sizes and frame rates, too long, too large, an unsupported
codec) sent through the upload API the way a client sends a clip: every one is refused with
its own code and a message in the reader's language — English and Chinese — and never a
500. Also the same rules for a file posted whole with a note (pages without JavaScript)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from qiao.core.media import video_rejection_message
from qiao.engines.media.video import REJECTION_CODES, synth
from qiao.notes.models import Note, VideoUpload

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return synth.bad_inputs(tmp_path_factory.mktemp("bad"))


def _send(c: Any, path: Path, language: str) -> tuple[int, dict[str, Any]]:
    headers = {"HTTP_ACCEPT_LANGUAGE": language, **c._headers()}
    size = path.stat().st_size
    r = c.client.post(
        "/api/v1/uploads",
        {"size": size, "filename": path.name},
        content_type="application/json",
        **headers,
    )
    if r.status_code != 201:
        return r.status_code, r.json()
    upload_id = r.json()["id"]
    data = path.read_bytes()
    offset = 0
    while True:
        chunk = data[offset : offset + 8 * 1024 * 1024]
        r = c.client.patch(
            f"/api/v1/uploads/{upload_id}",
            chunk,
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_OFFSET=str(offset),
            **headers,
        )
        if r.status_code != 200 or not chunk:
            return r.status_code, r.json()
        offset = r.json()["offset"]
        if r.json()["state"] != "receiving":
            return r.status_code, r.json()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_bad_input_is_refused_with_its_translated_reason(
    api_as: Any, make_user: Any, bad_inputs: dict[str, tuple[Path, str]], language: str
) -> None:
    c = api_as(make_user())
    seen_codes = set()
    for name, (path, code) in sorted(bad_inputs.items()):
        status, body = _send(c, path, language)
        assert status in (400, 413), (name, status, body)
        assert body["error"]["code"] == f"video_{code}", (name, body)
        with translation.override(language):
            expected = video_rejection_message(code)
        assert body["error"]["message"] == expected, name
        if language == "zh-hans":
            assert CJK.search(expected), (name, expected)
        seen_codes.add(code)
    assert not VideoUpload.objects.filter(state=VideoUpload.State.COMPLETE).exists()
    assert len(seen_codes) >= 12


def test_every_engine_code_has_its_own_message_in_both_languages() -> None:
    for language in ("en", "zh-hans"):
        with translation.override(language):
            fallback = video_rejection_message("no-such-code")
            messages = {code: video_rejection_message(code) for code in REJECTION_CODES}
        assert all(m != fallback for m in messages.values()), language
        assert len(set(messages.values())) == len(messages), language


def test_a_bad_file_posted_with_a_note_is_refused_and_nothing_is_created(
    api_as: Any, user: Any, bad_inputs: dict[str, tuple[Path, str]]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    path, code = bad_inputs["html_renamed.mp4"]
    c = api_as(user)
    r = c.client.post(
        "/api/v1/notes",
        {
            "title": "Trick",
            "video": SimpleUploadedFile("trick.mp4", path.read_bytes(), content_type="video/mp4"),
        },
        **c._headers(),
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == f"video_{code}"
    assert not Note.objects.exists() and not VideoUpload.objects.exists()

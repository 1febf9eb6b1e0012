"""The embedded profile serves media itself; a player seeks with HTTP range requests, so the
media view answers them: 206 with `Content-Range`, the last N bytes, open-ended ranges, 416
for a range past the end, `If-Range` with a stale validator gets the whole file, HEAD,
conditional GETs, the right types, and no way out of the media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
DATA = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def clip(settings: Any) -> Path:
    path = Path(settings.MEDIA_ROOT) / "clips" / "1" / "k" / "720p.mp4"
    path.parent.mkdir(parents=True)
    path.write_bytes(DATA)
    return path


def _body(r: Any) -> bytes:
    return b"".join(r.streaming_content) if r.streaming else r.content


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, len(DATA) - 1),
        ("bytes=-500", len(DATA) - 500, len(DATA) - 1),
        ("bytes=10000-99999", 10000, len(DATA) - 1),
        ("bytes=-99999", 0, len(DATA) - 1),
    ],
)
def test_ranges_are_answered_with_206(clip: Path, header: str, first: int, last: int) -> None:
    r = Client().get("/media/clips/1/k/720p.mp4", HTTP_RANGE=header)
    assert r.status_code == 206
    assert r["Content-Range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert int(r["Content-Length"]) == last - first + 1
    assert _body(r) == DATA[first : last + 1]
    assert r["Accept-Ranges"] == "bytes" and r["Content-Type"] == "video/mp4"


@pytest.mark.parametrize("header", ["bytes=20000-", "bytes=-0", "bytes=50-10"])
def test_unsatisfiable_ranges_are_416(clip: Path, header: str) -> None:
    r = Client().get("/media/clips/1/k/720p.mp4", HTTP_RANGE=header)
    assert r.status_code == 416 and r["Content-Range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-5", "bytes=-", "nonsense"])
def test_ranges_we_do_not_serve_get_the_whole_file(clip: Path, header: str) -> None:
    r = Client().get("/media/clips/1/k/720p.mp4", HTTP_RANGE=header)
    assert r.status_code == 200 and _body(r) == DATA


def test_if_range_conditional_get_and_head(clip: Path) -> None:
    c = Client()
    full = c.get("/media/clips/1/k/720p.mp4")
    assert full.status_code == 200 and _body(full) == DATA
    etag = full["ETag"]
    same = c.get("/media/clips/1/k/720p.mp4", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert same.status_code == 206
    stale = c.get("/media/clips/1/k/720p.mp4", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200 and _body(stale) == DATA
    assert c.get("/media/clips/1/k/720p.mp4", HTTP_IF_NONE_MATCH=etag).status_code == 304
    head = c.head("/media/clips/1/k/720p.mp4")
    assert head.status_code == 200 and head["Content-Length"] == str(len(DATA))
    assert _body(head) == b""
    assert c.post("/media/clips/1/k/720p.mp4").status_code == 405


def test_types_and_escapes(settings: Any, clip: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    (root / "a.webp").write_bytes(b"RIFF")
    (root / "b.vtt").write_text("WEBVTT\n")
    c = Client()
    assert c.get("/media/a.webp")["Content-Type"] == "image/webp"
    assert c.get("/media/b.vtt")["Content-Type"].startswith("text/vtt")
    for path in (
        "/media/../secret_key",
        "/media/%2e%2e/secret_key",
        "/media/clips",
        "/media/missing.mp4",
    ):
        assert c.get(path).status_code == 404, path

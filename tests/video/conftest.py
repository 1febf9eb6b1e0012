"""Video notes on the platform: clips are made here with the engine's `synth` helpers (colour
bars, a sine tone, rotation and phone metadata written in), never downloaded."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qiao.engines.media.video import synth


@pytest.fixture(autouse=True)
def _video_dirs(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test assembles uploads and transcodes in folders of its own."""
    settings.QIAO_VIDEO_UPLOAD_DIR = tmp_path_factory.mktemp("uploads")
    settings.QIAO_VIDEO_WORK_DIR = tmp_path_factory.mktemp("transcode")


@pytest.fixture(scope="session")
def clips_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def clip_bytes(clips_dir: Path) -> Callable[..., bytes]:
    """clip_bytes(**make_clip options) -> the bytes of a synthetic clip (cached per options);
    by default 2 s of 160×90 at 10 fps with a tone."""
    cache: dict[str, bytes] = {}

    def _make(**options: Any) -> bytes:
        opts = {"width": 160, "height": 90, "fps": 10, "seconds": 2.0, **options}
        key = repr(sorted(opts.items()))
        if key not in cache:
            path = clips_dir / f"clip{len(cache)}.{opts.get('container', 'mp4')}"
            synth.make_clip(path, **opts)
            cache[key] = path.read_bytes()
        return cache[key]

    return _make


class Chunks(io.BytesIO):
    """A request body that arrives in pieces (like a phone's connection)."""


def upload_via_service(
    user: Any, data: bytes, chunk: int = 64 * 1024, filename: str = "clip.mp4"
) -> Any:
    from qiao.notes import uploads

    upload = uploads.start_upload(user, filename=filename, size=len(data))
    for offset in range(0, len(data), chunk):
        piece = data[offset : offset + chunk]
        upload = uploads.upload_chunk(user, upload.pk, offset, io.BytesIO(piece), len(piece))
    return upload


@pytest.fixture
def uploaded(clip_bytes: Callable[..., bytes]) -> Callable[..., Any]:
    """uploaded(user, **clip options) -> a complete upload of a synthetic clip."""

    def _up(user: Any, **options: Any) -> Any:
        return upload_via_service(user, clip_bytes(**options))

    return _up

"""The demo photographs through the media pipeline, once each, in a small process pool.

Each vendored JPEG is checked and cleaned by the media engine (`inspect_image`: the same
validation, re-encoding, blurhash, colour and perceptual hash as an upload) and its variants
are rendered for every configured width. The files go to the default storage under
`demo/<photo id>.jpg` and `demo/<photo id>_<width>.<ext>` (the naming `notes.media` expects),
and the result is the data a `NoteImage` row needs: notes that share a photo share its files.

The work is CPU-bound Pillow code (~0.13 s of CPU a photo, 202 photos), so it runs in worker
processes: they only read files and return bytes; the parent writes storage and rows.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from qiao.engines.media import inspect_image, render_variants
from qiao.ops.demo.content import Photo

logger = logging.getLogger(__name__)
#: Photos processed by the calling process itself when there are this few (a pool's start-up
#: costs more than it saves).
INLINE_BELOW = 6


@dataclass(frozen=True)
class StoredPhoto:
    """A processed photo: what every `NoteImage` showing it carries."""

    photo_id: str
    original: str
    width: int
    height: int
    variants: dict[str, dict[str, str]]
    blurhash: str
    dominant_color: str
    phash: str


@dataclass(frozen=True)
class _Rendered:
    photo_id: str
    clean_jpeg: bytes
    width: int
    height: int
    blurhash: str
    dominant_color: str
    phash: str
    variants: tuple[tuple[int, str, bytes], ...]  # (width, "webp" | "jpeg", data)


def _render(job: tuple[str, str, tuple[int, ...]]) -> _Rendered:
    """In a worker process: read, check and clean one photo, render its variants."""
    photo_id, path, widths = job
    checked = inspect_image(Path(path).read_bytes())
    variants = tuple((v.width, v.fmt, v.data) for v in render_variants(checked, widths))
    return _Rendered(
        photo_id,
        checked.clean_jpeg,
        checked.width,
        checked.height,
        checked.blurhash,
        checked.dominant_color,
        checked.phash,
        variants,
    )


def default_workers() -> int:
    """Processes for the photo pool: the machine's cores, at most four (memory: each worker
    holds one decoded photo at a time, ~10 MB)."""
    return max(1, min(4, os.cpu_count() or 1))


def _store(done: _Rendered) -> StoredPhoto:
    stem = f"demo/{done.photo_id}"
    original = default_storage.save(f"{stem}.jpg", ContentFile(done.clean_jpeg))
    variants: dict[str, dict[str, str]] = {}
    for width, fmt, data in done.variants:
        ext = "webp" if fmt == "webp" else "jpg"
        variants.setdefault(str(width), {})[fmt] = default_storage.save(
            f"{stem}_{width}.{ext}", ContentFile(data)
        )
    return StoredPhoto(
        done.photo_id,
        original,
        done.width,
        done.height,
        variants,
        done.blurhash,
        done.dominant_color,
        done.phash,
    )


def process_photos(
    photos: Sequence[Photo],
    widths: Sequence[int],
    *,
    workers: int | None = None,
    progress: Callable[[int], Any] | None = None,
) -> dict[str, StoredPhoto]:
    """Run each photo through the media pipeline once; returns them by photo id."""
    jobs = [(p.id, str(p.path), tuple(widths)) for p in photos]
    workers = default_workers() if workers is None else max(1, workers)
    stored: dict[str, StoredPhoto] = {}
    if workers == 1 or len(jobs) < INLINE_BELOW:
        results: Any = map(_render, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_render, jobs, chunksize=4)
    try:
        for done in results:
            stored[done.photo_id] = _store(done)
            if progress is not None:
                progress(1)
    finally:
        if pool is not None:
            pool.shutdown()
    return stored

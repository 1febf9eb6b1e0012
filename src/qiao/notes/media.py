"""Photos of notes: variant rendering (run by the task worker), and media file clean-up for
photos and clips. The image work itself is the media engine's."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from qiao.core.media import image_policy
from qiao.engines.media import release_memory, render_variants
from qiao.notes.clips import clip_media_paths, sources
from qiao.notes.models import Note, NoteClip, NoteImage

logger = logging.getLogger(__name__)


def media_paths_for_images(images: Iterable[NoteImage]) -> list[str]:
    paths: list[str] = []
    for img in images:
        paths.append(img.original)
        for formats in (img.variants or {}).values():
            paths.extend(formats.values())
    return paths


def media_paths_for_notes(notes: Iterable[Note]) -> list[str]:
    """Every public media file of these notes: photos and their variants, clips' renditions
    and posters (a clip's source, kept apart, goes with `delete_clip_sources`)."""
    ids = [n.pk for n in notes]
    clips = list(NoteClip.objects.filter(note_id__in=ids))
    return media_paths_for_images(NoteImage.objects.filter(note_id__in=ids)) + clip_media_paths(
        clips
    )


def clip_sources_for_notes(notes: Iterable[Note]) -> list[str]:
    """Sources of these notes' clips still waiting for their transcode."""
    return [
        s
        for s in NoteClip.objects.filter(note_id__in=[n.pk for n in notes]).values_list(
            "source", flat=True
        )
        if s
    ]


def delete_clip_sources(paths: list[str]) -> None:
    for path in paths:
        try:
            sources().delete(path)
        except Exception:  # noqa: BLE001 - a file left behind is logged, never fatal
            logger.warning("could not delete video source %s", path)


def delete_media(paths: list[str]) -> None:
    """Delete files no remaining image refers to (seeded demo notes share pictures)."""
    if not paths:
        return
    stems = {p.rsplit(".", 1)[0].rsplit("_", 1)[0] for p in paths}
    still_used = {
        o.rsplit(".", 1)[0]
        for o in NoteImage.objects.filter(original__in=[s + ".jpg" for s in stems]).values_list(
            "original", flat=True
        )
    }
    for path in paths:
        if (
            path.rsplit(".", 1)[0].rsplit("_", 1)[0] in still_used
            or path.rsplit(".", 1)[0] in still_used
        ):
            continue
        try:
            default_storage.delete(path)
        except Exception:  # noqa: BLE001 - a file left behind is logged, never fatal
            logger.warning("could not delete media file %s", path)


def make_variants(image_id: int) -> bool:
    """Render every configured width for one image; idempotent, safe to run twice.
    Renders from the stored original's bytes, decoded once at the size the widest variant
    needs."""
    image = NoteImage.objects.filter(pk=image_id).first()
    if image is None:
        return False  # the note was deleted before the task ran
    have = dict(image.variants or {})
    # The smallest width is made with the upload (`notes.services`); readers may be loading
    # it right now, so only the missing widths are rendered.
    widths = [w for w in settings.QIAO_IMAGE_WIDTHS if str(w) not in have]
    if not widths:
        return True
    with default_storage.open(image.original, "rb") as fh:
        original = fh.read()
    stem = image.original.rsplit(".", 1)[0]
    variants: dict[str, dict[str, str]] = {}
    for variant in render_variants(original, widths, image_policy()):
        ext = "webp" if variant.fmt == "webp" else "jpg"
        path = f"{stem}_{variant.width}.{ext}"
        if default_storage.exists(path):
            default_storage.delete(path)  # a half-written file from a killed worker
        saved = default_storage.save(path, ContentFile(variant.data))
        variants.setdefault(str(variant.width), {})[variant.fmt] = saved
    updated = NoteImage.objects.filter(pk=image_id).update(variants={**have, **variants})
    if not updated:
        delete_media([p for f in variants.values() for p in f.values()])
    release_memory()
    return True

"""Photos of direct messages: variants rendered from the stored, EXIF-free original, kept
in the private storage (never at a public URL)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from qiao.core.media import image_policy
from qiao.engines.media import release_memory, render_variants
from qiao.messages.models import MessagePhoto

#: A chat bubble shows a thumbnail; a tap opens the large one.
WIDTHS = (320, 1080)


def make_photo_variants(photo_id: int) -> bool:
    """Render the photo's widths (idempotent; nothing when the message is gone)."""
    photo = MessagePhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return False
    if all(str(w) in (photo.variants or {}) for w in WIDTHS):
        return True
    store = storages["private"]
    with store.open(photo.original, "rb") as fh:
        original = fh.read()
    stem = photo.original.rsplit(".", 1)[0]
    variants: dict[str, dict[str, str]] = {}
    for variant in render_variants(original, list(WIDTHS), image_policy()):
        ext = "webp" if variant.fmt == "webp" else "jpg"
        path = f"{stem}_{variant.width}.{ext}"
        if store.exists(path):
            store.delete(path)
        variants.setdefault(str(variant.width), {})[variant.fmt] = store.save(
            path, ContentFile(variant.data)
        )
    if not MessagePhoto.objects.filter(pk=photo_id).update(variants=variants):
        for formats in variants.values():  # unsent while we worked: leave nothing behind
            for path in formats.values():
                store.delete(path)
    release_memory()
    return True

"""Near-duplicate notes: the same text after normalising, or the same photo.

Lists a reader scrolls (the For-you feed, topic pages, search results) show only one of
notes that look the same: one whose normalised title and text equal another's (case, width,
spacing, punctuation and emoji folded: "Best HOT POT!! 🔥" is "besthotpot"; digits are kept,
"Day 14" and "Day 15" of a diary are two notes), or whose cover photo has a perceptual
hash within `PHOTO_BITS` bits of another's (the same picture re-encoded, resized or lightly
cropped). Two different photos of one landmark
measure 10 bits or more apart in the demo set; re-encodings of one photo 0-4.

`Deduper` decides note by note (a page being filled); `split_distinct` orders a list so the
distinct ones come first. Both read only `title`, `body` and the prefetched cover image.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qiao.notes.models import Note, NoteImage

#: Cover photos whose 64-bit perceptual hashes differ in at most this many bits are one photo.
PHOTO_BITS = 6


#: Characters of the text compared (enough to tell copies apart; keeps bulk reads small).
TEXT_HEAD = 300


def text_key(title: str, body: str) -> str:
    """What two notes with "the same text" share: a digest of the folded title and the
    start of the text."""
    text = unicodedata.normalize("NFKC", f"{title}\n{body[:TEXT_HEAD]}").lower()
    flat = "".join(ch for ch in text if ch.isalnum())
    return hashlib.blake2b(flat.encode(), digest_size=12).hexdigest()


def _phash(value: str) -> int | None:
    try:
        return int(value, 16) if value else None
    except ValueError:
        return None


def cover_hash(note: Note) -> int | None:
    """The cover photo's perceptual hash as an integer (None without a photo); uses the
    prefetched `images` when there are, else asks the database."""
    cache = getattr(note, "_prefetched_objects_cache", {})
    if "images" in cache:
        images = sorted(cache["images"], key=lambda img: img.position)
        return _phash(images[0].phash) if images else None
    value = (
        NoteImage.objects.filter(note_id=note.pk)
        .order_by("position")
        .values_list("phash", flat=True)
        .first()
    )
    return _phash(value or "")


#: Bands of the 64-bit hash: two hashes at most PHOTO_BITS apart agree exactly on at least
#: one of PHOTO_BITS + 1 bands (pigeonhole), so only notes sharing a band are compared.
def _band_edges() -> tuple[tuple[int, int], ...]:
    parts = PHOTO_BITS + 1
    edges, start = [], 0
    for i in range(parts):
        size = 64 // parts + (1 if i < 64 % parts else 0)
        edges.append((start, start + size))
        start += size
    return tuple(edges)


_BANDS = _band_edges()


def _bands(photo: int) -> list[tuple[int, int]]:
    return [
        (i, (photo >> start) & ((1 << (end - start)) - 1)) for i, (start, end) in enumerate(_BANDS)
    ]


class Deduper:
    """Admits notes one by one, refusing any that looks like one admitted before."""

    def __init__(self, texts: Iterable[str] = (), photos: Iterable[int] = ()) -> None:
        self.texts: set[str] = set(texts)
        self.photos: list[int] = []
        self._index: dict[tuple[int, int], list[int]] = {}
        for photo in photos:
            self._add_photo(photo)

    def _add_photo(self, photo: int) -> None:
        self.photos.append(photo)
        for band in _bands(photo):
            self._index.setdefault(band, []).append(photo)

    def looks_seen(self, key: str, photo: int | None) -> bool:
        if key in self.texts:
            return True
        if photo is None:
            return False
        return any(
            (photo ^ other).bit_count() <= PHOTO_BITS
            for band in _bands(photo)
            for other in self._index.get(band, ())
        )

    def remember(self, key: str, photo: int | None) -> None:
        self.texts.add(key)
        if photo is not None:
            self._add_photo(photo)

    def admit(self, note: Note) -> bool:
        """True (and remembered) when the note looks like none admitted so far."""
        key = text_key(note.title, note.body)
        photo = cover_hash(note)
        if self.looks_seen(key, photo):
            return False
        self.remember(key, photo)
        return True


def split_distinct(
    notes: Iterable[Note], deduper: Deduper | None = None
) -> tuple[list[Note], list[Note]]:
    """(the notes that look like no earlier one, the look-alikes), both in order."""
    deduper = deduper or Deduper()
    kept: list[Note] = []
    again: list[Note] = []
    for note in notes:
        (kept if deduper.admit(note) else again).append(note)
    return kept, again


@dataclass(frozen=True)
class Fingerprint:
    """A note's text key and cover hash, read in bulk for long id lists."""

    text: str
    photo: int | None


def fingerprints(note_ids: Sequence[int]) -> dict[int, Fingerprint]:
    """Fingerprints of many notes in two queries."""
    from django.db.models.functions import Substr

    ids = list(note_ids)
    texts = {
        pk: (title, body)
        for pk, title, body in Note.objects.filter(pk__in=ids)
        .annotate(head=Substr("body", 1, TEXT_HEAD))
        .values_list("pk", "title", "head")
    }
    covers = dict(
        NoteImage.objects.filter(note_id__in=ids, position=0).values_list("note_id", "phash")
    )
    return {
        pk: Fingerprint(text_key(title, body), _phash(covers.get(pk, "") or ""))
        for pk, (title, body) in texts.items()
    }


def admit_print(deduper: Deduper, fp: Fingerprint | None) -> bool:
    """`Deduper.admit` for a fingerprint (unknown notes are admitted)."""
    if fp is None:
        return True
    if deduper.looks_seen(fp.text, fp.photo):
        return False
    deduper.remember(fp.text, fp.photo)
    return True

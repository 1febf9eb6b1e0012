"""Per-viewer reads of notes: lists (a member's notes, a topic's, drafts), pictures and clips."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qiao.accounts.access import signed_in
from qiao.accounts.models import User
from qiao.core.pagination import cursor_id, cursor_time, decode_cursor, encode_cursor
from qiao.notes.access import visible_notes
from qiao.notes.models import ClipCaption, Note, NoteClip, NoteImage, Topic
from qiao.notes.topics import canonical, equivalents, label


def list_notes(
    viewer: User | None,
    *,
    author: User | None = None,
    topic: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
    drafts: bool = False,
    authors: list[int] | None = None,
) -> tuple[list[Note], str | None]:
    """Newest first, keyset-paginated on (published_at, id). `drafts`: the viewer's drafts and
    notes waiting for their video, newest first."""
    limit = max(1, min(limit, 50))
    if drafts:
        if not signed_in(viewer):
            return [], None
        qs = Note.objects.filter(
            author=viewer, status__in=[Note.Status.DRAFT, Note.Status.PROCESSING]
        )
        order_field = "created_at"
    else:
        qs = visible_notes(viewer)
        order_field = "published_at"
    if author is not None:
        qs = qs.filter(author=author)
    if authors is not None:
        qs = qs.filter(author_id__in=authors)
    if topic:
        # The tag and the tags that mean the same in the other language (#travel, #旅行):
        # an EXISTS, so a note carrying both is listed once.
        tagged = Note.topics.through.objects.filter(
            note_id=OuterRef("pk"), topic__name__in=equivalents(topic)
        )
        qs = qs.filter(Exists(tagged))
    pos = decode_cursor(cursor)
    if pos:
        ts = cursor_time(pos, 0)
        last_id = cursor_id(pos, 1)
        qs = qs.filter(Q(**{f"{order_field}__lt": ts}) | Q(**{order_field: ts, "id__lt": last_id}))
    rows = list(
        qs.select_related("author")
        .prefetch_related("images", "topics")
        .order_by(f"-{order_field}", "-id")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, order_field).isoformat(), last.pk])
    return rows, next_cursor


# --- pictures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    width: int
    webp: str
    jpeg: str


@dataclass(frozen=True)
class Picture:
    """One photo of a note as pages and API clients show it."""

    id: int
    position: int
    url: str  # the EXIF-free original at full size
    src: str  # what an <img> loads before it knows its size: the smallest JPEG variant
    srcset_jpeg: str
    srcset_webp: str
    width: int
    height: int
    alt_text: str  # what the author wrote ("" when nothing)
    alt: str  # what a screen reader hears: the author's words, else a description
    blurhash: str
    color: str
    shape: str  # "tall", "square" or "wide": cards crop to 3:4, 1:1 or 4:3
    variants: tuple[Variant, ...] = ()
    ai_generated: bool = False


def media_url(path: str) -> str:
    return default_storage.url(path) if path else ""


def picture(img: NoteImage, default_alt: str = "") -> Picture:
    variants = []
    for width, formats in sorted((img.variants or {}).items(), key=lambda kv: int(kv[0])):
        variants.append(
            Variant(
                int(width), media_url(formats.get("webp", "")), media_url(formats.get("jpeg", ""))
            )
        )
    jpeg = [f"{v.jpeg} {v.width}w" for v in variants if v.jpeg]
    webp = [f"{v.webp} {v.width}w" for v in variants if v.webp]
    smallest = next((v.jpeg for v in variants if v.jpeg), "")
    ratio = img.height / img.width if img.width else 1.0
    shape = "tall" if ratio > 1.15 else "wide" if ratio < 0.87 else "square"
    original = media_url(img.original)
    return Picture(
        id=img.pk,
        position=img.position,
        url=original,
        src=smallest or original,
        srcset_jpeg=", ".join(jpeg),
        srcset_webp=", ".join(webp),
        width=img.width,
        height=img.height,
        alt_text=img.alt_text,
        alt=img.alt_text or default_alt,
        blurhash=img.blurhash,
        color=img.dominant_color or "#eeeeee",
        shape=shape,
        variants=tuple(variants),
        ai_generated=img.ai_generated,
    )


def default_alt(note: Note, index: int = 0, total: int = 1) -> str:
    if total > 1:
        return _("Photo %(n)d of %(total)d: %(title)s") % {
            "n": index + 1,
            "total": total,
            "title": note.title,
        }
    return _("Photo: %(title)s") % {"title": note.title}


def pictures(note: Note) -> list[Picture]:
    """The note's photos in order (uses the prefetched `images`)."""
    images = list(note.images.all())
    total = len(images)
    return [picture(img, default_alt(note, i, total)) for i, img in enumerate(images)]


def cover(note: Note | None, clip: Clip | None = None) -> Picture | None:
    """What a card or a board shows for the note: its clip's poster (`clip`, from
    `clips_of`), else its first photo."""
    if note is None:
        return None
    if clip is not None and clip.poster is not None:
        return clip.poster
    images = list(note.images.all())
    return picture(images[0], default_alt(note)) if images else None


# --- clips ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendition:
    label: str  # "360p", "720p", "1080p" (or "source" for a clip smaller than 360p)
    url: str
    width: int
    height: int
    bitrate_kbps: int
    size_bytes: int


@dataclass(frozen=True)
class CaptionFile:
    """One caption track of a clip (its WebVTT is served at `url`)."""

    id: int
    language: str
    source: str  # "author", "transcription" or "machine"
    url: str

    @property
    def is_original(self) -> bool:
        return self.source != ClipCaption.Source.MACHINE


@dataclass(frozen=True)
class Clip:
    """A note's video as pages and API clients show it. Renditions are smallest first."""

    id: int
    state: str
    duration: float
    width: int
    height: int
    has_audio: bool
    ai_generated: bool
    alt_text: str  # what the author wrote
    alt: str  # what a screen reader hears
    poster: Picture | None
    renditions: tuple[Rendition, ...] = ()
    captions: tuple[CaptionFile, ...] = ()
    error_code: str = ""

    @property
    def is_ready(self) -> bool:
        return self.state == NoteClip.State.READY

    @property
    def duration_label(self) -> str:
        """ "0:42", "2:05" (what a card shows beside the play badge)."""
        total = int(round(self.duration))
        return f"{total // 60}:{total % 60:02d}"

    @property
    def shape(self) -> str:
        return self.poster.shape if self.poster is not None else "wide"

    def rendition(self, most: int) -> Rendition | None:
        """The largest rendition whose short side is at most `most` pixels (the smallest when
        none is that small)."""
        fitting = [r for r in self.renditions if min(r.width, r.height) <= most]
        return fitting[-1] if fitting else (self.renditions[0] if self.renditions else None)


def poster(clip: NoteClip, alt: str = "") -> Picture | None:
    if not clip.poster:
        return None
    image = NoteImage(
        pk=clip.pk,
        position=0,
        original=clip.poster,
        width=clip.poster_width,
        height=clip.poster_height,
        variants=clip.poster_variants,
        blurhash=clip.blurhash,
        dominant_color=clip.dominant_color,
        alt_text=alt,
        ai_generated=clip.ai_generated,
    )
    return picture(image, alt)


def clip_alt(note: Note, clip: NoteClip) -> str:
    return clip.alt_text or _("Video: %(title)s") % {"title": note.title}


def clip_view(note: Note, clip: NoteClip, captions: list[ClipCaption] | None = None) -> Clip:
    """`captions` only where they are shown (the note page, the API's single note)."""
    return Clip(
        id=clip.pk,
        state=clip.state,
        duration=clip.duration,
        width=clip.width,
        height=clip.height,
        has_audio=clip.has_audio,
        ai_generated=clip.ai_generated,
        alt_text=clip.alt_text,
        alt=clip_alt(note, clip),
        poster=poster(clip, clip_alt(note, clip)) if clip.is_ready else None,
        renditions=tuple(
            Rendition(
                str(r["label"]),
                media_url(str(r["path"])),
                int(r["width"]),
                int(r["height"]),
                int(r.get("bitrate_kbps") or 0),
                int(r.get("size_bytes") or 0),
            )
            for r in (clip.renditions or [])
        )
        if clip.is_ready
        else (),
        captions=tuple(
            CaptionFile(
                c.pk, c.language, c.source, reverse("web:note_captions", args=[note.pk, c.pk])
            )
            for c in sorted(captions or [], key=lambda c: (c.source == "machine", c.language))
        ),
        error_code=clip.error_code,
    )


def clips_of(notes: list[Note], *, with_captions: bool = False) -> dict[int, Clip]:
    """The clips of these notes by note id (one query; two with captions)."""
    if not notes:
        return {}
    by_id = {n.pk: n for n in notes}
    rows = list(NoteClip.objects.filter(note_id__in=list(by_id)))
    captions: dict[int, list[ClipCaption]] = {}
    if with_captions and rows:
        for c in ClipCaption.objects.filter(clip__in=rows).order_by("pk"):
            captions.setdefault(c.clip_id, []).append(c)
    return {c.note_id: clip_view(by_id[c.note_id], c, captions.get(c.pk)) for c in rows}


def popular_topics(limit: int = 12) -> list[str]:
    """The most used topics, one per group of equivalent tags (#travel and #旅行 are one
    chip), named by the group's main tag; cached for a minute."""
    names: list[str] | None = cache.get("notes:popular-topics")
    if names is None:
        rows = (
            Topic.objects.filter(note_count__gt=0)
            .order_by("-note_count", "name")
            .values_list("name", flat=True)[: limit * 4]
        )
        names = list(dict.fromkeys(canonical(name) for name in rows))[:limit]
        cache.set("notes:popular-topics", names, 60)
    return names


@dataclass(frozen=True)
class TopicChip:
    """A topic as a chip or a topic page's heading: `name` goes into links, `label` is
    what the reader sees, in the interface language where the table has a translation."""

    name: str
    label: str


def topic_chip(name: str, language: str) -> TopicChip:
    return TopicChip(canonical(name), label(name, language))


def topic_chips(language: str, limit: int = 12) -> list[TopicChip]:
    return [topic_chip(name, language) for name in popular_topics(limit)]

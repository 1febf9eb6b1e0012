"""Per-viewer read models that both edges render: notes as one viewer sees them (cards and the
note page), comment pages, boards with covers, notification groups, profiles. Visibility
comes from the `access` modules; nothing here decides it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from qiao.accounts.access import can_see_profile_content, follow_state, signed_in
from qiao.accounts.models import User
from qiao.core.pagination import cursor_id, cursor_time, decode_cursor, encode_cursor
from qiao.core.text import extract_topics
from qiao.notes.access import get_note_for, visible_notes
from qiao.notes.models import Note
from qiao.notes.read import Clip, Picture, clips_of, cover, list_notes, pictures
from qiao.social.access import (
    get_comment_for,
    visible_boards,
    visible_comments,
    visible_notifications,
)
from qiao.social.models import Board, Collect, Comment, CommentLike, Like, Notification
from qiao.translation.read import (
    ClipCaptions,
    NoteText,
    TextOffer,
    VersionOffer,
    author_versions,
    card_titles,
    clip_captions,
    note_text,
    text_offer,
)
from qiao.translation.services import (
    Rendered,
    note_for_reader,
    stored_versions,
    target_for,
    text_for_reader,
)


def liked_note_ids(viewer: User | None, note_ids: list[int]) -> set[int]:
    if not signed_in(viewer) or not note_ids:
        return set()
    return set(
        Like.objects.filter(user=viewer, note_id__in=note_ids).values_list("note_id", flat=True)
    )


def collected_note_ids(viewer: User | None, note_ids: list[int]) -> set[int]:
    if not signed_in(viewer) or not note_ids:
        return set()
    return set(
        Collect.objects.filter(user=viewer, note_id__in=note_ids).values_list("note_id", flat=True)
    )


def liked_comment_ids(viewer: User | None, ids: list[int]) -> set[int]:
    if not signed_in(viewer) or not ids:
        return set()
    return set(
        CommentLike.objects.filter(user=viewer, comment_id__in=ids).values_list(
            "comment_id", flat=True
        )
    )


def list_comments(
    viewer: User | None,
    note_id: int,
    *,
    parent_id: int | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[Comment], str | None]:
    """A page of a note's comments (or of one comment's replies), oldest first."""
    note = get_note_for(viewer, note_id)
    limit = max(1, min(limit, 50))
    qs = visible_comments(viewer, note).filter(parent_id=parent_id)
    pos = decode_cursor(cursor)
    if pos:
        ts: datetime = cursor_time(pos, 0)
        cid = cursor_id(pos, 1)
        qs = qs.filter(Q(created_at__gt=ts) | Q(created_at=ts, id__gt=cid))
    rows = list(qs.select_related("author", "reply_to").order_by("created_at", "id")[: limit + 1])
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = encode_cursor([rows[-1].created_at.isoformat(), rows[-1].pk])
    return rows, nxt


def list_notifications(
    user: User, *, cursor: str | None = None, limit: int = 30
) -> tuple[list[Notification], str | None]:
    limit = max(1, min(limit, 100))
    qs = visible_notifications(user).select_related("actor", "note", "comment").order_by("-id")
    pos = decode_cursor(cursor)
    if pos:
        qs = qs.filter(id__lt=cursor_id(pos, 0))
    rows = list(qs[: limit + 1])
    nxt = encode_cursor([rows[limit - 1].pk]) if len(rows) > limit else None
    return rows[:limit], nxt


def unread_count(user: User) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).count()


def board_covers(viewer: User | None, boards: list[Board]) -> dict[int, Note]:
    """The most recently collected note each board shows as its cover, among the notes the
    viewer may see (three queries for any number of boards)."""
    if not boards:
        return {}
    visible = visible_notes(viewer)
    latest = (
        Collect.objects.filter(board=OuterRef("pk"), note__in=visible)
        .order_by("-created_at")
        .values("note_id")[:1]
    )
    pairs = dict(
        Board.objects.filter(pk__in=[b.pk for b in boards])
        .annotate(_cover=Subquery(latest))
        .values_list("pk", "_cover")
    )
    notes = {
        n.pk: n
        for n in Note.objects.filter(pk__in=[i for i in pairs.values() if i]).prefetch_related(
            "images"
        )
    }
    return {board_id: notes[note_id] for board_id, note_id in pairs.items() if note_id in notes}


def liked_notes(
    viewer: User | None, owner: User, *, cursor: str | None = None, limit: int = 20
) -> tuple[list[Note], str | None]:
    """Notes `owner` liked that the viewer may see, newest like first (profile "Likes" tab).

    Empty when the owner's account is private and the viewer is not an accepted follower.
    """
    if not can_see_profile_content(viewer, owner):
        return [], None
    limit = max(1, min(limit, 50))
    qs = Like.objects.filter(user=owner, note__in=visible_notes(viewer)).order_by("-id")
    pos = decode_cursor(cursor)
    if pos:
        qs = qs.filter(id__lt=cursor_id(pos, 0))
    likes = list(
        qs.select_related("note__author").prefetch_related("note__images", "note__topics")[
            : limit + 1
        ]
    )
    nxt = encode_cursor([likes[limit - 1].pk]) if len(likes) > limit else None
    return [like.note for like in likes[:limit]], nxt


def comment_for_reader(viewer: User | None, comment_id: int, target: str) -> dict[str, Any]:
    """A comment the viewer may see, in `target` (raises Invalid/Unavailable when it cannot be
    translated; NotFound when the comment is hidden from the viewer)."""
    comment = get_comment_for(viewer, comment_id)
    return text_for_reader(comment.body, comment.language, target, reader=viewer)


# --- notes as one viewer sees them ----------------------------------------------------


@dataclass
class NoteView:
    """A note as one viewer sees it in a list or alone: its photos, the viewer's flags, and
    its title (and, when asked for, its translation) in the reader's language."""

    note: Note
    pictures: list[Picture]
    liked: bool
    collected: bool
    title: str  # what a card shows: the note's title or the reader's version of it
    title_lang: str  # set when `title` is a translation
    translation: Rendered | None = None
    clip: Clip | None = None

    @property
    def cover(self) -> Picture | None:
        """The clip's poster when the note has a ready clip, else the first photo."""
        if self.clip is not None and self.clip.poster is not None:
            return self.clip.poster
        return self.pictures[0] if self.pictures else None

    @property
    def is_processing(self) -> bool:
        return self.note.status == Note.Status.PROCESSING

    @property
    def is_draft(self) -> bool:
        return not self.note.is_published

    @property
    def ai_generated(self) -> bool:
        """The clip or a photo is labelled AI-generated (cards show a label)."""
        return bool(self.clip is not None and self.clip.ai_generated) or any(
            p.ai_generated for p in self.pictures
        )


def note_views(
    notes: list[Note],
    viewer: User | None,
    *,
    lang: str | None = None,
    translate_now: bool = False,
    captions: bool = False,
) -> list[NoteView]:
    """Views of notes the caller already checked the viewer may see (a fixed number of
    queries for any number of notes). With `lang`, each carries its stored translation into
    that language (or, with `translate_now` — single notes only — one made now); with
    `captions`, their clips list their caption tracks."""
    ids = [n.pk for n in notes]
    liked = liked_note_ids(viewer, ids)
    collected = collected_note_ids(viewer, ids)
    titles = card_titles(notes, viewer)
    clips = clips_of(notes, with_captions=captions)
    translations: dict[int, Rendered] = {}
    if lang:
        target = target_for(viewer, lang)
        if translate_now:
            for n in notes:
                rendered = note_for_reader(n, target, reader=viewer)
                if rendered is not None:
                    translations[n.pk] = rendered
        else:
            translations = stored_versions(notes, target)
    out = []
    for note in notes:
        version = titles.get(note.pk)
        out.append(
            NoteView(
                note=note,
                pictures=pictures(note),
                liked=note.pk in liked,
                collected=note.pk in collected,
                title=version.title if version else note.title,
                title_lang=version.target if version else "",
                translation=translations.get(note.pk),
                clip=clips.get(note.pk),
            )
        )
    return out


# --- comments ---------------------------------------------------------------------------


@dataclass
class CommentRow:
    comment: Comment
    liked: bool
    can_delete: bool
    offer_translation: bool = False
    auto_translate: bool = False  # fetch the translation as soon as the comment shows
    lookup_lang: str = ""
    not_translated: str = ""  # "Written in French — translation not available", or pinyin
    pinyin: bool = False

    @property
    def block_id(self) -> str:
        return f"ctext-{self.comment.pk}"


def comment_rows(
    rows: list[Comment], viewer: User | None, note_author_id: int | None = None
) -> list[CommentRow]:
    liked = liked_comment_ids(viewer, [c.pk for c in rows])
    out = []
    for c in rows:
        # The comment's author may delete it, and so may the note's author when known.
        can_delete = viewer is not None and viewer.pk in (c.author_id, note_author_id)
        offer = text_offer(viewer, c.body, c.language)
        out.append(
            CommentRow(
                comment=c,
                liked=c.pk in liked,
                can_delete=can_delete,
                offer_translation=offer.offer,
                auto_translate=offer.auto,
                lookup_lang=offer.lookup_lang,
                not_translated=offer.not_translated,
                pinyin=offer.pinyin,
            )
        )
    return out


@dataclass
class NoteDetail:
    """Everything the note page (or overlay) shows."""

    note: Note
    slides: list[Picture]
    topics: list[str]  # topics not already written as #tags in the text
    follow_state: str
    liked: bool
    collected: bool
    comments: list[CommentRow]
    next_cursor: str | None
    viewer: User | None
    is_author: bool
    text: NoteText
    versions: list[VersionOffer] = field(default_factory=list)
    clip: Clip | None = None
    captions: ClipCaptions | None = None

    @property
    def is_processing(self) -> bool:
        return self.note.status == Note.Status.PROCESSING


def note_detail(note: Note, viewer: User | None) -> NoteDetail:
    first, nxt = list_comments(viewer, note.pk, limit=10) if note.is_published else ([], None)
    in_text = set(extract_topics(note.body))
    is_author = signed_in(viewer) and viewer.pk == note.author_id
    ids = [note.pk]
    clip = clips_of([note], with_captions=True).get(note.pk)
    return NoteDetail(
        note=note,
        slides=pictures(note),
        topics=[t.name for t in note.topics.all() if t.name not in in_text],
        follow_state=follow_state(viewer, note.author),
        liked=bool(liked_note_ids(viewer, ids)),
        collected=bool(collected_note_ids(viewer, ids)),
        comments=comment_rows(first, viewer, note.author_id),
        next_cursor=nxt,
        viewer=viewer,
        is_author=is_author,
        text=note_text(note, viewer),
        versions=author_versions(note) if is_author else [],
        clip=clip,
        captions=clip_captions(clip, viewer) if clip is not None else None,
    )


# --- boards -----------------------------------------------------------------------------


@dataclass
class BoardView:
    board: Board
    cover: Picture | None  # the newest collected note the viewer may see


def board_views(viewer: User | None, boards: list[Board]) -> list[BoardView]:
    covers = board_covers(viewer, boards)
    clips = clips_of(list({n.pk: n for n in covers.values()}.values()))
    return [
        BoardView(board=b, cover=cover(note, clips.get(note.pk) if note else None))
        for b in boards
        for note in [covers.get(b.pk)]
    ]


# --- notifications ----------------------------------------------------------------------

GROUPED_KINDS = {Notification.Kind.LIKE, Notification.Kind.COLLECT, Notification.Kind.COMMENT_LIKE}


@dataclass
class NotificationGroup:
    kind: str
    verb: str
    first: Notification
    actors: list[User] = field(default_factory=list)
    count: int = 0
    unread: bool = False


def notification_groups(rows: list[Notification]) -> list[NotificationGroup]:
    """Likes and collects of one note fold into one row ("A, B and 3 others liked…")."""
    groups: list[NotificationGroup] = []
    by_key: dict[tuple[str, int | None, int | None], NotificationGroup] = {}
    for n in rows:
        key = (
            n.kind,
            n.note_id,
            n.comment_id if n.kind == Notification.Kind.COMMENT_LIKE else None,
        )
        group = by_key.get(key) if n.kind in GROUPED_KINDS else None
        if group is None:
            group = NotificationGroup(kind=n.kind, verb=str(n.get_kind_display()), first=n)
            groups.append(group)
            if n.kind in GROUPED_KINDS:
                by_key[key] = group
        if all(a.pk != n.actor_id for a in group.actors):
            group.actors.append(n.actor)
        group.count = len(group.actors)
        group.unread = group.unread or n.read_at is None
    return groups


# --- profiles ---------------------------------------------------------------------------

PROFILE_TABS = ("notes", "boards", "likes", "drafts")


@dataclass
class ProfilePage:
    owner: User
    tab: str
    can_see: bool
    follow_state: str
    is_self: bool
    bio: TextOffer
    cards: list[NoteView] = field(default_factory=list)
    boards: list[BoardView] = field(default_factory=list)
    next_cursor: str | None = None


def profile_page(owner: User, viewer: User | None, tab: str, cursor: str | None) -> ProfilePage:
    is_self = signed_in(viewer) and viewer.pk == owner.pk
    if tab not in PROFILE_TABS or (tab == "drafts" and not is_self):
        tab = "notes"
    page = ProfilePage(
        owner=owner,
        tab=tab,
        can_see=can_see_profile_content(viewer, owner),
        follow_state=follow_state(viewer, owner),
        is_self=is_self,
        bio=text_offer(viewer, owner.bio, owner.bio_language),
    )
    if not page.can_see:
        return page
    rows: list[Note] = []
    if tab == "boards":
        page.boards = board_views(viewer, list(visible_boards(viewer, owner)[:100]))
    elif tab == "likes":
        rows, page.next_cursor = liked_notes(viewer, owner, cursor=cursor)
    elif tab == "drafts":
        rows, page.next_cursor = list_notes(viewer, drafts=True, cursor=cursor)
    else:
        rows, page.next_cursor = list_notes(viewer, author=owner, cursor=cursor)
    page.cards = note_views(rows, viewer)
    return page

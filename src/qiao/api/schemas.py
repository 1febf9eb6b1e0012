"""Response and request shapes of the JSON API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.conf import settings
from django.urls import reverse
from ninja import Schema
from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from qiao.accounts.access import can_see_profile_content, follow_state
from qiao.accounts.models import User
from qiao.core.media import video_rejection_message
from qiao.core.text import TextInvalid, check_text, text_message
from qiao.feed.read import FeedReason
from qiao.messages.read import ConversationRow, ConversationView, MessageView
from qiao.notes.models import VideoUpload
from qiao.notes.read import Clip, Picture, media_url
from qiao.social.models import Notification
from qiao.social.read import BoardView, CommentRow, NoteView

#: A page size (`limit`): 1 to 50.
Limit = Annotated[int, Field(ge=1, le=50, description="items per page (1–50)")]


def _content_language(value: str) -> str:
    if value not in settings.QIAO_CONTENT_LANGUAGES:
        raise PydanticCustomError(
            "qiao_unsupported_language",
            "one of {langs}",
            {"langs": ", ".join(settings.QIAO_CONTENT_LANGUAGES)},
        )
    return value


#: A content language code: one of the site's languages (`QIAO_CONTENT_LANGUAGES`), so the
#: OpenAPI document lists exactly what the server accepts.
Language = Annotated[
    str,
    AfterValidator(_content_language),
    WithJsonSchema({"type": "string", "enum": list(settings.QIAO_CONTENT_LANGUAGES)}),
]
#: A row id: a positive 64-bit integer.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
#: Typed captions: the caption file limit (512 KB) in characters.
CAPTION_MAX_CHARACTERS = 512 * 1024


def Text(
    max_length: int,
    *,
    multiline: bool = False,
    required: bool = False,
    description: str | None = None,
) -> Any:
    """A text field checked by the one validator every service uses (`core.text`): no
    control, bidi or lone-surrogate characters, NFC, at most `max_length` characters."""

    def check(value: str) -> str:
        try:
            return check_text(value, max_length=max_length, multiline=multiline, required=required)
        except TextInvalid as exc:  # the code reaches the error response (api.main)
            raise PydanticCustomError(
                f"qiao_{exc.code}", text_message(exc.code, max_length)
            ) from exc

    rules = "no control or bidirectional-override characters"
    if not multiline:
        rules += ", no line breaks"
    return Annotated[
        str,
        AfterValidator(check),
        Field(
            max_length=max_length * 2,  # the exact limit is after normalisation, in characters
            min_length=1 if required else 0,
            description=(description + " — " if description else "")
            + f"at most {max_length} characters; {rules}",
            json_schema_extra={"x-qiao-max-characters": max_length},
        ),
    ]


UI_LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
UiLanguage = Annotated[
    str,
    AfterValidator(lambda v: _one_of(v, ["", *UI_LANGUAGE_CODES])),
    WithJsonSchema({"type": "string", "enum": ["", *UI_LANGUAGE_CODES]}),
]


def _one_of(value: str, allowed: list[str]) -> str:
    if value not in allowed:
        raise ValueError(f"one of {', '.join(a or '(empty)' for a in allowed)}")
    return value


# The text fields of requests. (For the type checker they are plain `str`; at run time each is
# `str` with the shared validator and its limit, which the OpenAPI document shows.)
if TYPE_CHECKING:
    DisplayName: TypeAlias = str
    Bio: TypeAlias = str
    ChineseName: TypeAlias = str
    Pinyin: TypeAlias = str
    TopicName: TypeAlias = str
    Title: TypeAlias = str
    NoteBody: TypeAlias = str
    CommentBody: TypeAlias = str
    BoardName: TypeAlias = str
    BoardDescription: TypeAlias = str
    AltText: TypeAlias = str
    Login: TypeAlias = str
    Password: TypeAlias = str
    Email: TypeAlias = str
    Surface: TypeAlias = str
    ReportDetails: TypeAlias = str
    TranslateText: TypeAlias = str
    VersionTitle: TypeAlias = str
    SearchQuery: TypeAlias = str
    GroupTitle: TypeAlias = str
    MessageBody: TypeAlias = str
else:
    DisplayName = Text(50)
    Bio = Text(300, multiline=True)
    ChineseName = Text(12)
    Pinyin = Text(60)
    TopicName = Text(40)
    Title = Text(100, description="the note's title")
    NoteBody = Text(2000, multiline=True)
    CommentBody = Text(1000, multiline=True, required=True)
    BoardName = Text(40, required=True)
    BoardDescription = Text(200)
    AltText = Text(200, description="what the photo shows, for people who cannot see it")
    Login = Text(254, required=True, description="username or email")
    Password = Annotated[str, Field(min_length=1, max_length=128)]
    Email = Text(254, required=True)
    Surface = Text(20)
    ReportDetails = Text(500, multiline=True)
    TranslateText = Text(5000, multiline=True, required=True)
    VersionTitle = Text(100, required=True)
    SearchQuery = Text(200)
    GroupTitle = Text(60, description="a group's name")
    MessageBody = Text(2000, multiline=True)

#: Password rules as the sign-up form states them (the service checks them all).
PASSWORD_RULES = (
    "at least 8 characters; not entirely numeric; not a common "  # noqa: S105 - a description
    "password; not too similar to the username or email"
)


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


class UserBrief(Schema):
    username: str
    display_name: str
    chinese_name: str
    avatar_url: str
    avatar_color: str

    @staticmethod
    def of(user: User) -> dict[str, Any]:
        return {
            "username": user.username,
            "display_name": user.name,
            "chinese_name": user.chinese_name,
            "avatar_url": media_url(user.avatar),
            "avatar_color": user.avatar_color,
        }


class ProfileOut(UserBrief):
    bio: str
    bio_language: str | None
    is_private: bool
    follower_count: int
    following_count: int
    note_count: int
    likes_received: int
    follow_state: str = "none"
    content_visible: bool = True
    joined_at: datetime

    @staticmethod
    def for_viewer(user: User, viewer: User | None) -> dict[str, Any]:
        data = UserBrief.of(user)
        data.update(
            {
                "bio": user.bio,
                "bio_language": user.bio_language,
                "is_private": user.is_private,
                "follower_count": user.follower_count,
                "following_count": user.following_count,
                "note_count": user.note_count,
                "likes_received": user.likes_received,
                "follow_state": follow_state(viewer, user),
                "content_visible": can_see_profile_content(viewer, user),
                "joined_at": user.date_joined,
            }
        )
        return data


class MeOut(ProfileOut):
    email: str
    ui_language: str
    read_languages: list[str]
    interests: list[str]
    auto_translate: bool
    autoplay_videos: bool = Field(description="clips in the feed play muted while in view")
    onboarded: bool
    chinese_name_pinyin: str
    language_mix: float | None = Field(
        None,
        description="share of For you in your first reading language (0.5 to 1; the "
        "rest in other languages); null: the site default",
    )

    @staticmethod
    def me(user: User) -> dict[str, Any]:
        data = ProfileOut.for_viewer(user, user)
        data.update(
            {
                "email": user.email,
                "ui_language": user.ui_language,
                "read_languages": user.read_languages,
                "interests": user.interests,
                "auto_translate": user.auto_translate,
                "onboarded": user.onboarded,
                "autoplay_videos": user.autoplay_videos,
                "chinese_name_pinyin": user.chinese_name_pinyin,
                "language_mix": user.language_mix,
            }
        )
        return data


class ProfileIn(Schema):
    display_name: DisplayName | None = None
    bio: Bio | None = None
    ui_language: UiLanguage | None = None
    read_languages: list[Language] | None = Field(None, max_length=5)
    chinese_name: ChineseName | None = None
    chinese_name_pinyin: Pinyin | None = None
    is_private: bool | None = None
    auto_translate: bool | None = None
    autoplay_videos: bool | None = None
    interests: list[TopicName] | None = Field(None, max_length=30)
    language_mix: float | None = Field(
        None,
        ge=0.5,
        le=1.0,
        strict=True,
        description="share of For you in your first reading language: 0.9 mostly mine, 0.7 "
        "some of both, 0.5 half and half (any value from 0.5 to 1); null: the "
        "site default",
    )


class SignUpIn(Schema):
    # The pattern and the password rules are documented here and checked by the service,
    # which reports every field's problem at once.
    username: str = Field(
        max_length=60,
        json_schema_extra={"pattern": "^[A-Za-z0-9_]{3,30}$"},
        description="3–30 letters, digits or underscores",
    )
    email: Email
    password: Password = Field(description=PASSWORD_RULES)
    display_name: DisplayName = ""
    ui_language: UiLanguage = ""
    read_languages: list[Language] = Field([], max_length=5)


class LoginIn(Schema):
    login: Login
    password: Password


class TokenOut(Schema):
    token: str
    user: MeOut


class DeleteAccountIn(Schema):
    password: Password


class VariantOut(Schema):
    width: int
    webp: str
    jpeg: str


class ImageOut(Schema):
    id: int
    position: int
    url: str
    width: int
    height: int
    blurhash: str
    dominant_color: str
    alt_text: str
    variants: list[VariantOut]
    ai_generated: bool = Field(
        False, description="labelled AI-generated by the author or by the upload's own metadata"
    )

    @staticmethod
    def of(pic: Picture) -> dict[str, Any]:
        return {
            "id": pic.id,
            "position": pic.position,
            "url": pic.url,
            "width": pic.width,
            "height": pic.height,
            "blurhash": pic.blurhash,
            "dominant_color": pic.color,
            "alt_text": pic.alt_text,
            "ai_generated": pic.ai_generated,
            "variants": [{"width": v.width, "webp": v.webp, "jpeg": v.jpeg} for v in pic.variants],
        }


class RenditionOut(Schema):
    label: str = Field(description="`360p`, `720p`, `1080p` (or `source` for clips under 360p)")
    url: str
    width: int
    height: int
    bitrate_kbps: int
    size_bytes: int


class CaptionOut(Schema):
    id: int
    language: str = Field(description="the track's language (empty while undetected)")
    source: Literal["author", "transcription", "machine"]
    url: str = Field(description="the WebVTT file (`text/vtt`)")


class VideoError(Schema):
    code: str
    message: str


class VideoOut(Schema):
    state: Literal["uploaded", "processing", "ready", "failed"]
    duration: float = Field(description="seconds")
    width: int
    height: int
    has_audio: bool
    ai_generated: bool = Field(
        description="labelled AI-generated by the author or by the upload's own metadata"
    )
    alt_text: str
    poster: ImageOut | None = Field(None, description="once ready: a frame of the clip")
    renditions: list[RenditionOut] = Field(
        [], description="H.264/AAC MP4 files with faststart, smallest first (once ready)"
    )
    captions: list[CaptionOut] = Field(
        [], description="caption tracks (single notes only): the original first"
    )
    error: VideoError | None = Field(None, description="why processing failed")

    @staticmethod
    def of(clip: Clip) -> dict[str, Any]:
        return {
            "state": clip.state,
            "duration": clip.duration,
            "width": clip.width,
            "height": clip.height,
            "has_audio": clip.has_audio,
            "ai_generated": clip.ai_generated,
            "alt_text": clip.alt_text,
            "poster": ImageOut.of(clip.poster) if clip.poster is not None else None,
            "renditions": [
                {
                    "label": r.label,
                    "url": r.url,
                    "width": r.width,
                    "height": r.height,
                    "bitrate_kbps": r.bitrate_kbps,
                    "size_bytes": r.size_bytes,
                }
                for r in clip.renditions
            ],
            "captions": [
                {"id": c.id, "language": c.language, "source": c.source, "url": c.url}
                for c in clip.captions
            ],
            "error": (
                {"code": clip.error_code, "message": video_rejection_message(clip.error_code)}
                if clip.error_code
                else None
            ),
        }


class NoteTranslation(Schema):
    title: str
    body: str
    source: str
    source_name: str
    target: str
    machine: bool
    engine: str = Field(
        description="the engine; `author` for the author's own version, "
        "`community` for a reader's fix the author accepted"
    )
    community: bool = Field(
        False, description='a reader\'s accepted fix ("Improved by the community")'
    )
    suggested_by: str | None = Field(None, description="who suggested it (username)")


class NoteOut(Schema):
    id: int
    title: str
    body: str
    language: str | None
    topics: list[str]
    visibility: str
    status: str
    author: UserBrief
    images: list[ImageOut]
    like_count: int
    collect_count: int
    comment_count: int
    liked: bool = False
    collected: bool = False
    created_at: datetime
    published_at: datetime | None
    updated_at: datetime
    url: str
    translation: NoteTranslation | None = Field(
        None, description="the note in the language asked for with `lang`, when available"
    )
    video: VideoOut | None = Field(None, description="the note's clip, if it has one")

    @staticmethod
    def of(view: NoteView) -> dict[str, Any]:
        n = view.note
        return {
            "id": n.pk,
            "title": n.title,
            "body": n.body,
            "language": n.language,
            "topics": [t.name for t in n.topics.all()],
            "visibility": n.visibility,
            "status": n.status,
            "author": UserBrief.of(n.author),
            "images": [ImageOut.of(p) for p in view.pictures],
            "like_count": n.like_count,
            "collect_count": n.collect_count,
            "comment_count": n.comment_count,
            "liked": view.liked,
            "collected": view.collected,
            "created_at": n.created_at,
            "published_at": n.published_at,
            "updated_at": n.updated_at,
            "url": reverse("web:note", args=[n.pk]),
            "translation": view.translation.as_dict() if view.translation else None,
            "video": VideoOut.of(view.clip) if view.clip is not None else None,
        }


class NotePage(Schema):
    items: list[NoteOut]
    next_cursor: str | None


class ReasonOut(Schema):
    code: str = Field(
        description=(
            "why the note is in For you: liked_similar (like a note you liked, saved or read), "
            "followed_author, new_creator (a creator you might like; also new notes no one has "
            "judged yet), popular_in_language, interest_topic (one of your onboarding "
            "interests), trending, fresh, discover (more to explore after the recommendations), "
            "caught_up (after the divider: seen before or held back)"
        )
    )
    text: str = Field(description="the reason in your interface language")
    note_id: int | None = Field(None, description="liked_similar: the note it is like")
    note_title: str | None = Field(None, description="liked_similar: that note's title")
    author: UserBrief | None = Field(None, description="followed_author, new_creator")
    language: str | None = Field(None, description="popular_in_language: e.g. zh")
    topic: str | None = Field(None, description="interest_topic: the topic, as your chips name it")

    @staticmethod
    def of(reason: FeedReason) -> dict[str, Any]:
        return {
            "code": reason.code,
            "text": reason.text,
            "note_id": reason.note_id,
            "note_title": reason.note_title or None,
            "author": UserBrief.of(reason.author) if reason.author is not None else None,
            "language": reason.language,
            "topic": reason.topic,
        }


class FeedNoteOut(NoteOut):
    reason: ReasonOut | None = Field(
        None, description="For you: why this note is here (null on other feeds)"
    )

    @staticmethod
    def of(view: NoteView) -> dict[str, Any]:
        data = NoteOut.of(view)
        reason = getattr(view, "reason", None)
        data["reason"] = ReasonOut.of(reason) if reason is not None else None
        return data


class FeedPageOut(Schema):
    items: list[FeedNoteOut]
    next_cursor: str | None = Field(
        description="the next page's cursor; a feed ends only when you may see no note"
    )
    caught_up_at: int | None = Field(
        None,
        description='index in `items` where "You\'re all caught up — here is more" '
        "goes: For you's notes from there on were seen before or held "
        "back as look-alikes; a topic's, are not of the topic",
    )


class PhotoCreditOut(Schema):
    id: str
    alt: str = Field(description="what is in the frame, in the requested language")
    author: str
    licence: str = Field(description="SPDX-style licence id, e.g. CC-BY-SA-4.0")
    licence_name: str
    licence_url: str
    registry: str = Field(description="debian or pypi")
    package: str
    version: str
    path: str = Field(description="the file inside the package")
    original_url: str = Field(description="where the photographer published it, if known")
    thumbnail: str = Field(
        description="this site's smallest rendering (empty when the demo was not seeded)"
    )

    @staticmethod
    def of(credit: Any) -> dict[str, Any]:
        return {f: getattr(credit, f) for f in PhotoCreditOut.model_fields}


class TopicOut(Schema):
    name: str = Field(description="the topic as stored: what a topic page and a #tag use")
    note_count: int
    label: str = Field(
        "", description="the topic's name in the interface language (#travel is 旅行 in Chinese)"
    )


class NoteSearchPage(Schema):
    kind: Literal["notes"]
    query: str = Field(description="the query as searched (normalised)")
    items: list[NoteOut]
    next_cursor: str | None
    expanded: list[str] = Field(
        [], description='words added by cross-language expansion ("also searching: 饺子")'
    )


class UserSearchPage(Schema):
    kind: Literal["users"]
    query: str
    items: list[UserBrief]
    next_cursor: str | None


class TopicSearchPage(Schema):
    kind: Literal["topics"]
    query: str
    items: list[TopicOut]
    next_cursor: str | None


SearchOut = Annotated[
    NoteSearchPage | UserSearchPage | TopicSearchPage, Field(discriminator="kind")
]


Visibility = Literal["public", "followers", "private"]
NoteStatus = Literal["draft", "published"]


class NotePatch(Schema):
    title: Title | None = None
    body: NoteBody | None = None
    topics: list[TopicName] | None = Field(None, max_length=20)
    visibility: Visibility | None = None
    status: NoteStatus | None = Field(None, description="`published` publishes a draft")
    image_order: list[Id] | None = Field(
        None, max_length=9, description="ids of the photos to keep, in order"
    )
    images_ai_generated: dict[Id, bool] | None = Field(
        None,
        max_length=20,
        description="the author's AI-generated label by photo id (a "
        "label the photo's own metadata declared stays)",
    )
    video_upload: str | None = Field(
        None,
        max_length=40,
        description="a finished upload's id: a new clip for a note not yet published",
    )
    remove_video: bool = False
    video_ai_generated: bool | None = None
    video_alt_text: AltText | None = None
    captions: str | None = Field(
        None,
        max_length=CAPTION_MAX_CHARACTERS,
        description="the clip's captions: WebVTT, SRT, or lines like `0:05 Hello`",
    )
    remove_captions: bool = False


class UploadIn(Schema):
    size: int = Field(ge=-(2**62), le=2**62, description="the file's size in bytes")
    filename: AltText = ""


class ProbeOut(Schema):
    duration: float
    width: int
    height: int
    has_audio: bool
    ai_generated: bool = Field(description="the file's metadata declares AI generation")


class UploadOut(Schema):
    id: str
    filename: str
    size: int
    offset: int = Field(description="bytes the server has: send the next chunk from here")
    state: Literal["receiving", "complete", "rejected"]
    chunk_size: int = Field(description="a good chunk size (bytes)")
    max_chunk_bytes: int
    video: ProbeOut | None = Field(None, description="what the server found, once complete")
    error: VideoError | None = None

    @staticmethod
    def of(upload: VideoUpload) -> dict[str, Any]:
        info = upload.info or {}
        return {
            "id": str(upload.pk),
            "filename": upload.filename,
            "size": upload.size,
            "offset": upload.received,
            "state": upload.state,
            "chunk_size": settings.QIAO_VIDEO_CHUNK_SUGGESTED,
            "max_chunk_bytes": settings.QIAO_VIDEO_CHUNK_BYTES,
            "video": (
                {
                    "duration": info["duration"],
                    "width": info["width"],
                    "height": info["height"],
                    "has_audio": info["has_audio"],
                    "ai_generated": bool(info.get("ai_generated")),
                }
                if upload.state == VideoUpload.State.COMPLETE and info
                else None
            ),
            "error": (
                {"code": upload.error_code, "message": video_rejection_message(upload.error_code)}
                if upload.error_code
                else None
            ),
        }


class LikeOut(Schema):
    liked: bool
    like_count: int


class CommentIn(Schema):
    body: CommentBody
    parent_id: Id | None = None


class CommentOut(Schema):
    id: int
    note_id: int
    parent_id: int | None
    author: UserBrief
    reply_to: str | None
    body: str
    language: str | None
    like_count: int
    reply_count: int
    liked: bool = False
    created_at: datetime

    @staticmethod
    def of(row: CommentRow) -> dict[str, Any]:
        c = row.comment
        return {
            "id": c.pk,
            "note_id": c.note_id,
            "parent_id": c.parent_id,
            "author": UserBrief.of(c.author),
            "reply_to": c.reply_to.username if c.reply_to_id and c.reply_to else None,
            "body": c.body,
            "language": c.language,
            "like_count": c.like_count,
            "reply_count": c.reply_count,
            "liked": row.liked,
            "created_at": c.created_at,
        }


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class BoardIn(Schema):
    name: BoardName
    description: BoardDescription = ""
    is_private: bool = False


class BoardPatch(Schema):
    name: BoardName | None = None
    description: BoardDescription | None = None
    is_private: bool | None = None


class BoardOut(Schema):
    id: int
    name: str
    description: str
    is_private: bool
    item_count: int
    owner: UserBrief
    cover_url: str = Field(
        "",
        description="the newest collected note's first photo that "
        "the caller may see (a 1080-px or smaller variant)",
    )
    created_at: datetime

    @staticmethod
    def of(view: BoardView) -> dict[str, Any]:
        b = view.board
        cover = view.cover
        url = ""
        if cover is not None:
            url = next((v.jpeg for v in reversed(cover.variants) if v.jpeg), cover.url)
        return {
            "id": b.pk,
            "name": b.name,
            "description": b.description,
            "is_private": b.is_private,
            "item_count": b.item_count,
            "owner": UserBrief.of(b.owner),
            "created_at": b.created_at,
            "cover_url": url,
        }


class CollectIn(Schema):
    note_id: Id


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    actor: UserBrief
    note_id: int | None
    comment_id: int | None
    created_at: datetime
    read: bool

    @staticmethod
    def of(n: Notification) -> dict[str, Any]:
        return {
            "id": n.pk,
            "kind": n.kind,
            "text": str(Notification.Kind(n.kind).label),
            "actor": UserBrief.of(n.actor),
            "note_id": n.note_id,
            "comment_id": n.comment_id,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class ReadIn(Schema):
    ids: list[Id] | None = Field(
        None, max_length=500, description="notifications to mark read; leave out for all"
    )


class FollowOut(Schema):
    state: str


class EventIn(Schema):
    kind: Literal["impression", "open", "dwell", "share", "hide", "play", "watch"] = Field(
        description="`play`: a clip started; `watch`: seconds of a clip watched"
    )
    note_id: Id | None = None
    value: float = Field(
        0.0,
        ge=-1e9,
        le=1e9,
        allow_inf_nan=False,
        description="dwell or watch seconds, or an impression's rank",
    )
    surface: Surface = ""


class EventsIn(Schema):
    events: list[EventIn] = Field(max_length=200)


class CountOut(Schema):
    count: int


class OkOut(Schema):
    ok: bool = True


# --- direct messages ---------------------------------------------------------------------


class MessagePhotoOut(Schema):
    id: int
    small_url: str
    large_url: str
    width: int
    height: int
    alt: str
    blurhash: str
    color: str


class MessageOut(Schema):
    id: int
    conversation_id: int
    kind: str = Field(description="text, photo, note (a shared note) or system")
    sender: UserBrief | None = Field(description="null once the sender's account is deleted")
    mine: bool
    body: str = Field(description="empty for an unsent, removed or deleted-account message")
    language: str | None
    tombstone: str = Field(description="why the message is empty, in the reader's language")
    system: str = Field(description="what happened (system messages), in the reader's language")
    photos: list[MessagePhotoOut]
    note: NoteOut | None = Field(None, description="the shared note, when the reader may see it")
    note_unavailable: bool
    reply_to_id: int | None
    reply_preview: str
    translation_offered: bool = Field(
        description="the reader does not read its language: GET /messages/{id}/translation"
    )
    seen: str = Field(description="“Seen” under the reader's latest message, when receipts allow")
    can_unsend: bool
    created_at: datetime
    unsent_at: datetime | None

    @staticmethod
    def of(view: MessageView) -> dict[str, Any]:
        m = view.message
        return {
            "id": m.pk,
            "conversation_id": m.conversation_id,
            "kind": m.kind,
            "sender": UserBrief.of(view.sender) if view.sender is not None else None,
            "mine": view.mine,
            "body": view.text,
            "language": m.language,
            "tombstone": view.tombstone,
            "system": view.system,
            "photos": [
                {
                    "id": p.id,
                    "small_url": p.small,
                    "large_url": p.large,
                    "width": p.width,
                    "height": p.height,
                    "alt": p.alt,
                    "blurhash": p.blurhash,
                    "color": p.color,
                }
                for p in view.photos
            ],
            "note": NoteOut.of(view.note) if view.note is not None else None,
            "note_unavailable": view.note_unavailable,
            "reply_to_id": view.reply_id,
            "reply_preview": view.reply_text,
            "translation_offered": view.offer_translation,
            "seen": view.seen,
            "can_unsend": view.can_unsend,
            "created_at": m.created_at,
            "unsent_at": m.unsent_at,
        }


class ConversationOut(Schema):
    id: int
    kind: str = Field(description="direct or group")
    title: str
    people: list[UserBrief] = Field(description="the others in it")
    state: str = Field(description="the caller's place: active, or request (not accepted)")
    unread: int
    muted: bool
    preview: str
    last_message_at: datetime

    @staticmethod
    def of(row: ConversationRow) -> dict[str, Any]:
        c = row.conversation
        return {
            "id": c.pk,
            "kind": c.kind,
            "title": row.title,
            "people": [UserBrief.of(u) for u in row.people],
            "state": row.member.state,
            "unread": row.unread,
            "muted": row.muted,
            "preview": row.preview,
            "last_message_at": c.last_message_at,
        }


class ConversationPage(Schema):
    items: list[ConversationOut]
    next_cursor: str | None


class ConversationDetail(Schema):
    id: int
    kind: str
    title: str
    people: list[UserBrief]
    state: str
    waiting: bool = Field(description="the other person has not accepted the caller's request yet")
    muted: bool
    is_admin: bool
    composer_hint: str
    messages: list[MessageOut] = Field(description="the newest page, oldest first")
    older_cursor: str | None
    live_after: int = Field(description="open the live stream with ?after= this")

    @staticmethod
    def of(view: ConversationView) -> dict[str, Any]:
        return {
            "id": view.conversation.pk,
            "kind": view.conversation.kind,
            "title": view.title,
            "people": [UserBrief.of(u) for u in view.others],
            "state": view.member.state,
            "waiting": view.waiting,
            "muted": view.member.muted,
            "is_admin": view.member.is_admin,
            "composer_hint": view.hint,
            "messages": [MessageOut.of(m) for m in view.messages],
            "older_cursor": view.older_cursor,
            "live_after": view.live_after,
        }


class MessagePage(Schema):
    items: list[MessageOut]
    older_cursor: str | None = None


class ConversationIn(Schema):
    to: list[Annotated[str, Field(max_length=30)]] = Field(
        min_length=1,
        max_length=19,
        description="usernames: one for a one-to-one conversation, 2–19 for a group",
    )
    title: GroupTitle = ""


class MessageIn(Schema):
    body: MessageBody = ""
    note_id: Id | None = Field(None, description="share a note as a card")
    reply_to_id: Id | None = None


class ReadIn2(Schema):
    up_to: Id | None = Field(None, description="the last message read (default: all)")


class ConversationPatch(Schema):
    muted: bool | None = None
    title: GroupTitle | None = None


class PeopleIn(Schema):
    usernames: list[Annotated[str, Field(max_length=30)]] = Field(min_length=1, max_length=19)


class MessageReportIn(Schema):
    reason: str = Field(
        description="spam, harassment, hate, nudity, violence, misinformation, ip or other"
    )
    details: ReportDetails = ""


class ReceiptsIn(Schema):
    read_receipts: bool


class MessagingSettingsOut(Schema):
    read_receipts: bool


class UnreadOut(Schema):
    messages: int = Field(description="unread messages in accepted, unmuted conversations")
    requests: int = Field(description="message requests with something unread")
    notifications: int


class TextOut(Schema):
    text: str
    source: str
    target: str
    engine: str
    source_name: str


class LiveEventOut(Schema):
    id: int | None = Field(description="the per-member sequence number (null: ephemeral)")
    type: str = Field(
        description="message, message.changed, read, read.self, typing, "
        "conversation, counts, notifications, reset"
    )
    data: dict[str, Any]


class LiveEventsOut(Schema):
    events: list[LiveEventOut]
    last: int = Field(description="pass as ?after= next time")
    reset: bool = Field(description="events were pruned since ?after=: reload")

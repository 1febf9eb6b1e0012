"""Response and request shapes of the JSON API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.urls import reverse
from ninja import Schema
from pydantic import AfterValidator, Field, WithJsonSchema

from qiao.accounts.access import can_see_profile_content, follow_state
from qiao.accounts.models import User
from qiao.notes.read import Picture, media_url
from qiao.social.models import Notification
from qiao.social.read import BoardView, CommentRow, NoteView

#: A page size (`limit`): 1 to 50.
Limit = Annotated[int, Field(ge=1, le=50, description="items per page (1–50)")]
def _content_language(value: str) -> str:
    if value not in settings.QIAO_CONTENT_LANGUAGES:
        raise ValueError(f"one of {', '.join(settings.QIAO_CONTENT_LANGUAGES)}")
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
            "username": user.username, "display_name": user.name,
            "chinese_name": user.chinese_name, "avatar_url": media_url(user.avatar),
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
        data.update({
            "bio": user.bio, "bio_language": user.bio_language, "is_private": user.is_private,
            "follower_count": user.follower_count, "following_count": user.following_count,
            "note_count": user.note_count, "likes_received": user.likes_received,
            "follow_state": follow_state(viewer, user),
            "content_visible": can_see_profile_content(viewer, user),
            "joined_at": user.date_joined,
        })
        return data


class MeOut(ProfileOut):
    email: str
    ui_language: str
    read_languages: list[str]
    interests: list[str]
    auto_translate: bool
    onboarded: bool
    chinese_name_pinyin: str

    @staticmethod
    def me(user: User) -> dict[str, Any]:
        data = ProfileOut.for_viewer(user, user)
        data.update({
            "email": user.email, "ui_language": user.ui_language,
            "read_languages": user.read_languages, "interests": user.interests,
            "auto_translate": user.auto_translate, "onboarded": user.onboarded,
            "chinese_name_pinyin": user.chinese_name_pinyin,
        })
        return data


class ProfileIn(Schema):
    display_name: str | None = None
    bio: str | None = None
    ui_language: str | None = None
    read_languages: list[str] | None = None
    chinese_name: str | None = None
    chinese_name_pinyin: str | None = None
    is_private: bool | None = None
    auto_translate: bool | None = None
    interests: list[str] | None = None


class SignUpIn(Schema):
    username: str
    email: str
    password: str
    display_name: str = ""
    ui_language: str = ""
    read_languages: list[str] = []


class LoginIn(Schema):
    login: str = Field(description="username or email")
    password: str


class TokenOut(Schema):
    token: str
    user: MeOut


class DeleteAccountIn(Schema):
    password: str


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

    @staticmethod
    def of(pic: Picture) -> dict[str, Any]:
        return {
            "id": pic.id, "position": pic.position, "url": pic.url, "width": pic.width,
            "height": pic.height, "blurhash": pic.blurhash, "dominant_color": pic.color,
            "alt_text": pic.alt_text,
            "variants": [{"width": v.width, "webp": v.webp, "jpeg": v.jpeg}
                         for v in pic.variants],
        }


class NoteTranslation(Schema):
    title: str
    body: str
    source: str
    source_name: str
    target: str
    machine: bool
    engine: str


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
        None, description="the note in the language asked for with `lang`, when available")

    @staticmethod
    def of(view: NoteView) -> dict[str, Any]:
        n = view.note
        return {
            "id": n.pk, "title": n.title, "body": n.body, "language": n.language,
            "topics": [t.name for t in n.topics.all()], "visibility": n.visibility,
            "status": n.status, "author": UserBrief.of(n.author),
            "images": [ImageOut.of(p) for p in view.pictures],
            "like_count": n.like_count, "collect_count": n.collect_count,
            "comment_count": n.comment_count, "liked": view.liked,
            "collected": view.collected, "created_at": n.created_at,
            "published_at": n.published_at, "updated_at": n.updated_at,
            "url": reverse("web:note", args=[n.pk]),
            "translation": view.translation.as_dict() if view.translation else None,
        }


class NotePage(Schema):
    items: list[NoteOut]
    next_cursor: str | None


class TopicOut(Schema):
    name: str
    note_count: int


class NoteSearchPage(Schema):
    kind: Literal["notes"]
    query: str = Field(description="the query as searched (normalised)")
    items: list[NoteOut]
    next_cursor: str | None
    expanded: list[str] = Field(
        [], description="words added by cross-language expansion (\"also searching: 饺子\")")


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


SearchOut = Annotated[NoteSearchPage | UserSearchPage | TopicSearchPage,
                      Field(discriminator="kind")]


class NotePatch(Schema):
    title: str | None = None
    body: str | None = None
    topics: list[str] | None = None
    visibility: str | None = None
    status: str | None = None
    image_order: list[int] | None = None


class LikeOut(Schema):
    liked: bool
    like_count: int


class CommentIn(Schema):
    body: str
    parent_id: int | None = None


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
            "id": c.pk, "note_id": c.note_id, "parent_id": c.parent_id,
            "author": UserBrief.of(c.author),
            "reply_to": c.reply_to.username if c.reply_to_id and c.reply_to else None,
            "body": c.body, "language": c.language, "like_count": c.like_count,
            "reply_count": c.reply_count, "liked": row.liked, "created_at": c.created_at,
        }


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class BoardIn(Schema):
    name: str
    description: str = ""
    is_private: bool = False


class BoardPatch(Schema):
    name: str | None = None
    description: str | None = None
    is_private: bool | None = None


class BoardOut(Schema):
    id: int
    name: str
    description: str
    is_private: bool
    item_count: int
    owner: UserBrief
    cover_url: str = Field("", description="the newest collected note's first photo that "
                                           "the caller may see (a 1080-px or smaller variant)")
    created_at: datetime

    @staticmethod
    def of(view: BoardView) -> dict[str, Any]:
        b = view.board
        cover = view.cover
        url = ""
        if cover is not None:
            url = next((v.jpeg for v in reversed(cover.variants) if v.jpeg), cover.url)
        return {
            "id": b.pk, "name": b.name, "description": b.description,
            "is_private": b.is_private, "item_count": b.item_count,
            "owner": UserBrief.of(b.owner), "created_at": b.created_at, "cover_url": url,
        }


class CollectIn(Schema):
    note_id: int


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
            "id": n.pk, "kind": n.kind, "text": str(Notification.Kind(n.kind).label),
            "actor": UserBrief.of(n.actor), "note_id": n.note_id, "comment_id": n.comment_id,
            "created_at": n.created_at, "read": n.read_at is not None,
        }


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class ReadIn(Schema):
    ids: list[int] | None = None


class FollowOut(Schema):
    state: str


class EventIn(Schema):
    kind: str
    note_id: int | None = None
    value: float = 0.0
    surface: str = ""


class EventsIn(Schema):
    events: list[EventIn] = Field(max_length=200)


class CountOut(Schema):
    count: int


class OkOut(Schema):
    ok: bool = True

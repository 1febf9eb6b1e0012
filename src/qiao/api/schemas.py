"""Response and request shapes of the JSON API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.files.storage import default_storage
from ninja import Schema
from pydantic import Field


def media_url(path: str) -> str:
    return default_storage.url(path) if path else ""


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
    def of(user: Any) -> dict[str, Any]:
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


class MeOut(ProfileOut):
    email: str
    ui_language: str
    read_languages: list[str]
    interests: list[str]
    auto_translate: bool
    onboarded: bool
    chinese_name_pinyin: str


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
    cover_url: str = ""
    created_at: datetime


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

"""Turn model rows into API dicts (batched: no query per item)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from qiao.accounts import access as accounts_access
from qiao.accounts.models import User
from qiao.api.schemas import UserBrief, media_url
from qiao.notes.models import Note, NoteImage
from qiao.social import read as social_read
from qiao.social.models import Board, Comment, Notification


def image_dict(img: NoteImage) -> dict[str, Any]:
    variants = []
    for width, formats in sorted((img.variants or {}).items(), key=lambda kv: int(kv[0])):
        variants.append({"width": int(width), "webp": media_url(formats.get("webp", "")),
                         "jpeg": media_url(formats.get("jpeg", ""))})
    return {
        "id": img.pk, "position": img.position, "url": media_url(img.original),
        "width": img.width, "height": img.height, "blurhash": img.blurhash,
        "dominant_color": img.dominant_color, "alt_text": img.alt_text, "variants": variants,
    }


def notes_out(notes: list[Note], viewer: User | None, *, lang: str | None = None,
              translate_now: bool = False) -> list[dict[str, Any]]:
    """Notes as API dicts. With `lang`, each carries its translation into that language when
    one exists (or, with `translate_now`, is made now: only for a single note)."""
    ids = [n.pk for n in notes]
    translations: dict[int, Any] = {}
    if lang:
        from qiao.translation import services as tr

        target = tr.target_for(viewer, lang)
        if translate_now:
            for n in notes:
                rendered = tr.note_for_reader(n, target)
                if rendered is not None:
                    translations[n.pk] = rendered
        else:
            translations = tr.stored_versions(notes, target)
    liked = social_read.liked_note_ids(viewer, ids)
    collected = social_read.collected_note_ids(viewer, ids)
    out = []
    for n in notes:
        out.append({
            "id": n.pk, "title": n.title, "body": n.body, "language": n.language,
            "topics": [t.name for t in n.topics.all()], "visibility": n.visibility,
            "status": n.status, "author": UserBrief.of(n.author),
            "images": [image_dict(i) for i in n.images.all()],
            "like_count": n.like_count, "collect_count": n.collect_count,
            "comment_count": n.comment_count, "liked": n.pk in liked,
            "collected": n.pk in collected, "created_at": n.created_at,
            "published_at": n.published_at, "updated_at": n.updated_at,
            "url": reverse("web:note", args=[n.pk]),
            "translation": translations[n.pk].as_dict() if n.pk in translations else None,
        })
    return out


def profile_out(user: User, viewer: User | None) -> dict[str, Any]:
    data = UserBrief.of(user)
    data.update({
        "bio": user.bio, "bio_language": user.bio_language, "is_private": user.is_private,
        "follower_count": user.follower_count, "following_count": user.following_count,
        "note_count": user.note_count, "likes_received": user.likes_received,
        "follow_state": accounts_access.follow_state(viewer, user),
        "content_visible": accounts_access.can_see_profile_content(viewer, user),
        "joined_at": user.date_joined,
    })
    return data


def me_out(user: User) -> dict[str, Any]:
    data = profile_out(user, user)
    data.update({
        "email": user.email, "ui_language": user.ui_language,
        "read_languages": user.read_languages, "interests": user.interests,
        "auto_translate": user.auto_translate, "onboarded": user.onboarded,
        "chinese_name_pinyin": user.chinese_name_pinyin,
    })
    return data


def comments_out(comments: list[Comment], viewer: User | None) -> list[dict[str, Any]]:
    liked = social_read.liked_comment_ids(viewer, [c.pk for c in comments])
    return [{
        "id": c.pk, "note_id": c.note_id, "parent_id": c.parent_id,
        "author": UserBrief.of(c.author),
        "reply_to": c.reply_to.username if c.reply_to_id and c.reply_to else None,
        "body": c.body, "language": c.language, "like_count": c.like_count,
        "reply_count": c.reply_count, "liked": c.pk in liked, "created_at": c.created_at,
    } for c in comments]


def board_out(board: Board) -> dict[str, Any]:
    first = (NoteImage.objects.filter(note__collects__board=board, position=0)
             .order_by("-note__collects__created_at").first())
    return {
        "id": board.pk, "name": board.name, "description": board.description,
        "is_private": board.is_private, "item_count": board.item_count,
        "owner": UserBrief.of(board.owner), "created_at": board.created_at,
        "cover_url": media_url(first.original) if first else "",
    }


def notification_out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk, "kind": n.kind, "text": str(Notification.Kind(n.kind).label),
        "actor": UserBrief.of(n.actor), "note_id": n.note_id, "comment_id": n.comment_id,
        "created_at": n.created_at, "read": n.read_at is not None,
    }

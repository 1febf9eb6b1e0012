"""Likes, comments, boards and notifications over JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from qiao.api import schemas as s
from qiao.api.auth import current_user, require_user
from qiao.api.errors import ERRORS
from qiao.social import access, read, services

router = Router(tags=["social"])


# --- likes ------------------------------------------------------------------------------


@router.post("/notes/{id:note_id}/like", response={200: s.LikeOut, **ERRORS}, tags=["notes"])
def like(request: HttpRequest, note_id: int) -> dict[str, Any]:
    liked, count = services.like_note(require_user(request), note_id)
    return {"liked": liked, "like_count": count}


@router.delete("/notes/{id:note_id}/like", response={200: s.LikeOut, **ERRORS}, tags=["notes"])
def unlike(request: HttpRequest, note_id: int) -> dict[str, Any]:
    liked, count = services.unlike_note(require_user(request), note_id)
    return {"liked": liked, "like_count": count}


# --- comments ---------------------------------------------------------------------------


@router.get(
    "/notes/{id:note_id}/comments", response={200: s.CommentPage, **ERRORS}, tags=["comments"]
)
def comments(
    request: HttpRequest,
    note_id: int,
    parent_id: s.Id | None = None,
    cursor: str | None = None,
    limit: s.Limit = 20,
) -> dict[str, Any]:
    viewer = current_user(request)
    rows, nxt = read.list_comments(viewer, note_id, parent_id=parent_id, cursor=cursor, limit=limit)
    return {
        "items": [s.CommentOut.of(r) for r in read.comment_rows(rows, viewer)],
        "next_cursor": nxt,
    }


@router.post(
    "/notes/{id:note_id}/comments", response={201: s.CommentOut, **ERRORS}, tags=["comments"]
)
def comment(request: HttpRequest, note_id: int, payload: s.CommentIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    row = services.add_comment(user, note_id, payload.body, parent_id=payload.parent_id)
    return Status(201, s.CommentOut.of(read.comment_rows([row], user)[0]))


@router.delete("/comments/{id:comment_id}", response={204: None, **ERRORS}, tags=["comments"])
def delete_comment(request: HttpRequest, comment_id: int) -> Status[None]:
    services.delete_comment(require_user(request), comment_id)
    return Status(204, None)


@router.post(
    "/comments/{id:comment_id}/like", response={200: s.CountOut, **ERRORS}, tags=["comments"]
)
def like_comment(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    return {"count": services.like_comment(require_user(request), comment_id)}


@router.delete(
    "/comments/{id:comment_id}/like", response={200: s.CountOut, **ERRORS}, tags=["comments"]
)
def unlike_comment(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    return {"count": services.unlike_comment(require_user(request), comment_id)}


# --- boards -----------------------------------------------------------------------------


@router.post("/boards", response={201: s.BoardOut, **ERRORS}, tags=["boards"])
def create_board(request: HttpRequest, payload: s.BoardIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    board = services.create_board(user, **payload.dict())
    return Status(201, s.BoardOut.of(read.board_views(user, [board])[0]))


@router.get("/boards/{id:board_id}", response={200: s.BoardOut, **ERRORS}, tags=["boards"])
def get_board(request: HttpRequest, board_id: int) -> dict[str, Any]:
    viewer = current_user(request)
    board = access.get_board_for(viewer, board_id)
    return s.BoardOut.of(read.board_views(viewer, [board])[0])


@router.patch("/boards/{id:board_id}", response={200: s.BoardOut, **ERRORS}, tags=["boards"])
def update_board(request: HttpRequest, board_id: int, payload: s.BoardPatch) -> dict[str, Any]:
    user = require_user(request)
    board = services.update_board(user, board_id, **payload.dict(exclude_unset=True))
    return s.BoardOut.of(read.board_views(user, [board])[0])


@router.delete("/boards/{id:board_id}", response={204: None, **ERRORS}, tags=["boards"])
def delete_board(request: HttpRequest, board_id: int) -> Status[None]:
    services.delete_board(require_user(request), board_id)
    return Status(204, None)


@router.get("/boards/{id:board_id}/notes", response={200: s.NotePage, **ERRORS}, tags=["boards"])
def board_notes(request: HttpRequest, board_id: int) -> dict[str, Any]:
    viewer = current_user(request)
    board = access.get_board_for(viewer, board_id)
    rows = list(access.board_notes(viewer, board)[:200])
    return {"items": [s.NoteOut.of(v) for v in read.note_views(rows, viewer)], "next_cursor": None}


@router.post("/boards/{id:board_id}/notes", response={200: s.OkOut, **ERRORS}, tags=["boards"])
def collect(request: HttpRequest, board_id: int, payload: s.CollectIn) -> dict[str, Any]:
    services.collect(require_user(request), payload.note_id, board_id)
    return {"ok": True}


@router.delete(
    "/boards/{id:board_id}/notes/{id:note_id}", response={200: s.OkOut, **ERRORS}, tags=["boards"]
)
def uncollect(request: HttpRequest, board_id: int, note_id: int) -> dict[str, Any]:
    services.uncollect(require_user(request), note_id, board_id)
    return {"ok": True}


# --- notifications ----------------------------------------------------------------------


@router.get("/notifications", response={200: s.NotificationPage, **ERRORS}, tags=["notifications"])
def notifications(
    request: HttpRequest, cursor: str | None = None, limit: s.Limit = 30
) -> dict[str, Any]:
    user = require_user(request)
    rows, nxt = read.list_notifications(user, cursor=cursor, limit=limit)
    return {
        "items": [s.NotificationOut.of(n) for n in rows],
        "next_cursor": nxt,
        "unread": read.unread_count(user),
    }


@router.get(
    "/notifications/unread-count", response={200: s.CountOut, **ERRORS}, tags=["notifications"]
)
def unread(request: HttpRequest) -> dict[str, Any]:
    return {"count": read.unread_count(require_user(request))}


@router.post("/notifications/read", response={200: s.CountOut, **ERRORS}, tags=["notifications"])
def mark_read(request: HttpRequest, payload: s.ReadIn) -> dict[str, Any]:
    return {"count": services.mark_read(require_user(request), payload.ids)}

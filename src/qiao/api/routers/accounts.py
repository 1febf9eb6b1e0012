"""Accounts over JSON: sign-up and sign-in, my profile and account, other members'
profiles, follows (and requests) and blocks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login as django_login
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from qiao.accounts import access, services
from qiao.api import schemas as s
from qiao.api.auth import bearer_token, current_user, require_csrf, require_user
from qiao.api.errors import ERRORS
from qiao.core.errors import Invalid
from qiao.notes import read as notes_read
from qiao.social import access as social_access
from qiao.social import read as social_read

router = Router(tags=["accounts"])


# --- signing in -------------------------------------------------------------------------


@router.post("/auth/signup", response={201: s.TokenOut, **ERRORS}, tags=["auth"])
def signup(request: HttpRequest, payload: s.SignUpIn) -> Status[dict[str, Any]]:
    user = services.sign_up(**payload.dict())
    return Status(201, {"token": services.issue_token(user, "signup"), "user": s.MeOut.me(user)})


@router.post("/auth/login", response={200: s.TokenOut, **ERRORS}, tags=["auth"])
def login(request: HttpRequest, payload: s.LoginIn) -> dict[str, Any]:
    user = services.sign_in(login=payload.login, password=payload.password)
    return {"token": services.issue_token(user, "login"), "user": s.MeOut.me(user)}


@router.post("/auth/session", response={200: s.MeOut, **ERRORS}, tags=["auth"])
def session_login(request: HttpRequest, payload: s.LoginIn) -> dict[str, Any]:
    """Sign in with a cookie session (for browser clients; send the CSRF token, as for every
    session write, so another site cannot sign a browser into an account of its choosing)."""
    require_csrf(request)
    user = services.sign_in(login=payload.login, password=payload.password)
    django_login(request, user, backend="qiao.accounts.backends.ThrottledModelBackend")
    return s.MeOut.me(user)


@router.post("/auth/logout", response={200: s.OkOut, **ERRORS}, tags=["auth"])
def logout(request: HttpRequest) -> dict[str, Any]:
    """Revoke the bearer token used for this request."""
    require_user(request)
    services.revoke_token(bearer_token(request))
    return {"ok": True}


# --- me ---------------------------------------------------------------------------------


@router.get("/me", response={200: s.MeOut, **ERRORS}, tags=["me"])
def me(request: HttpRequest) -> dict[str, Any]:
    return s.MeOut.me(require_user(request))


@router.patch("/me", response={200: s.MeOut, **ERRORS}, tags=["me"])
def update_me(request: HttpRequest, payload: s.ProfileIn) -> dict[str, Any]:
    user = require_user(request)
    return s.MeOut.me(services.update_profile(user, **payload.dict(exclude_unset=True)))


@router.post("/me/avatar", response={200: s.MeOut, **ERRORS}, tags=["me"])
def upload_avatar(request: HttpRequest, image: File[UploadedFile]) -> dict[str, Any]:
    user = require_user(request)
    return s.MeOut.me(services.set_avatar(user, image))


@router.post("/me/delete", response={200: s.OkOut, **ERRORS}, tags=["me"])
def delete_me(request: HttpRequest, payload: s.DeleteAccountIn) -> dict[str, Any]:
    """Delete the account and everything in it (notes, photos, comments, likes, events)."""
    user = require_user(request)
    if not user.check_password(payload.password):
        raise Invalid(_("Wrong password."), fields={"password": [_("Wrong password.")]})
    services.delete_account(user)
    return {"ok": True}


@router.get("/me/drafts", response={200: s.NotePage, **ERRORS}, tags=["me"])
def my_drafts(
    request: HttpRequest, cursor: str | None = None, limit: s.Limit = 20
) -> dict[str, Any]:
    user = require_user(request)
    rows, nxt = notes_read.list_notes(user, drafts=True, cursor=cursor, limit=limit)
    return {
        "items": [s.NoteOut.of(v) for v in social_read.note_views(rows, user)],
        "next_cursor": nxt,
    }


@router.get("/me/boards", response={200: list[s.BoardOut], **ERRORS}, tags=["me"])
def my_boards(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_user(request)
    boards = list(social_access.visible_boards(user, user))
    return [s.BoardOut.of(v) for v in social_read.board_views(user, boards)]


@router.get("/me/follow-requests", response={200: list[s.UserBrief], **ERRORS}, tags=["me"])
def my_follow_requests(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_user(request)
    return [s.UserBrief.of(f.follower) for f in access.follow_requests(user)]


@router.post(
    "/me/follow-requests/{username}/approve", response={200: s.OkOut, **ERRORS}, tags=["me"]
)
def approve_request(request: HttpRequest, username: str) -> dict[str, Any]:
    user = require_user(request)
    services.respond_to_request(user, access.get_user(username, user), approve=True)
    return {"ok": True}


@router.post(
    "/me/follow-requests/{username}/reject", response={200: s.OkOut, **ERRORS}, tags=["me"]
)
def reject_request(request: HttpRequest, username: str) -> dict[str, Any]:
    user = require_user(request)
    services.respond_to_request(user, access.get_user(username, user), approve=False)
    return {"ok": True}


@router.get("/me/blocks", response={200: list[s.UserBrief], **ERRORS}, tags=["me"])
def my_blocks(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_user(request)
    return [s.UserBrief.of(u) for u in access.blocked_users(user)]


# --- members ----------------------------------------------------------------------------


@router.get("/users/{username}", response={200: s.ProfileOut, **ERRORS}, tags=["users"])
def user_profile(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = current_user(request)
    return s.ProfileOut.for_viewer(access.get_user(username, viewer), viewer)


@router.get("/users/{username}/notes", response={200: s.NotePage, **ERRORS}, tags=["users"])
def user_notes(
    request: HttpRequest, username: str, cursor: str | None = None, limit: s.Limit = 20
) -> dict[str, Any]:
    viewer = current_user(request)
    owner = access.get_user(username, viewer)
    rows, nxt = notes_read.list_notes(viewer, author=owner, cursor=cursor, limit=limit)
    return {
        "items": [s.NoteOut.of(v) for v in social_read.note_views(rows, viewer)],
        "next_cursor": nxt,
    }


@router.get("/users/{username}/boards", response={200: list[s.BoardOut], **ERRORS}, tags=["users"])
def user_boards(request: HttpRequest, username: str) -> list[dict[str, Any]]:
    viewer = current_user(request)
    owner = access.get_user(username, viewer)
    boards = list(social_access.visible_boards(viewer, owner))
    return [s.BoardOut.of(v) for v in social_read.board_views(viewer, boards)]


@router.post("/users/{username}/follow", response={200: s.FollowOut, **ERRORS}, tags=["users"])
def follow_user(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = require_user(request)
    return {"state": services.follow(viewer, access.get_user(username, viewer))}


@router.delete("/users/{username}/follow", response={200: s.FollowOut, **ERRORS}, tags=["users"])
def unfollow_user(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = require_user(request)
    services.unfollow(viewer, access.get_user(username, viewer))
    return {"state": "none"}


@router.post("/users/{username}/block", response={200: s.OkOut, **ERRORS}, tags=["users"])
def block_user(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = require_user(request)
    services.block(viewer, access.get_user(username))
    return {"ok": True}


@router.delete("/users/{username}/block", response={200: s.OkOut, **ERRORS}, tags=["users"])
def unblock_user(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = require_user(request)
    services.unblock(viewer, access.get_user(username))
    return {"ok": True}

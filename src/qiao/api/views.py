"""The JSON API at /api/v1: thin handlers that parse, call one service, serialise."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login as django_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Router, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from qiao.accounts import services as accounts
from qiao.accounts.models import ApiToken
from qiao.api import schemas as s
from qiao.api.auth import current_user, require_user
from qiao.api.serialize import (
    board_out,
    comments_out,
    me_out,
    notes_out,
    notification_out,
    profile_out,
)
from qiao.core.errors import Invalid, RateLimited, ServiceError, TooLarge
from qiao.core.ratelimit import check_rate, client_ip
from qiao.events.services import EventIn as EventRow
from qiao.events.services import log_events
from qiao.notes import services as notes
from qiao.notes.models import MAX_IMAGES, Note
from qiao.social import services as social

api = NinjaAPI(
    title="Qiao API",
    version="1",
    description=(
        "Notes, comments, likes, boards, follows and notifications. Authenticate with "
        "`Authorization: Bearer <token>` (from `POST /auth/login`) or the web session. "
        "Errors always look like `{\"error\": {\"code\", \"message\", \"fields\"}}`; lists are "
        "paginated with an opaque `cursor` (pass `next_cursor` back)."
    ),
    urls_namespace="api",
)

ERRORS: dict[int | tuple[int, ...], Any] = {
    (400, 401, 403, 404, 409, 413, 429): s.ErrorOut,
}


def _error(request: HttpRequest, status: int, code: str, message: str,
           fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    response = _error(request, exc.status, exc.code, exc.message, exc.fields)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "form",
                                                              "payload", "file")]
        fields.setdefault(".".join(loc) or "request", []).append(str(err.get("msg", "invalid")))
    return _error(request, 400, "invalid", _("The request is malformed."), fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "invalid", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed"}.get(exc.status_code, "error")
    return _error(request, exc.status_code, code, str(exc))


def _write(request: HttpRequest) -> Any:
    user = require_user(request)
    check_rate("write", f"u{user.pk}")
    check_rate("write", f"ip{client_ip(request)}")
    return user


# --- auth and me ------------------------------------------------------------------------
auth_router = Router(tags=["auth"])


@auth_router.post("/signup", response={201: s.TokenOut, **ERRORS})
def signup(request: HttpRequest, payload: s.SignUpIn) -> Status[dict[str, Any]]:
    check_rate("signup", client_ip(request))
    user = accounts.sign_up(**payload.dict())
    return Status(201, {"token": accounts.issue_token(user, "signup"), "user": me_out(user)})


@auth_router.post("/login", response={200: s.TokenOut, **ERRORS})
def login(request: HttpRequest, payload: s.LoginIn) -> dict[str, Any]:
    check_rate("login", client_ip(request))
    check_rate("login", f"name:{payload.login.lower()}")
    user = accounts.sign_in(login=payload.login, password=payload.password)
    return {"token": accounts.issue_token(user, "login"), "user": me_out(user)}


@auth_router.post("/session", response={200: s.MeOut, **ERRORS})
def session_login(request: HttpRequest, payload: s.LoginIn) -> dict[str, Any]:
    """Sign in with a cookie session (for browser clients)."""
    check_rate("login", client_ip(request))
    user = accounts.sign_in(login=payload.login, password=payload.password)
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return me_out(user)


@auth_router.post("/logout", response={200: s.OkOut, **ERRORS})
def logout(request: HttpRequest) -> dict[str, Any]:
    """Revoke the bearer token used for this request."""
    require_user(request)
    raw = request.headers.get("Authorization", "").partition(" ")[2].strip()
    if raw:
        ApiToken.objects.filter(key_hash=ApiToken.hash_key(raw)).delete()
    return {"ok": True}


me_router = Router(tags=["me"])


@me_router.get("", response={200: s.MeOut, **ERRORS})
def me(request: HttpRequest) -> dict[str, Any]:
    return me_out(require_user(request))


@me_router.patch("", response={200: s.MeOut, **ERRORS})
def update_me(request: HttpRequest, payload: s.ProfileIn) -> dict[str, Any]:
    user = _write(request)
    changes = payload.dict(exclude_unset=True)
    return me_out(accounts.update_profile(user, **changes))


@me_router.post("/avatar", response={200: s.MeOut, **ERRORS})
def upload_avatar(request: HttpRequest, image: File[UploadedFile]) -> dict[str, Any]:
    user = _write(request)
    return me_out(accounts.set_avatar(user, _read_upload(image)))


@me_router.post("/delete", response={200: s.OkOut, **ERRORS})
def delete_me(request: HttpRequest, payload: s.DeleteAccountIn) -> dict[str, Any]:
    """Delete the account and everything in it (notes, photos, comments, likes, events)."""
    user = require_user(request)
    if not user.check_password(payload.password):
        raise Invalid(_("Wrong password."), fields={"password": [_("Wrong password.")]})
    accounts.delete_account(user)
    return {"ok": True}


@me_router.get("/drafts", response={200: s.NotePage, **ERRORS})
def my_drafts(request: HttpRequest, cursor: str | None = None, limit: int = 20
              ) -> dict[str, Any]:
    user = require_user(request)
    rows, nxt = notes.list_notes(user, drafts=True, cursor=cursor, limit=limit)
    return {"items": notes_out(rows, user), "next_cursor": nxt}


@me_router.get("/boards", response={200: list[s.BoardOut], **ERRORS})
def my_boards(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_user(request)
    return [board_out(b) for b in social.boards_of(user, user).select_related("owner")]


@me_router.get("/follow-requests", response={200: list[s.UserBrief], **ERRORS})
def my_follow_requests(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_user(request)
    return [s.UserBrief.of(f.follower) for f in social.follow_requests(user)]


@me_router.post("/follow-requests/{username}/approve", response={200: s.OkOut, **ERRORS})
def approve_request(request: HttpRequest, username: str) -> dict[str, Any]:
    user = _write(request)
    social.respond_to_request(user, social.get_user(username), approve=True)
    return {"ok": True}


@me_router.post("/follow-requests/{username}/reject", response={200: s.OkOut, **ERRORS})
def reject_request(request: HttpRequest, username: str) -> dict[str, Any]:
    user = _write(request)
    social.respond_to_request(user, social.get_user(username), approve=False)
    return {"ok": True}


@me_router.get("/blocks", response={200: list[s.UserBrief], **ERRORS})
def my_blocks(request: HttpRequest) -> list[dict[str, Any]]:
    user = require_user(request)
    return [s.UserBrief.of(u) for u in social.blocked_users(user)]


# --- users ------------------------------------------------------------------------------
users_router = Router(tags=["users"])


@users_router.get("/{username}", response={200: s.ProfileOut, **ERRORS})
def user_profile(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = current_user(request)
    return profile_out(social.get_user(username, viewer), viewer)


@users_router.get("/{username}/notes", response={200: s.NotePage, **ERRORS})
def user_notes(request: HttpRequest, username: str, cursor: str | None = None,
               limit: int = 20) -> dict[str, Any]:
    viewer = current_user(request)
    owner = social.get_user(username, viewer)
    rows, nxt = notes.list_notes(viewer, author=owner, cursor=cursor, limit=limit)
    return {"items": notes_out(rows, viewer), "next_cursor": nxt}


@users_router.get("/{username}/boards", response={200: list[s.BoardOut], **ERRORS})
def user_boards(request: HttpRequest, username: str) -> list[dict[str, Any]]:
    viewer = current_user(request)
    owner = social.get_user(username, viewer)
    return [board_out(b) for b in social.boards_of(viewer, owner).select_related("owner")]


@users_router.post("/{username}/follow", response={200: s.FollowOut, **ERRORS})
def follow_user(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = _write(request)
    return {"state": social.follow(viewer, social.get_user(username, viewer))}


@users_router.delete("/{username}/follow", response={200: s.FollowOut, **ERRORS})
def unfollow_user(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = _write(request)
    social.unfollow(viewer, social.get_user(username, viewer))
    return {"state": "none"}


@users_router.post("/{username}/block", response={200: s.OkOut, **ERRORS})
def block_user(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = _write(request)
    social.block(viewer, social.get_user(username))
    return {"ok": True}


@users_router.delete("/{username}/block", response={200: s.OkOut, **ERRORS})
def unblock_user(request: HttpRequest, username: str) -> dict[str, Any]:
    viewer = _write(request)
    social.unblock(viewer, social.get_user(username))
    return {"ok": True}


# --- notes ------------------------------------------------------------------------------
notes_router = Router(tags=["notes"])


def _read_upload(upload: UploadedFile) -> bytes:
    from django.conf import settings

    if upload.size and upload.size > settings.QIAO_MAX_UPLOAD_BYTES:
        mb = settings.QIAO_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise TooLarge(_("Each photo must be at most %(mb)d MB.") % {"mb": mb},
                       fields={"images": [upload.name or "?"]})
    return upload.read()


@notes_router.get("", response={200: s.NotePage, **ERRORS})
def list_notes(request: HttpRequest, author: str | None = None, topic: str | None = None,
               cursor: str | None = None, limit: int = 20, lang: str | None = None
               ) -> dict[str, Any]:
    """Newest published notes the caller may see, optionally by author or topic. With `lang`
    (e.g. `en`), notes in other languages carry their stored translation."""
    viewer = current_user(request)
    owner = social.get_user(author, viewer) if author else None
    rows, nxt = notes.list_notes(viewer, author=owner, topic=topic, cursor=cursor, limit=limit)
    return {"items": notes_out(rows, viewer, lang=lang), "next_cursor": nxt}


@notes_router.post("", response={201: s.NoteOut, **ERRORS})
def create_note(
    request: HttpRequest,
    title: Form[str],
    images: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    body: Form[str] = "",
    topics: Form[str] = "",
    visibility: Form[str] = Note.Visibility.PUBLIC,
    status: Form[str] = Note.Status.PUBLISHED,
    alt_texts: Form[list[str]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """Create a note from multipart form data: 1–9 `images` (in order), `title`, `body`,
    comma-separated `topics`, `visibility` and `status` (`draft` to save a draft)."""
    user = _write(request)
    uploads = list(images or [])
    if len(uploads) > MAX_IMAGES:
        raise Invalid(_("At most %(n)d photos.") % {"n": MAX_IMAGES},
                      fields={"images": [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]})
    alts = list(alt_texts or [])
    inputs = [notes.ImageInput(data=_read_upload(u), filename=u.name or "",
                               alt_text=alts[i] if i < len(alts) else "")
              for i, u in enumerate(uploads)]
    note = notes.create_note(
        user, title=title, body=body, images=inputs,
        topics=[t for t in topics.split(",") if t.strip()],
        visibility=visibility, status=status,
    )
    return Status(201, notes_out([notes.get_note_for(user, note.pk)], user)[0])


@notes_router.get("/{int:note_id}", response={200: s.NoteOut, **ERRORS})
def get_note(request: HttpRequest, note_id: int, lang: str | None = None) -> dict[str, Any]:
    """One note. With `lang`, it carries a translation into that language (made now if
    needed; `translation` is null when no engine can translate)."""
    viewer = current_user(request)
    return notes_out([notes.get_note_for(viewer, note_id)], viewer, lang=lang,
                     translate_now=True)[0]


@notes_router.patch("/{int:note_id}", response={200: s.NoteOut, **ERRORS})
def update_note(request: HttpRequest, note_id: int, payload: s.NotePatch) -> dict[str, Any]:
    user = _write(request)
    note = notes.update_note(user, note_id, **payload.dict(exclude_unset=True))
    return notes_out([notes.get_note_for(user, note.pk)], user)[0]


@notes_router.post("/{int:note_id}/images", response={200: s.NoteOut, **ERRORS})
def add_images(request: HttpRequest, note_id: int, images: File[list[UploadedFile]]
               ) -> dict[str, Any]:
    user = _write(request)
    inputs = [notes.ImageInput(data=_read_upload(u), filename=u.name or "") for u in images]
    note = notes.update_note(user, note_id, new_images=inputs)
    return notes_out([notes.get_note_for(user, note.pk)], user)[0]


@notes_router.delete("/{int:note_id}", response={204: None, **ERRORS})
def delete_note(request: HttpRequest, note_id: int) -> Status[None]:
    user = _write(request)
    notes.delete_note(user, note_id)
    return Status(204, None)


@notes_router.post("/{int:note_id}/like", response={200: s.LikeOut, **ERRORS})
def like(request: HttpRequest, note_id: int) -> dict[str, Any]:
    user = _write(request)
    liked, count = social.like_note(user, note_id)
    return {"liked": liked, "like_count": count}


@notes_router.delete("/{int:note_id}/like", response={200: s.LikeOut, **ERRORS})
def unlike(request: HttpRequest, note_id: int) -> dict[str, Any]:
    user = _write(request)
    liked, count = social.unlike_note(user, note_id)
    return {"liked": liked, "like_count": count}


@notes_router.get("/{int:note_id}/comments", response={200: s.CommentPage, **ERRORS})
def comments(request: HttpRequest, note_id: int, parent_id: int | None = None,
             cursor: str | None = None, limit: int = 20) -> dict[str, Any]:
    viewer = current_user(request)
    rows, nxt = social.list_comments(viewer, note_id, parent_id=parent_id, cursor=cursor,
                                     limit=max(1, min(limit, 50)))
    return {"items": comments_out(rows, viewer), "next_cursor": nxt}


@notes_router.post("/{int:note_id}/comments", response={201: s.CommentOut, **ERRORS})
def comment(request: HttpRequest, note_id: int, payload: s.CommentIn
            ) -> Status[dict[str, Any]]:
    user = _write(request)
    row = social.add_comment(user, note_id, payload.body, parent_id=payload.parent_id)
    return Status(201, comments_out([row], user)[0])


comments_router = Router(tags=["comments"])


@comments_router.delete("/{int:comment_id}", response={204: None, **ERRORS})
def delete_comment(request: HttpRequest, comment_id: int) -> Status[None]:
    social.delete_comment(_write(request), comment_id)
    return Status(204, None)


@comments_router.post("/{int:comment_id}/like", response={200: s.CountOut, **ERRORS})
def like_comment(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    return {"count": social.like_comment(_write(request), comment_id)}


@comments_router.delete("/{int:comment_id}/like", response={200: s.CountOut, **ERRORS})
def unlike_comment(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    return {"count": social.unlike_comment(_write(request), comment_id)}


# --- boards -----------------------------------------------------------------------------
boards_router = Router(tags=["boards"])


@boards_router.post("", response={201: s.BoardOut, **ERRORS})
def create_board(request: HttpRequest, payload: s.BoardIn) -> Status[dict[str, Any]]:
    board = social.create_board(_write(request), **payload.dict())
    return Status(201, board_out(board))


@boards_router.get("/{int:board_id}", response={200: s.BoardOut, **ERRORS})
def get_board(request: HttpRequest, board_id: int) -> dict[str, Any]:
    return board_out(social.get_board_for(current_user(request), board_id))


@boards_router.patch("/{int:board_id}", response={200: s.BoardOut, **ERRORS})
def update_board(request: HttpRequest, board_id: int, payload: s.BoardPatch) -> dict[str, Any]:
    board = social.update_board(_write(request), board_id, **payload.dict(exclude_unset=True))
    return board_out(board)


@boards_router.delete("/{int:board_id}", response={204: None, **ERRORS})
def delete_board(request: HttpRequest, board_id: int) -> Status[None]:
    social.delete_board(_write(request), board_id)
    return Status(204, None)


@boards_router.get("/{int:board_id}/notes", response={200: s.NotePage, **ERRORS})
def board_notes(request: HttpRequest, board_id: int) -> dict[str, Any]:
    viewer = current_user(request)
    board = social.get_board_for(viewer, board_id)
    rows = list(social.board_notes(viewer, board).prefetch_related("topics")[:200])
    return {"items": notes_out(rows, viewer), "next_cursor": None}


@boards_router.post("/{int:board_id}/notes", response={200: s.OkOut, **ERRORS})
def collect(request: HttpRequest, board_id: int, payload: s.CollectIn) -> dict[str, Any]:
    social.collect(_write(request), payload.note_id, board_id)
    return {"ok": True}


@boards_router.delete("/{int:board_id}/notes/{int:note_id}", response={200: s.OkOut, **ERRORS})
def uncollect(request: HttpRequest, board_id: int, note_id: int) -> dict[str, Any]:
    social.uncollect(_write(request), note_id, board_id)
    return {"ok": True}


# --- notifications and events -----------------------------------------------------------
notifications_router = Router(tags=["notifications"])


@notifications_router.get("", response={200: s.NotificationPage, **ERRORS})
def notifications(request: HttpRequest, cursor: str | None = None, limit: int = 30
                  ) -> dict[str, Any]:
    user = require_user(request)
    rows, nxt = social.list_notifications(user, cursor=cursor, limit=max(1, min(limit, 100)))
    return {"items": [notification_out(n) for n in rows], "next_cursor": nxt,
            "unread": social.unread_count(user)}


@notifications_router.get("/unread-count", response={200: s.CountOut, **ERRORS})
def unread(request: HttpRequest) -> dict[str, Any]:
    return {"count": social.unread_count(require_user(request))}


@notifications_router.post("/read", response={200: s.CountOut, **ERRORS})
def mark_read(request: HttpRequest, payload: s.ReadIn) -> dict[str, Any]:
    return {"count": social.mark_read(_write(request), payload.ids)}


events_router = Router(tags=["events"])


@events_router.post("", response={202: s.CountOut, **ERRORS})
def post_events(request: HttpRequest, payload: s.EventsIn) -> Status[dict[str, Any]]:
    """Log impressions, opens, dwell time, shares and hides in one batch (≤ 200)."""
    user = require_user(request)
    check_rate("write", f"ev{user.pk}")
    note_ids = {e.note_id for e in payload.events if e.note_id}
    visible = set(notes.visible_notes(user).filter(pk__in=note_ids).values_list("pk", "author_id"))
    authors = dict(visible)
    rows = [EventRow(kind=e.kind, note_id=e.note_id, author_id=authors.get(e.note_id or 0),
                     value=e.value, surface=e.surface)
            for e in payload.events if e.note_id is None or e.note_id in authors]
    unknown = [e.kind for e in payload.events if e.kind not in
               {"impression", "open", "dwell", "share", "hide"}]
    if unknown:
        raise Invalid(_("Unknown or server-side event kinds: %(k)s")
                      % {"k": ", ".join(sorted(set(unknown)))})
    return Status(202, {"count": log_events(user.pk, rows)})


api.add_router("/auth", auth_router)
api.add_router("/me", me_router)
api.add_router("/users", users_router)
api.add_router("/notes", notes_router)
api.add_router("/comments", comments_router)
api.add_router("/boards", boards_router)
api.add_router("/notifications", notifications_router)
api.add_router("/events", events_router)

from qiao.api.translation import router as translation_router  # noqa: E402

api.add_router("", translation_router)

from qiao.names.api import router as names_router  # noqa: E402

api.add_router("", names_router)

from qiao.api.feed import router as feed_router  # noqa: E402

api.add_router("", feed_router)

from qiao.moderation.api import router as moderation_router  # noqa: E402

api.add_router("", moderation_router)

from qiao.creators.api import router as creators_router  # noqa: E402

api.add_router("", creators_router)

from qiao.api.search import router as search_router  # noqa: E402

api.add_router("", search_router)

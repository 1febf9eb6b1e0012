"""Direct messages and the live stream over JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from qiao.api import schemas as s
from qiao.api.auth import require_user
from qiao.api.errors import ERRORS
from qiao.api.live import sync_stream
from qiao.core.errors import Invalid
from qiao.messages import access, live, read, services
from qiao.social.read import unread_count
from qiao.translation.services import target_for

router = Router(tags=["messages"])


@router.get("/conversations", response={200: s.ConversationPage, **ERRORS})
def conversations(
    request: HttpRequest, box: str = "inbox", cursor: str | None = None, limit: s.Limit = 30
) -> dict[str, Any]:
    """The caller's conversations, most recently active first: `box=inbox` (accepted) or
    `box=requests` (message requests from people who do not follow each other with them)."""
    if box not in ("inbox", "requests"):
        raise Invalid(_("Unknown box."), fields={"box": [_("inbox or requests")]})
    rows, nxt = read.conversation_rows(require_user(request), box, cursor=cursor, limit=limit)
    return {"items": [s.ConversationOut.of(r) for r in rows], "next_cursor": nxt}


@router.post("/conversations", response={201: s.ConversationDetail, **ERRORS})
def start(request: HttpRequest, payload: s.ConversationIn) -> Status[dict[str, Any]]:
    """Open the one-to-one conversation with one person (the existing one if any), or a new
    group with 2–19 others. Limited per member (`QIAO_RATE_DM_NEW`)."""
    user = require_user(request)
    conv = services.start_conversation(user, payload.to, title=payload.title)
    return Status(201, s.ConversationDetail.of(read.conversation_view(user, conv.pk)))


@router.get("/conversations/{id:conversation_id}", response={200: s.ConversationDetail, **ERRORS})
def conversation(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    return s.ConversationDetail.of(read.conversation_view(require_user(request), conversation_id))


@router.patch("/conversations/{id:conversation_id}", response={200: s.OkOut, **ERRORS})
def change(
    request: HttpRequest, conversation_id: int, payload: s.ConversationPatch
) -> dict[str, Any]:
    """Mute or unmute; rename a group."""
    user = require_user(request)
    if payload.muted is not None:
        services.set_muted(user, conversation_id, payload.muted)
    if payload.title is not None:
        services.rename(user, conversation_id, payload.title)
    return {"ok": True}


@router.get("/conversations/{id:conversation_id}/messages", response={200: s.MessagePage, **ERRORS})
def messages(
    request: HttpRequest,
    conversation_id: int,
    before: str | None = None,
    after: s.Id | None = None,
    limit: s.Limit = 30,
) -> dict[str, Any]:
    """A page of messages, oldest first: the newest ones, those `before` a cursor, or
    those `after` a message id (what a live client fetches)."""
    user = require_user(request)
    if after is not None:
        return {
            "items": [
                s.MessageOut.of(v) for v in read.messages_after(user, conversation_id, after, limit)
            ]
        }
    view = read.conversation_view(user, conversation_id, before=before, limit=limit)
    return {"items": [s.MessageOut.of(v) for v in view.messages], "older_cursor": view.older_cursor}


@router.post("/conversations/{id:conversation_id}/messages", response={201: s.MessageOut, **ERRORS})
def send(
    request: HttpRequest, conversation_id: int, payload: s.MessageIn
) -> Status[dict[str, Any]]:
    """Send text (emoji welcome), share a note as a card (`note_id`: only a note the sender
    may see), optionally as a reply. Limited per member (`QIAO_RATE_DM_SEND`)."""
    user = require_user(request)
    message = services.send_message(
        user,
        conversation_id,
        body=payload.body,
        note_id=payload.note_id,
        reply_to_id=payload.reply_to_id,
    )
    return Status(201, s.MessageOut.of(read.sent_view(user, message)))


@router.post("/conversations/{id:conversation_id}/photos", response={201: s.MessageOut, **ERRORS})
def send_photos(
    request: HttpRequest,
    conversation_id: int,
    photos: File[list[UploadedFile]],
    body: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Send 1–4 photos (multipart `photos`), with optional text: the same checks as a
    note's photos; EXIF and location stripped; served only to the conversation's members."""
    user = require_user(request)
    message = services.send_message(
        user,
        conversation_id,
        body=body,
        photos=[services.PhotoIn(upload=f, filename=f.name or "") for f in photos],
    )
    return Status(201, s.MessageOut.of(read.sent_view(user, message)))


@router.post("/conversations/{id:conversation_id}/read", response={200: s.CountOut, **ERRORS})
def mark_read(request: HttpRequest, conversation_id: int, payload: s.ReadIn2) -> dict[str, Any]:
    """Read up to a message (default: all). Returns the read position."""
    return {"count": services.mark_read(require_user(request), conversation_id, payload.up_to)}


@router.post("/conversations/{id:conversation_id}/typing", response={204: None, **ERRORS})
def typing(request: HttpRequest, conversation_id: int) -> Status[None]:
    """ "Typing…" for the others, now (send at most every few seconds while typing)."""
    services.typing(require_user(request), conversation_id)
    return Status(204, None)


@router.post("/conversations/{id:conversation_id}/accept", response={200: s.OkOut, **ERRORS})
def accept(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    services.accept_request(require_user(request), conversation_id)
    return {"ok": True}


@router.post("/conversations/{id:conversation_id}/decline", response={204: None, **ERRORS})
def decline(request: HttpRequest, conversation_id: int) -> Status[None]:
    """Delete a message request (the sender is not told)."""
    services.decline_request(require_user(request), conversation_id)
    return Status(204, None)


@router.post("/conversations/{id:conversation_id}/leave", response={204: None, **ERRORS})
def leave(request: HttpRequest, conversation_id: int) -> Status[None]:
    """Leave a group; for a one-to-one conversation, delete it from your lists."""
    services.leave(require_user(request), conversation_id)
    return Status(204, None)


@router.post("/conversations/{id:conversation_id}/clear", response={204: None, **ERRORS})
def clear(request: HttpRequest, conversation_id: int) -> Status[None]:
    """Delete the chat for yourself (the others keep it)."""
    services.clear_conversation(require_user(request), conversation_id)
    return Status(204, None)


@router.post("/conversations/{id:conversation_id}/block", response={204: None, **ERRORS})
def block(request: HttpRequest, conversation_id: int) -> Status[None]:
    """Block the other person of a one-to-one conversation (it disappears for both)."""
    services.block_from_conversation(require_user(request), conversation_id)
    return Status(204, None)


@router.post("/conversations/{id:conversation_id}/members", response={200: s.OkOut, **ERRORS})
def add_members(request: HttpRequest, conversation_id: int, payload: s.PeopleIn) -> dict[str, Any]:
    services.add_members(require_user(request), conversation_id, payload.usernames)
    return {"ok": True}


@router.delete(
    "/conversations/{id:conversation_id}/members/{username}", response={204: None, **ERRORS}
)
def remove_member(request: HttpRequest, conversation_id: int, username: str) -> Status[None]:
    """An admin removes someone from a group."""
    services.remove_member(require_user(request), conversation_id, username)
    return Status(204, None)


@router.get("/conversations/{id:conversation_id}/search", response={200: s.MessagePage, **ERRORS})
def search(request: HttpRequest, conversation_id: int, q: str) -> dict[str, Any]:
    """Messages of the conversation containing `q`, newest first."""
    return {
        "items": [
            s.MessageOut.of(v) for v in read.search(require_user(request), conversation_id, q)
        ]
    }


@router.post("/conversations/{id:conversation_id}/report", response={201: s.OkOut, **ERRORS})
def report_conversation(
    request: HttpRequest, conversation_id: int, payload: s.MessageReportIn
) -> Status[dict[str, Any]]:
    services.report(
        require_user(request),
        conversation_id=conversation_id,
        reason=payload.reason,
        details=payload.details,
    )
    return Status(201, {"ok": True})


@router.get("/messages/{id:message_id}/translation", response={200: s.TextOut, **ERRORS})
def translation(
    request: HttpRequest, message_id: int, lang: s.Language | None = None
) -> dict[str, Any]:
    """The message in the caller's language (or `lang`)."""
    user = require_user(request)
    return read.message_for_reader(user, message_id, target_for(user, lang))


@router.get("/messages/{id:message_id}/rendered", response={200: list[s.TextOut], **ERRORS})
def rendered(request: HttpRequest, message_id: int) -> list[dict[str, Any]]:
    """For the sender: how the message reads for the others, in each language they read."""
    return read.rendered_for_others(require_user(request), message_id)


@router.post("/messages/{id:message_id}/unsend", response={200: s.MessageOut, **ERRORS})
def unsend(request: HttpRequest, message_id: int) -> dict[str, Any]:
    """Unsend for everyone (within `QIAO_DM_UNSEND_SECONDS` of sending)."""
    user = require_user(request)
    services.unsend(user, message_id)
    return s.MessageOut.of(read.message_view(user, message_id))


@router.delete("/messages/{id:message_id}", response={204: None, **ERRORS})
def delete_for_me(request: HttpRequest, message_id: int) -> Status[None]:
    """Delete a message for yourself (the others keep it)."""
    services.delete_for_me(require_user(request), message_id)
    return Status(204, None)


@router.post("/messages/{id:message_id}/report", response={201: s.OkOut, **ERRORS})
def report_message(
    request: HttpRequest, message_id: int, payload: s.MessageReportIn
) -> Status[dict[str, Any]]:
    """Report a message to the moderators (they see it with the messages around it)."""
    services.report(
        require_user(request), message_id=message_id, reason=payload.reason, details=payload.details
    )
    return Status(201, {"ok": True})


@router.get("/messaging/settings", response={200: s.MessagingSettingsOut, **ERRORS})
def settings_get(request: HttpRequest) -> dict[str, Any]:
    return {"read_receipts": read.receipts_on(require_user(request).pk)}


@router.put("/messaging/settings", response={200: s.MessagingSettingsOut, **ERRORS})
def settings_put(request: HttpRequest, payload: s.ReceiptsIn) -> dict[str, Any]:
    """Read receipts on or off (off: the others never see "Seen" from you, and you do not
    see theirs)."""
    user = require_user(request)
    services.set_read_receipts(user, payload.read_receipts)
    return {"read_receipts": payload.read_receipts}


@router.get("/messaging/unread", response={200: s.UnreadOut, **ERRORS})
def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's badges."""
    user = require_user(request)
    return {**access.unread_totals(user), "notifications": unread_count(user)}


# --- live -------------------------------------------------------------------------------


@router.get("/live/stream", tags=["live"], response={200: None, **ERRORS})
def stream(request: HttpRequest, after: int | None = None) -> StreamingHttpResponse:
    """Server-sent events (`text/event-stream`) for the caller: `message`,
    `message.changed`, `read`, `read.self`, `typing` (no id: not stored), `conversation`,
    `counts`, `notifications`, and `reset` (resume impossible: reload). Each stored event has
    an `id`; reconnecting with `Last-Event-ID` (or `?after=`) resumes with nothing lost or
    repeated. A `hello` event arrives first: a client that does not get it soon is behind a
    buffering proxy and should poll `GET /live/events`."""
    return sync_stream(request, require_user(request))


@router.get("/live/events", tags=["live"], response={200: s.LiveEventsOut, **ERRORS})
def events(request: HttpRequest, after: int | None = None) -> dict[str, Any]:
    """The stream's stored events after `after`, for clients that cannot stream (at most
    200 at a time: call again with `last`). Without `after`: none, and where the log ends."""
    user = require_user(request)
    if after is None or after < 0:
        return {"events": [], "last": live.head(user.pk), "reset": False}
    rows, complete = live.events_after(user.pk, after)
    if not complete:
        return {"events": [], "last": live.head(user.pk), "reset": True}
    return {
        "events": [{"id": e["id"], "type": e["t"], "data": e["d"]} for e in rows],
        "last": rows[-1]["id"] if rows else after,
        "reset": False,
    }

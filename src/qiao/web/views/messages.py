"""Direct messages: the conversation list (chats and requests), a conversation with its
composer, and the small fragments the live client (static/qiao/messages.js) asks for."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.files.storage import storages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.core.errors import Invalid, NotFound, Unavailable
from qiao.messages import access, read, services
from qiao.moderation.models import Report
from qiao.notes import access as notes_access
from qiao.translation import read as tr_read
from qiao.translation.services import is_ready_safely, target_for
from qiao.web.views._base import int_param, is_htmx, member, members_only, page, safe_next


def _position(raw: str | None) -> int | None:
    """A message id the client has seen (0: none yet); None when absent or malformed."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _conversation_url(conversation_id: int) -> str:
    return reverse("web:conversation", args=[conversation_id])


@require_GET
@members_only
def inbox(request: HttpRequest) -> HttpResponse:
    user = member(request)
    box = "requests" if request.GET.get("box") == "requests" else "inbox"
    rows, nxt = read.conversation_rows(user, box, cursor=request.GET.get("cursor") or None)
    totals = access.unread_totals(user)
    template = (
        "web/messages/_rows.html"
        if is_htmx(request) and request.GET.get("fragment")
        else "web/messages/inbox.html"
    )
    return page(
        request,
        template,
        {
            "rows": rows,
            "box": box,
            "next_cursor": nxt,
            "totals": totals,
            "receipts": read.receipts_on(user.pk),
            "requests_waiting": access.memberships(user, "requests").count(),
        },
    )


@require_http_methods(["GET", "POST"])
@members_only
def new(request: HttpRequest) -> HttpResponse:
    """Start a conversation: one username for a one-to-one chat, several for a group."""
    user = member(request)
    to = request.POST.get("to", "") if request.method == "POST" else request.GET.get("to", "")
    title = request.POST.get("title", "")
    error = ""
    if request.method == "POST":
        names = [n for n in to.replace("，", ",").replace(" ", ",").split(",") if n.strip()]
        try:
            conv = services.start_conversation(user, names, title=title)
        except (Invalid, NotFound) as exc:
            error = exc.message
        else:
            return redirect(_conversation_url(conv.pk))
    return page(
        request,
        "web/messages/new.html",
        {"to": to, "title": title, "error": error},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@members_only
def share(request: HttpRequest) -> HttpResponse:
    """Send a note to someone as a card: pick a recent conversation or a username."""
    user = member(request)
    note_id = int_param(request, "note")
    if note_id is None:
        raise NotFound(_("Note not found."))
    note = notes_access.get_note_for(user, note_id)
    error = ""
    if request.method == "POST":
        try:
            conversation_id = int_param(request, "conversation")
            if conversation_id is None:
                names = [n for n in request.POST.get("to", "").replace(",", " ").split() if n]
                conversation_id = services.start_conversation(user, names).pk
            services.send_message(
                user, conversation_id, note_id=note.pk, body=request.POST.get("body", "")
            )
        except (Invalid, NotFound) as exc:
            error = exc.message
        else:
            flash.success(request, _("Sent."))
            return redirect(_conversation_url(conversation_id))
    rows, _next = read.conversation_rows(user, "inbox", limit=12)
    return page(
        request,
        "web/messages/share.html",
        {"note": note, "rows": rows, "error": error},
        status=400 if error else 200,
    )


def _conversation_context(request: HttpRequest, view: read.ConversationView) -> dict[str, Any]:
    return {"c": view, "translation_ready": is_ready_safely()}


@require_GET
@members_only
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The conversation page, or (htmx, `?before=`) a page of older messages."""
    user = member(request)
    before = request.GET.get("before") or None
    view = read.conversation_view(user, conversation_id, before=before)
    if before and is_htmx(request):
        return page(request, "web/messages/_older.html", {"c": view})
    if not view.is_request:
        services.mark_read(user, conversation_id)
    return page(request, "web/messages/conversation.html", _conversation_context(request, view))


@require_GET
@members_only
def after(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Messages newer than `?after=` (the live client appends them)."""
    user = member(request)
    views = read.messages_after(user, conversation_id, _position(request.GET.get("after")) or 0)
    return page(request, "web/messages/_messages.html", {"messages": views})


@require_GET
@members_only
def one(request: HttpRequest, message_id: int) -> HttpResponse:
    """One message as it stands now (after an unsend or a removal, live)."""
    return page(
        request,
        "web/messages/_messages.html",
        {"messages": [read.message_view(member(request), message_id)]},
    )


@require_POST
@members_only
def send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    user = member(request)
    photos = [
        services.PhotoIn(upload=f, filename=f.name or "") for f in request.FILES.getlist("photos")
    ]
    try:
        message = services.send_message(
            user,
            conversation_id,
            body=request.POST.get("body", ""),
            photos=photos,
            reply_to_id=int_param(request, "reply_to"),
        )
    except Invalid as exc:
        if not is_htmx(request):
            flash.error(request, exc.message)
            return redirect(_conversation_url(conversation_id))
        return page(request, "web/messages/_send_error.html", {"message": exc.message}, status=200)
    if not is_htmx(request):
        return redirect(_conversation_url(conversation_id))
    after_id = _position(request.POST.get("after"))
    views = (
        read.messages_after(user, conversation_id, after_id)
        if after_id is not None
        else [read.message_view(user, message.pk)]
    )
    return page(request, "web/messages/_messages.html", {"messages": views})


@require_POST
@members_only
def mark_read(request: HttpRequest, conversation_id: int) -> HttpResponse:
    services.mark_read(member(request), conversation_id, int_param(request, "up_to"))
    return HttpResponse(status=204)


@require_POST
@members_only
def typing(request: HttpRequest, conversation_id: int) -> HttpResponse:
    services.typing(member(request), conversation_id)
    return HttpResponse(status=204)


_ACTIONS = {
    "accept",
    "decline",
    "mute",
    "unmute",
    "leave",
    "clear",
    "block",
    "rename",
    "add",
    "remove",
}


@require_POST
@members_only
def act(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One button of the conversation's menu."""
    user = member(request)
    action = request.POST.get("action", "")
    if action not in _ACTIONS:
        raise Invalid(_("Unknown action."))
    done: HttpResponse = redirect(_conversation_url(conversation_id))
    if action == "accept":
        services.accept_request(user, conversation_id)
    elif action == "decline":
        services.decline_request(user, conversation_id)
        done = redirect(f"{reverse('web:messages')}?box=requests")
    elif action in ("mute", "unmute"):
        services.set_muted(user, conversation_id, action == "mute")
    elif action in ("leave", "clear"):
        (services.leave if action == "leave" else services.clear_conversation)(
            user, conversation_id
        )
        done = redirect("web:messages")
    elif action == "block":
        other = services.block_from_conversation(user, conversation_id)
        flash.success(request, _("You blocked %(name)s.") % {"name": other.name})
        done = redirect("web:messages")
    elif action == "rename":
        services.rename(user, conversation_id, request.POST.get("title", ""))
    elif action == "add":
        names = request.POST.get("usernames", "").replace(",", " ").split()
        services.add_members(user, conversation_id, names)
    elif action == "remove":
        services.remove_member(user, conversation_id, request.POST.get("username", ""))
    return done


@require_POST
@members_only
def message_act(request: HttpRequest, message_id: int) -> HttpResponse:
    """Unsend (everyone) or delete for me; htmx swaps the message."""
    user = member(request)
    message, _m = access.get_message_for(user, message_id)
    if request.POST.get("action") == "unsend":
        services.unsend(user, message_id)
        if is_htmx(request):
            return page(
                request,
                "web/messages/_messages.html",
                {"messages": [read.message_view(user, message_id)]},
            )
    else:
        services.delete_for_me(user, message_id)
        if is_htmx(request):
            return HttpResponse("")
    return redirect(_conversation_url(message.conversation_id))


@require_GET
@members_only
def translation(request: HttpRequest, message_id: int) -> HttpResponse:
    """The message's text block with the translation first and "Show original"."""
    user = member(request)
    view = read.message_view(user, message_id)
    try:
        result: dict[str, Any] | None = read.message_for_reader(user, message_id, target_for(user))
    except (Invalid, Unavailable):
        result = None
    m = view.message
    return page(
        request,
        "web/tr/_text.html",
        {
            "block_id": view.block_id,
            "css": "bubble-text",
            "original": m.body,
            "orig_lang": m.language,
            "lookup_lang": view.lookup_lang,
            "translated": result["text"] if result else "",
            "target": result["target"] if result else "",
            "tr_label": tr_read.translated_label(result["source"], result["target"])
            if result
            else "",
            "offer_translation": True,
            "tr_url": reverse("web:message_translation", args=[m.pk]),
            "tr_unavailable": result is None,
        },
    )


@require_GET
@members_only
def rendered(request: HttpRequest, message_id: int) -> HttpResponse:
    """For the sender: how their message reads for the others."""
    user = member(request)
    try:
        versions: list[dict[str, Any]] = read.rendered_for_others(user, message_id)
        unavailable = False
    except (Invalid, Unavailable):
        versions, unavailable = [], True
    for v in versions:
        v["label"] = _("Shown to them in %(lang)s") % {
            "lang": tr_read.language_in_text(v["target"])
        }
    return page(
        request,
        "web/messages/_rendered.html",
        {
            "versions": versions,
            "unavailable": unavailable or not versions,
            "ready": is_ready_safely(),
        },
    )


@require_GET
@members_only
def search(request: HttpRequest, conversation_id: int) -> HttpResponse:
    user = member(request)
    q = request.GET.get("q", "")
    view = read.conversation_view(user, conversation_id, limit=1)
    try:
        results = read.search(user, conversation_id, q)
        error = ""
    except Invalid as exc:
        results, error = [], exc.message
    return page(
        request, "web/messages/search.html", {"c": view, "q": q, "results": results, "error": error}
    )


@require_GET
@members_only
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A message's photo, to the conversation's members only (never a public URL)."""
    found = access.get_photo_for(member(request), photo_id)
    width = request.GET.get("w", "")
    path = found.original
    formats = (found.variants or {}).get(width) if width else None
    if formats:
        accepts_webp = "image/webp" in request.headers.get("Accept", "")
        path = formats.get("webp" if accepts_webp else "jpeg") or formats.get("jpeg") or path
    store = storages["private"]
    response: HttpResponse
    if not hasattr(store, "path"):  # S3: a signed URL that expires in minutes
        response = HttpResponseRedirect(store.url(path))
    else:  # a chat photo is at most a few hundred kB once re-encoded
        with store.open(path, "rb") as fh:
            response = HttpResponse(
                fh.read(), content_type="image/webp" if path.endswith(".webp") else "image/jpeg"
            )
        response["Vary"] = "Accept"
    patch_cache_control(response, private=True, max_age=300)
    return response


@require_http_methods(["GET", "POST"])
@members_only
def report(request: HttpRequest) -> HttpResponse:
    """Report a message or a conversation; the moderators see what was around it."""
    user = member(request)
    message_id = int_param(request, "message")
    conversation_id = int_param(request, "conversation")
    if message_id is not None:
        message, _m = access.get_message_for(user, message_id)
        back = _conversation_url(message.conversation_id)
        kind = Report.Kind.MESSAGE
    elif conversation_id is not None:
        access.membership(user, conversation_id)
        back = _conversation_url(conversation_id)
        kind = Report.Kind.CONVERSATION
    else:
        raise NotFound(_("Nothing to report."))
    context: dict[str, Any] = {
        "kind": kind,
        "done": False,
        "reasons": Report.Reason.choices,
        "next": safe_next(request, back),
        "action": request.get_full_path(),
    }
    if request.method == "POST":
        try:
            services.report(
                user,
                message_id=message_id,
                conversation_id=conversation_id,
                reason=request.POST.get("reason", ""),
                details=request.POST.get("details", ""),
            )
        except Invalid as exc:
            context.update(error=exc.message)
            return page(request, "web/messages/report.html", context, status=400)
        context["done"] = True
    return page(request, "web/messages/report.html", context)


@require_POST
@members_only
def settings(request: HttpRequest) -> HttpResponse:
    services.set_read_receipts(member(request), request.POST.get("read_receipts") == "on")
    flash.success(request, _("Saved."))
    return redirect("web:messages")

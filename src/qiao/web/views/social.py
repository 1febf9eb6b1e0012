"""Likes, collecting into boards, comments, boards and notifications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.accounts import access as accounts_access
from qiao.core.errors import Invalid
from qiao.notes import access as notes_access
from qiao.social import access, read, services
from qiao.social.models import Board
from qiao.web.views._base import (
    int_param,
    is_htmx,
    member,
    members_only,
    page,
    pages,
    safe_next,
    to_login,
    viewer,
)

# --- likes and collects -----------------------------------------------------------------


@require_POST
@members_only
def note_like(request: HttpRequest, note_id: int) -> HttpResponse:
    user = member(request)
    if request.POST.get("action") == "unlike":
        liked, count = services.unlike_note(user, note_id)
    else:
        liked, count = services.like_note(user, note_id)
    if not is_htmx(request):
        return redirect(safe_next(request, reverse("web:note", args=[note_id])))
    return page(
        request,
        "web/note/_like.html",
        {
            "note_id": note_id,
            "liked": liked,
            "count": count,
            "size": request.POST.get("size", "big"),
        },
    )


@require_POST
@members_only
def note_hide(request: HttpRequest, note_id: int) -> HttpResponse:
    """ "Not interested": logged for the recommender, which then never shows the note."""
    services.hide_note(member(request), note_id)
    if not is_htmx(request):
        return redirect(reverse("web:home"))
    return page(request, "web/note/_hidden.html", {})


@require_http_methods(["GET", "POST"])
@members_only
def note_collect(request: HttpRequest, note_id: int) -> HttpResponse:
    user = member(request)
    error = ""
    collected_to: Board | None = None
    if request.method == "POST":
        try:
            name = request.POST.get("new_board", "").strip()
            if name:
                collected_to = services.collect_into_new_board(user, note_id, name=name)
            else:
                board_id = int_param(request, "board")
                if board_id is None:
                    raise Invalid(_("Choose a board."))
                services.collect(user, note_id, board_id)
                collected_to = access.own_board(user, board_id)
        except Invalid as exc:
            error = exc.message
        if collected_to is not None and not is_htmx(request):
            return redirect("web:board", board_id=collected_to.pk)
    else:
        notes_access.get_note_for(user, note_id)
    return page(
        request,
        "web/note/_collect.html",
        {
            "note_id": note_id,
            "boards": access.visible_boards(user, user),
            "error": error,
            "collected_to": collected_to,
            "collect_count": (
                notes_access.get_note_for(user, note_id).collect_count if collected_to else 0
            ),
        },
    )


# --- comments ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@pages
def note_comments(request: HttpRequest, note_id: int) -> HttpResponse:
    """GET: a page of comments (or of one comment's replies). POST: add a comment."""
    reader = viewer(request)
    if request.method == "POST":
        if reader is None:
            return to_login(request)
        try:
            comment = services.add_comment(
                reader,
                note_id,
                request.POST.get("body", ""),
                parent_id=int_param(request, "parent"),
            )
        except Invalid as exc:
            return page(request, "web/note/_comment_error.html", {"message": exc.message})
        if not is_htmx(request):
            return redirect(reverse("web:note", args=[note_id]) + "#comments")
        note = notes_access.get_note_for(reader, note_id)  # with its new comment count
        return page(
            request,
            "web/note/_comment.html",
            {
                "c": read.comment_rows([comment], reader, note.author_id)[0],
                "note_id": note_id,
                "fresh": True,
                "viewer": reader,
                "comment_count": note.comment_count,
            },
        )
    parent = int_param(request, "parent")
    note = notes_access.get_note_for(reader, note_id)
    rows, nxt = read.list_comments(
        reader, note_id, parent_id=parent, cursor=request.GET.get("cursor") or None, limit=20
    )
    return page(
        request,
        "web/note/_comments_page.html",
        {
            "comments": read.comment_rows(rows, reader, note.author_id),
            "note_id": note_id,
            "viewer": reader,
            "next_cursor": nxt,
            "parent": parent or "",
        },
    )


@require_POST
@members_only
def comment_like(request: HttpRequest, comment_id: int) -> HttpResponse:
    user = member(request)
    if request.POST.get("action") == "unlike":
        count, liked = services.unlike_comment(user, comment_id), False
    else:
        count, liked = services.like_comment(user, comment_id), True
    return page(
        request, "web/note/_comment_like.html", {"cid": comment_id, "liked": liked, "count": count}
    )


@require_POST
@members_only
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    services.delete_comment(member(request), comment_id)
    if is_htmx(request):
        return HttpResponse("")
    return redirect(safe_next(request, reverse("web:home")))


# --- boards -----------------------------------------------------------------------------


@require_GET
@pages
def board(request: HttpRequest, board_id: int) -> HttpResponse:
    reader = viewer(request)
    found = access.get_board_for(reader, board_id)
    rows = list(access.board_notes(reader, found)[:100])
    return page(
        request,
        "web/board.html",
        {
            "board": found,
            "cards": read.note_views(rows, reader),
            "is_owner": reader is not None and reader.pk == found.owner_id,
        },
    )


@require_http_methods(["GET", "POST"])
@members_only
def board_edit(request: HttpRequest, board_id: int) -> HttpResponse:
    """The owner renames a board, changes its description or makes it private/public."""
    user = member(request)
    found = access.own_board(user, board_id)
    form: dict[str, Any] = {
        "name": found.name,
        "description": found.description,
        "is_private": found.is_private,
    }
    error, errors = "", {}
    if request.method == "POST":
        form = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
            "is_private": bool(request.POST.get("is_private")),
        }
        try:
            found = services.update_board(user, board_id, **form)
        except Invalid as exc:
            error, errors = exc.message, exc.fields
        else:
            messages.success(request, _("Board saved."))
            return redirect("web:board", board_id=found.pk)
    return page(
        request,
        "web/board_edit.html",
        {
            "board": found,
            "form": form,
            "error": error,
            "fields": errors,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@members_only
def board_delete(request: HttpRequest, board_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the board (the notes themselves stay)."""
    user = member(request)
    found = access.own_board(user, board_id)
    if request.method == "POST":
        services.delete_board(user, board_id)
        messages.success(request, _("Board “%(name)s” deleted.") % {"name": found.name})
        return redirect(f"{reverse('web:profile', args=[user.username])}?tab=boards")
    return page(request, "web/board_delete.html", {"board": found})


@require_POST
@members_only
def board_remove(request: HttpRequest, board_id: int, note_id: int) -> HttpResponse:
    """Take a note out of the owner's board: htmx drops the card and updates the count."""
    user = member(request)
    services.uncollect(user, note_id, board_id)
    if is_htmx(request):
        # htmx drops the card and the count arrives out of band; once nothing is left, the
        # whole list (and its "you have reached the end") gives way to the empty message.
        found = access.own_board(user, board_id)
        empty = found.item_count == 0
        response = page(request, "web/_board_removed.html", {"board": found, "empty": empty})
        if empty:
            response["HX-Retarget"] = "#board-items"
            response["HX-Reswap"] = "outerHTML"
        return response
    messages.success(request, _("Removed from the board."))
    return redirect("web:board", board_id=board_id)


# --- notifications ----------------------------------------------------------------------


@require_GET
@members_only
def notifications(request: HttpRequest) -> HttpResponse:
    user = member(request)
    rows, nxt = read.list_notifications(user, cursor=request.GET.get("cursor") or None, limit=50)
    groups = read.notification_groups(rows)
    # Seen now: the unread highlight shows on this visit, the badge clears on the next.
    services.mark_read(user, [n.pk for n in rows if n.read_at is None])
    return page(
        request,
        "web/notifications.html",
        {
            "groups": groups,
            "next_cursor": nxt,
            "requests": accounts_access.follow_requests(user)[:20],
        },
    )

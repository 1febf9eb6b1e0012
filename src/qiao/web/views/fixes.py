"""Readers' suggested translation fixes: suggest one (for a note or a comment), and the
review page where authors (and moderators) accept or decline, and suggesters follow theirs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.accounts.access import is_moderator
from qiao.core.errors import Invalid
from qiao.fixes import read, services
from qiao.notes import access as notes_access
from qiao.social import access as social_access
from qiao.translation import services as translation
from qiao.web.views._base import member, members_only, page, safe_next


def _form_page(
    request: HttpRequest, context: dict[str, Any], error: Invalid | None
) -> HttpResponse:
    if error is not None:
        context.update(error=error.message, fields=error.fields)
    return page(request, "web/fixes/suggest.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@members_only
def suggest_note(request: HttpRequest, note_id: int) -> HttpResponse:
    """ "Suggest a better translation" of a note: the original, the translation readers see
    now, and a form pre-filled with it."""
    user = member(request)
    note = notes_access.get_note_for(user, note_id)
    language = translation.target_for(user, request.GET.get("lang") or None)
    current = translation.current_version(note, language)
    context: dict[str, Any] = {
        "kind": "note",
        "note": note,
        "language": language,
        "original_title": note.title,
        "original": note.body,
        "orig_lang": note.language,
        "current": current,
        "action": request.get_full_path(),
        "back": reverse("web:note", args=[note.pk]),
    }
    values = {
        "title": current.title if current else "",
        "body": current.body if current else "",
        "reason": "",
    }
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title", "body", "reason")}
        try:
            services.suggest_note_fix(user, note.pk, language=language, **values)
        except Invalid as exc:
            error = exc
        else:
            messages.success(request, _("Thank you! The author will look at your suggestion."))
            return redirect("web:note", note_id=note.pk)
    context["values"] = values
    return _form_page(request, context, error)


@require_http_methods(["GET", "POST"])
@members_only
def suggest_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    user = member(request)
    comment = social_access.get_comment_for(user, comment_id)
    language = translation.target_for(user, request.GET.get("lang") or None)
    try:
        current: dict[str, Any] | None = read.comment_for_reader(user, comment.pk, language)
    except Invalid:
        current = None
    back = reverse("web:note", args=[comment.note_id]) + f"#c{comment.pk}"
    context: dict[str, Any] = {
        "kind": "comment",
        "comment": comment,
        "language": language,
        "original": comment.body,
        "orig_lang": comment.language,
        "current": current,
        "action": request.get_full_path(),
        "back": back,
    }
    values = {"text": current["text"] if current else "", "reason": ""}
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("text", "reason")}
        try:
            services.suggest_comment_fix(user, comment.pk, language=language, **values)
        except Invalid as exc:
            error = exc
        else:
            messages.success(request, _("Thank you! The author will look at your suggestion."))
            return redirect(back)
    context["values"] = values
    return _form_page(request, context, error)


@require_GET
@members_only
def review(request: HttpRequest) -> HttpResponse:
    """Suggestions for my posts to accept or decline, and the ones I made."""
    user = member(request)
    box = request.GET.get("box", "received")
    if box not in read.BOXES or (box == "all" and not is_moderator(user)):
        box = "received"
    rows, nxt = read.review_list(user, box, cursor=request.GET.get("cursor"))
    return page(
        request,
        "web/fixes/review.html",
        {
            "box": box,
            "rows": rows,
            "next_cursor": nxt,
            "moderator": is_moderator(user),
            "pending": read.pending_count(user),
        },
    )


@require_POST
@members_only
def decide(request: HttpRequest, fix_id: int) -> HttpResponse:
    user = member(request)
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            services.accept_fix(user, fix_id)
            messages.success(request, _("Accepted: every reader now sees this translation."))
        elif action == "decline":
            services.decline_fix(user, fix_id)
            messages.success(request, _("Declined."))
        elif action == "withdraw":
            services.withdraw_fix(user, fix_id)
            messages.success(request, _("Your suggestion was withdrawn."))
        else:
            raise Invalid(_("Unknown action."))
    except Invalid as exc:
        messages.error(request, exc.message)
    return redirect(safe_next(request, reverse("web:fixes")))

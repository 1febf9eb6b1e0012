"""A note: its page (or overlay), composing, editing and deleting."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.core.errors import Invalid
from qiao.moderation import services as moderation
from qiao.notes import access, services
from qiao.notes.models import MAX_IMAGES
from qiao.notes.read import pictures
from qiao.social import read as social_read
from qiao.web.forms import ComposeForm
from qiao.web.views._base import is_htmx, member, members_only, page, pages, viewer


def detail_context(detail: social_read.NoteDetail) -> dict[str, Any]:
    """The note page's template context: the read model's fields, and the text block's."""
    context = {f.name: getattr(detail, f.name) for f in fields(detail)}
    context.update({f.name: getattr(detail.text, f.name) for f in fields(detail.text)})
    return context


@require_GET
@pages
def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    reader = viewer(request)
    note = access.get_note_for(reader, note_id)
    services.record_open(reader, note, surface="overlay" if is_htmx(request) else "page")
    context = detail_context(social_read.note_detail(note, reader))
    if reader is not None and note.is_removed and note.author_id == reader.pk:
        context["appeal"] = moderation.open_appeal(reader, note.pk)
    if is_htmx(request):
        return page(request, "web/note/_detail.html", {**context, "in_overlay": True})
    return page(request, "web/note/page.html", context)


@require_http_methods(["GET", "POST"])
@members_only
def compose(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = ComposeForm.from_request(request)
    if request.method == "POST":
        try:
            note = services.create_note(user, **form.create_args(request))
        except Invalid as exc:
            context = {"form": form, "error": exc.message, "fields": exc.fields,
                       "max_images": MAX_IMAGES}
            if is_htmx(request):
                return page(request, "web/_compose_errors.html", context)
            return page(request, "web/compose.html", context, status=400)
        target = (reverse("web:note", args=[note.pk]) if note.is_published
                  else f"{reverse('web:profile', args=[user.username])}?tab=drafts")
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    return page(request, "web/compose.html", {"form": form, "max_images": MAX_IMAGES,
                                              "fields": {}})


@require_http_methods(["GET", "POST"])
@members_only
def note_edit(request: HttpRequest, note_id: int) -> HttpResponse:
    user = member(request)
    note = access.get_own_note(user, note_id)
    form = ComposeForm.from_note(note)
    fields_errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        form = ComposeForm.from_request(request)
        try:
            note = services.update_note(user, note_id, **form.update_args(request, note))
        except Invalid as exc:
            error, fields_errors = exc.message, exc.fields
        else:
            return redirect("web:note", note_id=note.pk)
    return page(request, "web/edit.html", {
        "form": form, "note": note, "images": pictures(note), "error": error,
        "fields": fields_errors, "max_images": MAX_IMAGES,
    }, status=400 if error else 200)


@require_POST
@members_only
def note_delete(request: HttpRequest, note_id: int) -> HttpResponse:
    user = member(request)
    services.delete_note(user, note_id)
    return redirect("web:profile", username=user.username)

"""A note: its page (or overlay), composing, editing and deleting."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.core.errors import Invalid, NotFound
from qiao.core.media import duration_text, video_rejection_message
from qiao.engines.media.video import video_support
from qiao.moderation import services as moderation
from qiao.notes import access, services
from qiao.notes.credits import photo_credits
from qiao.notes.models import MAX_IMAGES, ClipCaption, Note, NoteClip
from qiao.notes.read import clips_of, pictures
from qiao.social import read as social_read
from qiao.web.forms import ComposeForm
from qiao.web.views._base import is_htmx, member, members_only, page, pages, viewer


def _compose_context(form: ComposeForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "max_images": MAX_IMAGES,
        "fields": {},
        "video_ok": video_support()[0],
        "video_limit": duration_text(settings.QIAO_VIDEO_MAX_SECONDS),
        **extra,
    }


def detail_context(detail: social_read.NoteDetail) -> dict[str, Any]:
    """The note page's template context: the read model's fields, and the text block's."""
    context = {f.name: getattr(detail, f.name) for f in fields(detail)}
    context.update({f.name: getattr(detail.text, f.name) for f in fields(detail.text)})
    has_video = detail.clip is not None and detail.clip.is_ready
    context.update(
        {
            "has_video": has_video,
            "media_total": len(detail.slides) + int(has_video),
            "is_processing": detail.is_processing,
            "clip_error": (
                video_rejection_message(detail.clip.error_code)
                if detail.clip is not None and detail.clip.error_code
                else ""
            ),
        }
    )
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
            form.keep_upload(user, exc)
            context = _compose_context(form, error=exc.message, fields=exc.fields)
            if is_htmx(request):
                return page(request, "web/_compose_errors.html", context)
            return page(request, "web/compose.html", context, status=400)
        target = (
            reverse("web:note", args=[note.pk])
            if note.status != Note.Status.DRAFT
            else f"{reverse('web:profile', args=[user.username])}?tab=drafts"
        )
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    return page(request, "web/compose.html", _compose_context(form))


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
    return page(
        request,
        "web/edit.html",
        _compose_context(
            form,
            note=note,
            images=pictures(note),
            error=error,
            fields=fields_errors,
            clip=clips_of([note], with_captions=True).get(note.pk),
            clip_error=_clip_error(note),
        ),
        status=400 if error else 200,
    )


def _clip_error(note: Note) -> str:
    clip = NoteClip.objects.filter(note=note, state=NoteClip.State.FAILED).first()
    return video_rejection_message(clip.error_code) if clip is not None else ""


@require_GET
@members_only
def clip_status(request: HttpRequest, note_id: int) -> HttpResponse:
    """The author's "processing" notice, polled by htmx: the page reloads once the clip is
    ready (the note is then published) or failed (the reason shows)."""
    note = access.get_own_note(member(request), note_id)
    clip = NoteClip.objects.filter(note=note).first()
    if clip is None or clip.state in (NoteClip.State.READY, NoteClip.State.FAILED):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return page(request, "web/note/_processing.html", {"note": note, "clip": clip})


@require_GET
@pages
def note_captions(request: HttpRequest, note_id: int, caption_id: int) -> HttpResponse:
    """A caption track of a clip the reader may see, as WebVTT for the player's <track>."""
    note = access.get_note_for(viewer(request), note_id)
    caption = ClipCaption.objects.filter(pk=caption_id, clip__note=note).first()
    if caption is None:
        raise NotFound("")
    response = HttpResponse(caption.vtt, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@members_only
def note_delete(request: HttpRequest, note_id: int) -> HttpResponse:
    user = member(request)
    services.delete_note(user, note_id)
    return redirect("web:profile", username=user.username)


@require_GET
@pages
def about_photos(request: HttpRequest) -> HttpResponse:
    """Who took the photographs shipped with Qiao, their licences and sources."""
    from qiao.web import ui

    return page(request, "web/about_photos.html", {"credits": photo_credits(ui.current_language())})

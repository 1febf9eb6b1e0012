"""Reading across languages: translations of notes, comments and bios (htmx fragments),
the author's own versions, and word look-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.accounts import access as accounts_access
from qiao.core.errors import Invalid, Unavailable
from qiao.notes import access as notes_access
from qiao.social import access as social_access
from qiao.social import read as social_read
from qiao.translation import read, services
from qiao.web.views._base import member, members_only, page, pages, viewer


@require_GET
@pages
def note_translation(request: HttpRequest, note_id: int) -> HttpResponse:
    """The note's text block with the reader's version first (the author's or a machine one)
    and "Show original"; the original with a quiet "Translation unavailable" when no engine
    can translate it."""
    reader = viewer(request)
    note = notes_access.get_note_for(reader, note_id)
    target = services.target_for(reader, request.GET.get("lang") or None)
    rendered = services.note_for_reader(note, target, reader=reader)
    text = read.note_text(note, reader, rendered=rendered, unavailable=rendered is None)
    return page(request, "web/note/_text.html", {
        "note": note, **{f.name: getattr(text, f.name) for f in fields(text)}})


def _text_block(request: HttpRequest, *, block_id: str, css: str, original: str,
                language: str | None, tr_url: str,
                translate: Callable[[], dict[str, Any]]) -> HttpResponse:
    """A comment's or bio's text with its translation first, or "Translation unavailable"."""
    try:
        result: dict[str, Any] | None = translate()
    except (Invalid, Unavailable):
        result = None
    return page(request, "web/tr/_text.html", {
        "block_id": block_id, "css": css, "original": original, "orig_lang": language,
        "lookup_lang": read.lookup_language(viewer(request), language),
        "translated": result["text"] if result else "",
        "target": result["target"] if result else "",
        "tr_label": read.translated_label(result["source"], result["target"])
        if result else "",
        "offer_translation": True, "tr_url": tr_url, "tr_unavailable": result is None,
    })


@require_GET
@pages
def comment_translation(request: HttpRequest, comment_id: int) -> HttpResponse:
    reader = viewer(request)
    comment = social_access.get_comment_for(reader, comment_id)
    return _text_block(
        request, block_id=f"ctext-{comment.pk}", css="comment-body", original=comment.body,
        language=comment.language, tr_url=reverse("web:comment_translation", args=[comment.pk]),
        translate=lambda: social_read.comment_for_reader(reader, comment_id,
                                                         services.target_for(reader)))


@require_GET
@pages
def bio_translation(request: HttpRequest, username: str) -> HttpResponse:
    reader = viewer(request)
    owner = accounts_access.get_user(username, reader)
    if not owner.bio:
        raise Http404(username)
    return _text_block(
        request, block_id="bio-text", css="profile-bio", original=owner.bio,
        language=owner.bio_language, tr_url=reverse("web:bio_translation", args=[username]),
        translate=lambda: services.bio_for_reader(owner, services.target_for(reader),
                                                  reader=reader))


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Word look-up for learners (a popover fragment): pinyin and meanings of a Chinese word,
    Chinese equivalents of an English one. Needs no translation model."""
    text = request.GET.get("text", "").strip()[:200]
    try:
        entries = services.lookup(text)[:4]
    except Invalid:
        entries = []
    response = page(request, "web/_lookup.html", {"entries": entries, "text": text})
    patch_cache_control(response, private=True, max_age=3600)  # tapping a word again
    return response


@require_http_methods(["GET", "POST"])
@members_only
def note_version(request: HttpRequest, note_id: int, language: str) -> HttpResponse:
    """The author's own version of their note in another language ("Add English version"),
    pre-filled with a machine translation to edit."""
    user = member(request)
    note = notes_access.get_own_note(user, note_id)
    target = services.target_for(user, language)
    existing = services.has_author_version(note, target)
    errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        values = {"title": request.POST.get("title", ""), "body": request.POST.get("body", "")}
        try:
            services.save_author_version(user, note.pk, target, **values)
        except Invalid as exc:
            error, errors = exc.message, exc.fields
        else:
            return redirect("web:note", note_id=note.pk)
        draft: dict[str, Any] = {**values, "machine": False}
    else:
        try:
            draft = services.prefill_version(user, note.pk, target)
        except ValueError:  # the note's language is unknown: nothing to translate from
            draft = {"title": "", "body": "", "machine": False}
    name = read.language_in_text(target)
    return page(request, "web/note/version.html", {
        "note": note, "language": target, "draft": draft, "exists": existing,
        "heading": (_("Edit your %(lang)s version") if existing
                    else _("Add %(lang)s version")) % {"lang": name},
        "error": error, "fields": errors,
    }, status=400 if error else 200)


@require_POST
@members_only
def note_version_delete(request: HttpRequest, note_id: int, language: str) -> HttpResponse:
    services.delete_author_version(member(request), note_id, language)
    return redirect("web:note", note_id=note_id)

"""Reading across languages: translations of notes, comments and bios (htmx fragments),
the author's own versions, and word look-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.accounts import access as accounts_access
from qiao.accounts.access import is_moderator
from qiao.core.errors import Invalid, Unavailable
from qiao.fixes import read as fixes_read
from qiao.notes import access as notes_access
from qiao.social import access as social_access
from qiao.translation import read, services
from qiao.translation.access import may_suggest_fix
from qiao.translation.models import GlossaryTerm
from qiao.web.views._base import member, members_only, page, pages, safe_next, viewer


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
    return page(
        request,
        "web/note/_text.html",
        {"note": note, **{f.name: getattr(text, f.name) for f in fields(text)}},
    )


def _text_block(
    request: HttpRequest,
    *,
    block_id: str,
    css: str,
    original: str,
    language: str | None,
    tr_url: str,
    translate: Callable[[], dict[str, Any]],
    suggest: Callable[[dict[str, Any]], str] | None = None,
) -> HttpResponse:
    """A comment's or bio's text with its translation first, or "Translation unavailable";
    `suggest(result)` gives the "Suggest a better translation" link ("" for none)."""
    try:
        result: dict[str, Any] | None = translate()
    except (Invalid, Unavailable):
        result = None
    return page(
        request,
        "web/tr/_text.html",
        {
            "block_id": block_id,
            "css": css,
            "original": original,
            "orig_lang": language,
            "lookup_lang": read.lookup_language(viewer(request), language),
            "translated": result["text"] if result else "",
            "target": result["target"] if result else "",
            "tr_label": read.translated_label(
                result["source"],
                result["target"],
                engine=result.get("engine", ""),
                suggested_by=result.get("suggested_by_name", ""),
            )
            if result
            else "",
            "offer_translation": True,
            "tr_url": tr_url,
            "tr_unavailable": result is None,
            "suggest_url": suggest(result) if result and suggest else "",
        },
    )


@require_GET
@pages
def comment_translation(request: HttpRequest, comment_id: int) -> HttpResponse:
    reader = viewer(request)
    comment = social_access.get_comment_for(reader, comment_id)

    def suggest(result: dict[str, Any]) -> str:
        if not may_suggest_fix(reader, comment.author_id, result.get("engine", "")):
            return ""
        url = reverse("web:suggest_comment_fix", args=[comment.pk])
        return f"{url}?{urlencode({'lang': result['target']})}"

    return _text_block(
        request,
        block_id=f"ctext-{comment.pk}",
        css="comment-body",
        original=comment.body,
        language=comment.language,
        tr_url=reverse("web:comment_translation", args=[comment.pk]),
        translate=lambda: fixes_read.comment_for_reader(
            reader, comment_id, services.target_for(reader)
        ),
        suggest=suggest,
    )


@require_GET
@pages
def bio_translation(request: HttpRequest, username: str) -> HttpResponse:
    reader = viewer(request)
    owner = accounts_access.get_user(username, reader)
    if not owner.bio:
        raise Http404(username)
    return _text_block(
        request,
        block_id="bio-text",
        css="profile-bio",
        original=owner.bio,
        language=owner.bio_language,
        tr_url=reverse("web:bio_translation", args=[username]),
        translate=lambda: services.bio_for_reader(
            owner, services.target_for(reader), reader=reader
        ),
    )


@require_GET
def characters(request: HttpRequest) -> HttpResponse:
    """Chinese written in pinyin, in characters (a fragment under the text): each `text`
    parameter (a title, a body) converted on its own. Pinyin is never machine-translated."""
    rows: list[dict[str, Any]] = []
    for text in request.GET.getlist("text")[:2]:
        if not text.strip():
            continue
        try:
            rows.append(services.pinyin_characters(text))
        except Invalid as exc:
            rows.append({"error": exc.message})
    return page(request, "web/tr/_characters.html", {"rows": rows})


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
    return page(
        request,
        "web/note/version.html",
        {
            "note": note,
            "language": target,
            "draft": draft,
            "exists": existing,
            "heading": (_("Edit your %(lang)s version") if existing else _("Add %(lang)s version"))
            % {"lang": name},
            "error": error,
            "fields": errors,
        },
        status=400 if error else 200,
    )


@require_POST
@members_only
def note_version_delete(request: HttpRequest, note_id: int, language: str) -> HttpResponse:
    services.delete_author_version(member(request), note_id, language)
    return redirect("web:note", note_id=note_id)


# --- the community glossary -------------------------------------------------------------


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    """The community glossary, for everyone to browse: each term with its fixed rendering
    both ways. Moderators also see the candidates readers' fixes proposed, and keep the
    terms (approve, retire here; edit in the console)."""
    reader = viewer(request)
    moderator = is_moderator(reader)
    status = request.GET.get("status", "active") if moderator else "active"
    query, kind = request.GET.get("q", "").strip()[:60], request.GET.get("kind", "")
    try:
        offset = max(0, int(request.GET.get("offset", "0")))
    except ValueError:
        offset = 0
    rows, more = services.glossary_terms(
        query=query, kind=kind, status=status, viewer=reader, offset=offset, limit=60
    )
    return page(
        request,
        "web/glossary.html",
        {
            "terms": rows,
            "more": more,
            "next_offset": offset + len(rows),
            "query": query,
            "kind": kind,
            "kinds": GlossaryTerm.Kind.choices,
            "status": status,
            "moderator": moderator,
            "candidates": services.glossary_terms(status="candidate", viewer=reader, limit=1)[0]
            if moderator
            else [],
        },
    )


@require_POST
@members_only
def glossary_term(request: HttpRequest, term_id: int) -> HttpResponse:
    """A moderator approves a candidate (optionally with its English edited) or retires a
    term."""
    user = member(request)
    action = request.POST.get("action", "")
    try:
        if action == "approve":
            services.update_term(
                user,
                term_id,
                status="active",
                en=request.POST.get("en") or None,
                zh=request.POST.get("zh") or None,
            )
            messages.success(request, _("The term is in the glossary now."))
        elif action == "retire":
            services.retire_term(user, term_id)
            messages.success(request, _("The term was taken out of the glossary."))
        else:
            raise Invalid(_("Unknown action."))
    except Invalid as exc:
        messages.error(request, exc.message)
    return redirect(safe_next(request, reverse("web:glossary")))

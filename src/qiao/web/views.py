"""Server-rendered pages. Each view parses the request, calls one service, renders.

Pages render whole when loaded directly and as fragments when htmx asks (the `HX-Request`
header, read by django-htmx as `request.htmx`); every response varies on that header so a
cache never serves a fragment as a page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.accounts import access as accounts_access
from qiao.accounts import services as accounts
from qiao.accounts.models import User
from qiao.core.errors import (
    Forbidden,
    Invalid,
    NotAuthenticated,
    NotFound,
    RateLimited,
    ServiceError,
)
from qiao.core.ratelimit import check_rate, client_ip
from qiao.events.services import log_impressions
from qiao.feed import services as feed
from qiao.notes import access as notes_access
from qiao.notes import read as notes_read
from qiao.notes import services as notes
from qiao.notes.models import MAX_IMAGES, Note
from qiao.search import services as search_services
from qiao.social import access as social_access
from qiao.social import read as social_read
from qiao.social import services as social
from qiao.web import present

View = Callable[..., HttpResponse]


# --- plumbing ---------------------------------------------------------------------------

def _viewer(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated else None  # type: ignore[return-value]


def _page(request: HttpRequest, template: str, context: dict[str, Any],
          status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _login_url(request: HttpRequest) -> str:
    return f"{reverse('web:login')}?next={request.get_full_path()}"


def _to_login(request: HttpRequest) -> HttpResponse:
    """Anonymous write: a redirect for a page, HX-Redirect for an htmx request."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        current = request.headers.get("HX-Current-URL", "/")
        response["HX-Redirect"] = f"{reverse('web:login')}?next={_local_path(current)}"
        return response
    return redirect(_login_url(request))


def _local_path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def pages(view: View) -> View:
    """Turn service errors into pages: 404 for NotFound, login for NotAuthenticated."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except NotAuthenticated:
            return _to_login(request)
        except (Forbidden, RateLimited, Invalid) as exc:
            response = _page(request, "web/error.html", {"message": exc.message},
                             status=exc.status)
            if isinstance(exc, RateLimited):
                response["Retry-After"] = str(exc.retry_after)
            return response

    return wrapper


def member(view: View) -> View:
    """Signed-in users only, with the write rate limit on POSTs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _to_login(request)
        if request.method == "POST":
            check_rate("write", f"u{request.user.pk}")
        return view(request, *args, **kwargs)

    return pages(wrapper)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- discovery --------------------------------------------------------------------------

FEEDS = ("for_you", "following")


def _feed_page(request: HttpRequest) -> tuple[list[Note], str | None, dict[str, str]]:
    viewer = _viewer(request)
    kind = request.GET.get("feed", "for_you")
    topic = request.GET.get("topic", "").strip()
    cursor = request.GET.get("cursor") or None
    if topic:
        rows, nxt = notes_read.list_notes(viewer, topic=topic, cursor=cursor, limit=20)
        params = {"topic": topic}
    elif kind == "following" and viewer is not None:
        rows, nxt = feed.following(viewer, cursor=cursor, limit=20)
        params = {"feed": "following"}
    else:
        rows, nxt = feed.for_you(viewer, cursor=cursor, limit=20)
        params = {}
    surface = "topic" if topic else ("following" if params.get("feed") else "for_you")
    log_impressions(viewer.pk if viewer else None, rows, surface=surface)
    return rows, nxt, params


@require_GET
@pages
def home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if viewer is not None and not viewer.onboarded:
        return redirect("web:welcome")
    rows, nxt, params = _feed_page(request)
    return _page(request, "web/home.html", {
        "cards": present.cards(rows, viewer),
        "next_url": present.feed_url(params, nxt),
        "feed": params.get("feed", "topic" if "topic" in params else "for_you"),
        "topic": params.get("topic", ""),
        "chips": present.topic_chips(),
    })


@require_GET
@pages
def feed_more(request: HttpRequest) -> HttpResponse:
    """The next page of cards (infinite scroll), with the next sentinel swapped out-of-band."""
    rows, nxt, params = _feed_page(request)
    return _page(request, "web/_cards_page.html", {
        "cards": present.cards(rows, _viewer(request)),
        "next_url": present.feed_url(params, nxt),
    })


@require_GET
@pages
def topic(request: HttpRequest, name: str) -> HttpResponse:
    return redirect(f"{reverse('web:home')}?topic={name}")


@require_GET
@pages
def search(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    kind = request.GET.get("kind", "notes")
    if kind not in search_services.KINDS:
        kind = "notes"
    result = search_services.search(viewer, request.GET.get("q", ""), kind,
                                    request.GET.get("cursor") or None, 20)
    context = {"result": result, "kind": kind, "q": result.query,
               "cards": present.cards(result.items, viewer) if kind == "notes" else []}
    if kind == "notes" and result.next_cursor:
        context["next_url"] = (f"{reverse('web:search')}?"
                               + present.qs({"q": result.query, "kind": kind,
                                             "cursor": result.next_cursor}))
    if _is_htmx(request) and request.GET.get("cursor"):
        return _page(request, "web/_cards_page.html", context)
    return _page(request, "web/search.html", context)


# --- notes ------------------------------------------------------------------------------

@require_GET
@pages
def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    viewer = _viewer(request)
    note = notes_access.get_note_for(viewer, note_id)
    notes.record_open(viewer, note,
                      surface="overlay" if _is_htmx(request) else "page")
    context = present.note_detail(note, viewer)
    if _is_htmx(request):
        return _page(request, "web/note/_detail.html", {**context, "in_overlay": True})
    return _page(request, "web/note/page.html", context)


@require_GET
@pages
def note_translation(request: HttpRequest, note_id: int) -> HttpResponse:
    """The note's text block with the reader's version first (the author's or a machine one)
    and "Show original"; the original with a quiet "Translation unavailable" when no engine
    can translate it."""
    from qiao.translation import services as translation

    viewer = _viewer(request)
    note = notes_access.get_note_for(viewer, note_id)
    target = translation.target_for(viewer, request.GET.get("lang") or None)
    rendered = translation.note_for_reader(note, target)
    return _page(request, "web/note/_text.html", {
        "note": note, **present.note_text(note, viewer, rendered=rendered,
                                          unavailable=rendered is None)})


def _text_block(request: HttpRequest, *, block_id: str, css: str, original: str,
                language: str | None, tr_url: str,
                translate: Callable[[], dict[str, Any]]) -> HttpResponse:
    """A comment's or bio's text with its translation first, or "Translation unavailable"."""
    from qiao.core.errors import Unavailable

    try:
        result: dict[str, Any] | None = translate()
    except (Invalid, Unavailable):
        result = None
    return _page(request, "web/tr/_text.html", {
        "block_id": block_id, "css": css, "original": original, "orig_lang": language,
        "lookup_lang": present.lookup_language(_viewer(request), language),
        "translated": result["text"] if result else "",
        "target": result["target"] if result else "",
        "tr_label": present.translated_label(result["source"], result["target"])
        if result else "",
        "offer_translation": True, "tr_url": tr_url, "tr_unavailable": result is None,
    })


@require_POST
@member
def note_like(request: HttpRequest, note_id: int) -> HttpResponse:
    if request.POST.get("action") == "unlike":
        liked, count = social.unlike_note(request.user, note_id)  # type: ignore[arg-type]
    else:
        liked, count = social.like_note(request.user, note_id)  # type: ignore[arg-type]
    if not _is_htmx(request):
        return redirect(_safe_next(request, reverse("web:note", args=[note_id])))
    return _page(request, "web/note/_like.html", {
        "note_id": note_id, "liked": liked, "count": count,
        "size": request.POST.get("size", "big"),
    })


@require_POST
@member
def note_hide(request: HttpRequest, note_id: int) -> HttpResponse:
    """"Not interested": logged for the recommender, which then never shows the note."""
    social.hide_note(request.user, note_id)  # type: ignore[arg-type]
    if not _is_htmx(request):
        return redirect(reverse("web:home"))
    return _page(request, "web/note/_hidden.html", {})


@require_http_methods(["GET", "POST"])
@member
def note_collect(request: HttpRequest, note_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    error = ""
    collected_to = None
    if request.method == "POST":
        try:
            name = request.POST.get("new_board", "").strip()
            if name:
                collected_to = social.collect_into_new_board(user, note_id, name=name)
            else:
                board_id = int(request.POST.get("board", "0") or 0)
                social.collect(user, note_id, board_id)
                collected_to = social_access.own_board(user, board_id)
        except (Invalid, ValueError) as exc:
            error = getattr(exc, "message", _("Choose a board."))
        if collected_to is not None and not _is_htmx(request):
            return redirect("web:board", board_id=collected_to.pk)
    else:
        notes_access.get_note_for(user, note_id)
    return _page(request, "web/note/_collect.html", {
        "note_id": note_id, "boards": social_access.visible_boards(user, user), "error": error,
        "collected_to": collected_to,
        "collect_count": present.collect_count(note_id) if collected_to else 0,
    })


@require_http_methods(["GET", "POST"])
@pages
def note_comments(request: HttpRequest, note_id: int) -> HttpResponse:
    """GET: a page of comments (or of one comment's replies). POST: add a comment."""
    viewer = _viewer(request)
    if request.method == "POST":
        if viewer is None:
            return _to_login(request)
        check_rate("write", f"u{viewer.pk}")
        parent = request.POST.get("parent") or None
        try:
            comment = social.add_comment(viewer, note_id, request.POST.get("body", ""),
                                         parent_id=int(parent) if parent else None)
        except Invalid as exc:
            return _page(request, "web/note/_comment_error.html", {"message": exc.message},
                         status=200)
        if not _is_htmx(request):
            return redirect(reverse("web:note", args=[note_id]) + "#comments")
        return _page(request, "web/note/_comment.html", {
            "c": present.comments([comment], viewer, present.note_author_id(note_id))[0],
            "note_id": note_id,
            "fresh": True, "viewer": viewer,
            "comment_count": present.comment_count(note_id)})
    parent_raw = request.GET.get("parent")
    rows, nxt = social_read.list_comments(viewer, note_id,
                                     parent_id=int(parent_raw) if parent_raw else None,
                                     cursor=request.GET.get("cursor") or None, limit=20)
    return _page(request, "web/note/_comments_page.html", {
        "comments": present.comments(rows, viewer, present.note_author_id(note_id)),
        "note_id": note_id, "viewer": viewer,
        "next_cursor": nxt, "parent": parent_raw or "",
    })


@require_POST
@member
def comment_like(request: HttpRequest, comment_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.POST.get("action") == "unlike":
        count, liked = social.unlike_comment(user, comment_id), False
    else:
        count, liked = social.like_comment(user, comment_id), True
    return _page(request, "web/note/_comment_like.html",
                 {"cid": comment_id, "liked": liked, "count": count})


@require_GET
@pages
def comment_translation(request: HttpRequest, comment_id: int) -> HttpResponse:
    from qiao.translation import services as translation

    viewer = _viewer(request)
    comment = social_access.get_comment_for(viewer, comment_id)
    return _text_block(
        request, block_id=f"ctext-{comment.pk}", css="comment-body", original=comment.body,
        language=comment.language, tr_url=reverse("web:comment_translation", args=[comment.pk]),
        translate=lambda: social_read.comment_for_reader(viewer, comment_id,
                                                         translation.target_for(viewer)))


@require_GET
@pages
def bio_translation(request: HttpRequest, username: str) -> HttpResponse:
    from qiao.translation import services as translation

    viewer = _viewer(request)
    owner = accounts_access.get_user(username, viewer)
    if not owner.bio:
        raise Http404(username)
    return _text_block(
        request, block_id="bio-text", css="profile-bio", original=owner.bio,
        language=owner.bio_language, tr_url=reverse("web:bio_translation", args=[username]),
        translate=lambda: translation.bio_for_reader(owner, translation.target_for(viewer)))


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Word look-up for learners (a popover fragment): pinyin and meanings of a Chinese word,
    Chinese equivalents of an English one. Needs no translation model."""
    from qiao.translation import services as translation

    text = request.GET.get("text", "").strip()[:200]
    try:
        entries = translation.lookup(text)[:4]
    except Invalid:
        entries = []
    response = _page(request, "web/_lookup.html", {"entries": entries, "text": text})
    patch_cache_control(response, private=True, max_age=3600)  # tapping a word again
    return response


@require_http_methods(["GET", "POST"])
@member
def note_version(request: HttpRequest, note_id: int, language: str) -> HttpResponse:
    """The author's own version of their note in another language ("Add English version"),
    pre-filled with a machine translation to edit."""
    from qiao.translation import services as translation
    from qiao.translation.models import NoteVersion

    user: User = request.user  # type: ignore[assignment]
    note = notes_access.get_own_note(user, note_id)
    target = translation.target_for(user, language)
    existing = NoteVersion.objects.filter(note=note, language=target, is_machine=False).exists()
    fields: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        values = {"title": request.POST.get("title", ""), "body": request.POST.get("body", "")}
        try:
            translation.save_author_version(user, note.pk, target, **values)
        except Invalid as exc:
            error, fields = exc.message, exc.fields
        else:
            return redirect("web:note", note_id=note.pk)
        draft: dict[str, Any] = {**values, "machine": False}
    else:
        try:
            draft = translation.prefill_version(user, note.pk, target)
        except ValueError:  # the note's language is unknown: nothing to translate from
            draft = {"title": "", "body": "", "machine": False}
    name = present.language_in_text(target)
    return _page(request, "web/note/version.html", {
        "note": note, "language": target, "draft": draft, "exists": existing,
        "heading": (_("Edit your %(lang)s version") if existing
                    else _("Add %(lang)s version")) % {"lang": name},
        "error": error, "fields": fields,
    }, status=400 if error else 200)


@require_POST
@member
def note_version_delete(request: HttpRequest, note_id: int, language: str) -> HttpResponse:
    from qiao.translation import services as translation

    translation.delete_author_version(request.user, note_id, language)  # type: ignore[arg-type]
    return redirect("web:note", note_id=note_id)


@require_POST
@member
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    social.delete_comment(request.user, comment_id)  # type: ignore[arg-type]
    if _is_htmx(request):
        return HttpResponse("")
    return redirect(_safe_next(request, reverse("web:home")))


@require_http_methods(["GET", "POST"])
@member
def compose(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = present.ComposeForm.from_request(request)
    if request.method == "POST":
        try:
            note = notes.create_note(user, **form.service_args(request))
        except Invalid as exc:
            context = {"form": form, "error": exc.message, "fields": exc.fields,
                       "max_images": MAX_IMAGES}
            if _is_htmx(request):
                return _page(request, "web/_compose_errors.html", context)
            return _page(request, "web/compose.html", context, status=400)
        target = (reverse("web:note", args=[note.pk]) if note.is_published
                  else f"{reverse('web:profile', args=[user.username])}?tab=drafts")
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    return _page(request, "web/compose.html", {
        "form": form, "max_images": MAX_IMAGES, "fields": {}})


@require_http_methods(["GET", "POST"])
@member
def note_edit(request: HttpRequest, note_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    note = notes_access.get_own_note(user, note_id)
    form = present.ComposeForm.from_note(note)
    fields: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        form = present.ComposeForm.from_request(request)
        try:
            note = notes.update_note(user, note_id, **form.update_args(request, note))
        except Invalid as exc:
            error, fields = exc.message, exc.fields
        else:
            return redirect("web:note", note_id=note.pk)
    images = list(note.images.all())
    return _page(request, "web/edit.html", {
        "form": form, "note": note, "images": present.slides(images), "error": error,
        "fields": fields, "max_images": MAX_IMAGES,
    }, status=400 if error else 200)


@require_POST
@member
def note_delete(request: HttpRequest, note_id: int) -> HttpResponse:
    notes.delete_note(request.user, note_id)  # type: ignore[arg-type]
    return redirect("web:profile", username=request.user.get_username())


@require_GET
def topic_suggest(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("topics", request.GET.get("q", "")).replace("，", ",")
    query = query.split(",")[-1]
    return _page(request, "web/_topic_suggest.html",
                 {"topics": search_services.suggest_topics(query)})


# --- people -----------------------------------------------------------------------------

PROFILE_TABS = ("notes", "boards", "likes", "drafts")


@require_GET
@pages
def profile(request: HttpRequest, username: str) -> HttpResponse:
    viewer = _viewer(request)
    owner = accounts_access.get_user(username, viewer)
    tab = request.GET.get("tab", "notes")
    if tab not in PROFILE_TABS or (tab == "drafts" and (viewer is None or viewer != owner)):
        tab = "notes"
    context = present.profile(owner, viewer, tab, request.GET.get("cursor") or None)
    if _is_htmx(request) and request.GET.get("cursor"):
        return _page(request, "web/_cards_page.html", context)
    return _page(request, "web/profile.html", context)


@require_POST
@member
def follow(request: HttpRequest, username: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    target = accounts_access.get_user(username, user)
    if request.POST.get("action") == "unfollow":
        accounts.unfollow(user, target)
        state = "none"
    else:
        state = accounts.follow(user, target)
    if not _is_htmx(request):
        return redirect(_safe_next(request, reverse("web:profile", args=[target.username])))
    return _page(request, "web/_follow.html", {"target": target, "state": state})


@require_POST
@member
def block(request: HttpRequest, username: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    accounts.block(user, accounts_access.get_user(username, user))
    return redirect("web:settings")


@require_http_methods(["GET", "POST"])
@member
def report(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """Report a note, comment or account to the moderators (a form, then a thank-you)."""
    from qiao.moderation import services as moderation
    from qiao.moderation.models import Report

    if kind not in Report.Kind.values:
        raise Http404(kind)
    context: dict[str, Any] = {"kind": kind, "target_id": target_id, "done": False,
                               "reasons": Report.Reason.choices,
                               "next": _safe_next(request, reverse("web:home"))}
    if request.method == "POST":
        try:
            moderation.report(request.user, kind=kind, target_id=target_id,  # type: ignore[arg-type]
                              reason=request.POST.get("reason", ""),
                              details=request.POST.get("details", ""))
        except Invalid as exc:
            context.update(error=exc.message, fields=exc.fields)
            return _page(request, "web/report.html", context, status=400)
        context["done"] = True
    return _page(request, "web/report.html", context)


@require_GET
@pages
def board(request: HttpRequest, board_id: int) -> HttpResponse:
    viewer = _viewer(request)
    found = social_access.get_board_for(viewer, board_id)
    rows = list(social_access.board_notes(viewer, found)[:100])
    return _page(request, "web/board.html", {
        "board": found, "cards": present.cards(rows, viewer),
        "is_owner": viewer is not None and viewer.pk == found.owner_id,
    })


@require_http_methods(["GET", "POST"])
@member
def board_edit(request: HttpRequest, board_id: int) -> HttpResponse:
    """The owner renames a board, changes its description or makes it private/public."""
    user: User = request.user  # type: ignore[assignment]
    found = social_access.own_board(user, board_id)
    form: dict[str, Any] = {"name": found.name, "description": found.description,
                            "is_private": found.is_private}
    error, fields = "", {}
    if request.method == "POST":
        form = {"name": request.POST.get("name", ""),
                "description": request.POST.get("description", ""),
                "is_private": bool(request.POST.get("is_private"))}
        try:
            found = social.update_board(user, board_id, **form)
        except Invalid as exc:
            error, fields = exc.message, exc.fields
        else:
            messages.success(request, _("Board saved."))
            return redirect("web:board", board_id=found.pk)
    return _page(request, "web/board_edit.html", {
        "board": found, "form": form, "error": error, "fields": fields,
    }, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@member
def board_delete(request: HttpRequest, board_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the board (the notes themselves stay)."""
    user: User = request.user  # type: ignore[assignment]
    found = social_access.own_board(user, board_id)
    if request.method == "POST":
        social.delete_board(user, board_id)
        messages.success(request, _("Board “%(name)s” deleted.") % {"name": found.name})
        return redirect(f"{reverse('web:profile', args=[user.username])}?tab=boards")
    return _page(request, "web/board_delete.html", {"board": found})


@require_POST
@member
def board_remove(request: HttpRequest, board_id: int, note_id: int) -> HttpResponse:
    """Take a note out of the owner's board: htmx drops the card and updates the count."""
    user: User = request.user  # type: ignore[assignment]
    social.uncollect(user, note_id, board_id)
    if _is_htmx(request):
        # htmx drops the card and the count arrives out of band; once nothing is left, the
        # whole list (and its "you have reached the end") gives way to the empty message.
        board = social_access.own_board(user, board_id)
        empty = board.item_count == 0
        response = _page(request, "web/_board_removed.html", {"board": board, "empty": empty})
        if empty:
            response["HX-Retarget"] = "#board-items"
            response["HX-Reswap"] = "outerHTML"
        return response
    messages.success(request, _("Removed from the board."))
    return redirect("web:board", board_id=board_id)


@require_GET
@member
def notifications(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rows, nxt = social_read.list_notifications(user, cursor=request.GET.get("cursor") or None,
                                          limit=50)
    groups = present.notification_groups(rows)
    # Seen now: the unread highlight shows on this visit, the badge clears on the next.
    social.mark_read(user, [n.pk for n in rows if n.read_at is None])
    return _page(request, "web/notifications.html", {
        "groups": groups, "next_cursor": nxt,
        "requests": accounts_access.follow_requests(user)[:20],
    })


@require_POST
@member
def follow_request(request: HttpRequest, username: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    accounts.respond_to_request(user, accounts_access.get_user(username, user),
                              approve=request.POST.get("action") == "approve")
    return redirect("web:notifications")


# --- account ----------------------------------------------------------------------------

def _start_session(request: HttpRequest, user: User) -> None:
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if user.ui_language:
        request.session["ui_language"] = user.ui_language


@require_http_methods(["GET", "POST"])
@pages
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    context: dict[str, Any] = {"values": {}, "fields": {}}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("username", "email", "display_name")}
        try:
            check_rate("signup", client_ip(request))
            user = accounts.sign_up(
                **values, password=request.POST.get("password", ""),
                ui_language=present.current_language(request),
            )
        except ServiceError as exc:
            context = {"values": values, "fields": exc.fields, "error": exc.message}
            return _page(request, "web/auth/signup.html", context, status=400)
        _start_session(request, user)
        return redirect("web:welcome")
    return _page(request, "web/auth/signup.html", context)


@require_http_methods(["GET", "POST"])
@pages
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, reverse("web:home"))
    context: dict[str, Any] = {"next": next_url, "login": ""}
    if request.method == "POST":
        login = request.POST.get("login", "")
        try:
            check_rate("login", client_ip(request))
            check_rate("login", f"name:{login.strip().lower()}")
            user = accounts.sign_in(login=login, password=request.POST.get("password", ""))
        except ServiceError as exc:
            context.update(login=login, error=exc.message)
            return _page(request, "web/auth/login.html", context, status=400)
        _start_session(request, user)
        return HttpResponseRedirect(next_url)
    return _page(request, "web/auth/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    language = request.session.get("ui_language")
    django_logout(request)
    if language:
        request.session["ui_language"] = language  # keep the page in the language it was in
    return redirect("web:home")


@require_http_methods(["GET", "POST"])
@member
def welcome(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    values = {
        "ui_language": user.ui_language or present.current_language(request),
        "read_languages": user.read_languages or present.default_read_languages(request),
        "interests": user.interests,
    }
    fields: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {
            "ui_language": request.POST.get("ui_language", ""),
            "read_languages": request.POST.getlist("read_languages"),
            "interests": request.POST.getlist("interests"),
        }
        try:
            accounts.complete_onboarding(user, **values)
        except Invalid as exc:
            fields = exc.fields
        else:
            request.session["ui_language"] = user.ui_language
            return redirect("web:home")
    return _page(request, "web/auth/welcome.html", {
        "values": values, "fields": fields, "interests": present.INTERESTS,
        "content_languages": present.content_languages(),
    }, status=400 if fields else 200)


def _translation_ready() -> bool:
    from qiao.translation import services as translation

    try:
        return translation.is_ready()
    except Exception:  # noqa: BLE001 - a settings page never fails over this
        return False


def _settings_context(user: User, **extra: Any) -> dict[str, Any]:
    return {
        "content_languages": present.content_languages(),
        "blocked": accounts_access.blocked_users(user),
        "translation_ready": _translation_ready(),
        "fields": {}, **extra,
    }


@require_GET
@member
def settings_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "web/settings.html", _settings_context(request.user))  # type: ignore[arg-type]


def _settings_result(request: HttpRequest, action: Callable[[], Any], section: str
                     ) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        action()
    except Invalid as exc:
        user.refresh_from_db()
        return _page(request, "web/settings.html", _settings_context(
            user, fields=exc.fields, error=exc.message, section=section), status=400)
    return redirect(f"{reverse('web:settings')}?saved={section}#{section}")


@require_POST
@member
def settings_profile(request: HttpRequest) -> HttpResponse:
    return _settings_result(request, lambda: accounts.update_profile(
        request.user,  # type: ignore[arg-type]
        **{k: request.POST.get(k, "") for k in ("display_name", "chinese_name", "bio")},
    ), "profile")


@require_POST
@member
def settings_avatar(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("avatar")

    def action() -> None:
        if upload is None:
            raise Invalid(_("Choose a photo."), fields={"avatar": [_("Choose a photo.")]})
        accounts.set_avatar(request.user, upload.read())  # type: ignore[arg-type]

    return _settings_result(request, action, "profile")


@require_POST
@member
def settings_preferences(request: HttpRequest) -> HttpResponse:
    def action() -> None:
        user = accounts.update_profile(
            request.user,  # type: ignore[arg-type]
            ui_language=request.POST.get("ui_language", ""),
            read_languages=request.POST.getlist("read_languages"),
            is_private=request.POST.get("is_private") == "on",
            auto_translate=request.POST.get("auto_translate") == "on",
        )
        request.session["ui_language"] = user.ui_language

    return _settings_result(request, action, "preferences")


@require_POST
@member
def settings_unblock(request: HttpRequest, username: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    target = User.objects.filter(username__iexact=username).first()
    if target is not None:
        accounts.unblock(user, target)
    return redirect(f"{reverse('web:settings')}#blocked")


@require_POST
@member
def settings_delete(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.check_password(request.POST.get("password", "")):
        return _page(request, "web/settings.html", _settings_context(
            user, fields={"password": [_("Wrong password.")]}, section="delete"), status=400)
    accounts.delete_account(user)
    django_logout(request)
    return redirect("web:home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language for this browser (and the account, if signed in)."""
    from django.conf import settings

    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        accounts.update_profile(request.user, ui_language=language)  # type: ignore[arg-type]
    request.session["ui_language"] = language
    response = redirect(_safe_next(request, reverse("web:home")))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                        max_age=365 * 24 * 3600)
    return response

"""Discovery: the waterfall (For you, Following, a topic), infinite scroll, and search."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from qiao.accounts import services as accounts
from qiao.core.errors import Invalid
from qiao.events.services import log_impressions
from qiao.feed import read as feed_read
from qiao.feed import services as feed
from qiao.notes import read as notes_read
from qiao.search import services as search_services
from qiao.social import read as social_read
from qiao.web import ui
from qiao.web.views._base import is_htmx, member, members_only, page, pages, viewer


def _feed_page(request: HttpRequest) -> tuple[feed.FeedPage, dict[str, str]]:
    member = viewer(request)
    kind = request.GET.get("feed", "for_you")
    topic = request.GET.get("topic", "").strip()
    cursor = request.GET.get("cursor") or None
    if topic:
        page_ = feed.topic_feed(member, topic, cursor=cursor, limit=20)
        params = {"topic": topic}
    elif kind == "following" and member is not None:
        rows, nxt = feed.following(member, cursor=cursor, limit=20)
        page_ = feed.FeedPage(rows, nxt)
        params = {"feed": "following"}
    else:
        page_ = feed.for_you(member, cursor=cursor, limit=20)
        params = {}
    surface = "topic" if topic else ("following" if params.get("feed") else "for_you")
    log_impressions(member.pk if member else None, page_.items, surface=surface)
    return page_, params


@require_GET
@pages
def home(request: HttpRequest) -> HttpResponse:
    member = viewer(request)
    if member is not None and not member.onboarded:
        return redirect("web:welcome")
    return page(request, "web/home.html", _home_context(request))


def _home_context(request: HttpRequest, **extra: object) -> dict[str, object]:
    member = viewer(request)
    found, params = _feed_page(request)
    return {
        **extra,
        "mix_choices": ui.language_mix_choices(member.language_mix) if member else [],
        "cards": feed_read.feed_cards(found, member),
        "caught_up_at": found.caught_up_at,
        "next_url": ui.feed_url(params, found.next_cursor),
        "feed": params.get("feed", "topic" if "topic" in params else "for_you"),
        "topic": params.get("topic", ""),
        "topic_chip": (
            notes_read.topic_chip(params["topic"], ui.current_language())
            if params.get("topic")
            else None
        ),
        "chips": notes_read.topic_chips(ui.current_language()),
    }


@require_POST
@members_only
def feed_language_mix(request: HttpRequest) -> HttpResponse:
    """The language-mix control above For you: store the choice and reload the feed (a
    fresh list in the new mix)."""
    error = ""
    try:
        accounts.set_language_mix(member(request), request.POST.get("language_mix") or None)
    except Invalid as exc:
        error = exc.message
    if not is_htmx(request):
        return redirect("web:home")
    return page(
        request,
        "web/_feed_area.html",
        _home_context(request, mix_error=error),
        status=400 if error else 200,
    )


@require_GET
@pages
def feed_more(request: HttpRequest) -> HttpResponse:
    """The next page of cards (infinite scroll), with the next sentinel swapped out-of-band."""
    found, params = _feed_page(request)
    return page(
        request,
        "web/_cards_page.html",
        {
            "cards": feed_read.feed_cards(found, viewer(request)),
            "caught_up_at": found.caught_up_at,
            "next_url": ui.feed_url(params, found.next_cursor),
        },
    )


@require_GET
@pages
def topic(request: HttpRequest, name: str) -> HttpResponse:
    return redirect(f"{reverse('web:home')}?{ui.qs({'topic': name})}")


@require_GET
@pages
def search(request: HttpRequest) -> HttpResponse:
    member = viewer(request)
    kind = request.GET.get("kind", "notes")
    if kind not in search_services.KINDS:
        kind = "notes"
    result = search_services.search(
        member, request.GET.get("q", ""), kind, request.GET.get("cursor") or None, 20
    )
    context = {
        "result": result,
        "kind": kind,
        "q": result.query,
        "cards": social_read.note_views(result.items, member) if kind == "notes" else [],
    }
    if kind == "notes" and result.next_cursor:
        context["next_url"] = f"{reverse('web:search')}?" + ui.qs(
            {"q": result.query, "kind": kind, "cursor": result.next_cursor}
        )
    if is_htmx(request) and request.GET.get("cursor"):
        return page(request, "web/_cards_page.html", context)
    return page(request, "web/search.html", context)


@require_GET
def topic_suggest(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("topics", request.GET.get("q", "")).replace("，", ",")
    query = query.split(",")[-1]
    return page(
        request,
        "web/_topic_suggest.html",
        {"topics": search_services.suggest_topics(query, viewer=viewer(request))},
    )

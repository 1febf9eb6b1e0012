"""People and accounts: profiles, follows and blocks, signing up and in, onboarding,
settings and the interface language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.accounts import access, services
from qiao.accounts.demo import DEMO_PASSWORD, DEMO_USERNAME, demo_sign_in_works
from qiao.accounts.models import User
from qiao.core.errors import Invalid, ServiceError
from qiao.social import read as social_read
from qiao.translation import services as translation
from qiao.web import ui
from qiao.web.views._base import (
    is_htmx,
    member,
    members_only,
    page,
    pages,
    safe_next,
    viewer,
)

# --- profiles, follows, blocks ------------------------------------------------------------


@require_GET
@pages
def profile(request: HttpRequest, username: str) -> HttpResponse:
    reader = viewer(request)
    owner = access.get_user(username, reader)
    cursor = request.GET.get("cursor") or None
    found = social_read.profile_page(owner, reader, request.GET.get("tab", "notes"), cursor)
    context = {f.name: getattr(found, f.name) for f in fields(found)}
    context["next_url"] = (
        f"{reverse('web:profile', args=[owner.username])}?"
        + ui.qs({"tab": found.tab, "cursor": found.next_cursor})
        if found.next_cursor
        else None
    )
    if is_htmx(request) and cursor:
        return page(request, "web/_cards_page.html", context)
    return page(request, "web/profile.html", context)


@require_POST
@members_only
def follow(request: HttpRequest, username: str) -> HttpResponse:
    user = member(request)
    target = access.get_user(username, user)
    if request.POST.get("action") == "unfollow":
        services.unfollow(user, target)
        state = "none"
    else:
        state = services.follow(user, target)
    if not is_htmx(request):
        return redirect(safe_next(request, reverse("web:profile", args=[target.username])))
    return page(request, "web/_follow.html", {"target": target, "state": state})


@require_POST
@members_only
def block(request: HttpRequest, username: str) -> HttpResponse:
    user = member(request)
    services.block(user, access.get_user(username, user))
    return redirect("web:settings")


@require_POST
@members_only
def follow_request(request: HttpRequest, username: str) -> HttpResponse:
    user = member(request)
    services.respond_to_request(
        user, access.get_user(username, user), approve=request.POST.get("action") == "approve"
    )
    return redirect("web:notifications")


# --- signing up and in --------------------------------------------------------------------


def _start_session(request: HttpRequest, user: User) -> None:
    django_login(request, user, backend="qiao.accounts.backends.ThrottledModelBackend")
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
            user = services.sign_up(
                username=values["username"],
                email=values["email"],
                display_name=values["display_name"],
                password=request.POST.get("password", ""),
                ui_language=ui.current_language(),
            )
        except ServiceError as exc:
            context = {"values": values, "fields": exc.fields, "error": exc.message}
            return page(request, "web/auth/signup.html", context, status=400)
        _start_session(request, user)
        return redirect("web:welcome")
    return page(request, "web/auth/signup.html", context)


@require_http_methods(["GET", "POST"])
@pages
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse("web:home"))
    context: dict[str, Any] = {
        "next": next_url,
        "login": "",
        "demo": (DEMO_USERNAME, DEMO_PASSWORD) if demo_sign_in_works() else None,
    }
    if request.method == "POST":
        login = request.POST.get("login", "")
        try:
            user = services.sign_in(login=login, password=request.POST.get("password", ""))
        except ServiceError as exc:
            context.update(login=login, error=exc.message)
            return page(request, "web/auth/login.html", context, status=400)
        _start_session(request, user)
        return HttpResponseRedirect(next_url)
    return page(request, "web/auth/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    language = request.session.get("ui_language")
    django_logout(request)
    if language:
        request.session["ui_language"] = language  # keep the page in the language it was in
    return redirect("web:home")


@require_http_methods(["GET", "POST"])
@members_only
def welcome(request: HttpRequest) -> HttpResponse:
    user = member(request)
    values: dict[str, Any] = {
        "ui_language": user.ui_language or ui.current_language(),
        "read_languages": user.read_languages or ui.default_read_languages(),
        "interests": user.interests,
        "language_mix": user.language_mix,
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {
            "ui_language": request.POST.get("ui_language", ""),
            "read_languages": request.POST.getlist("read_languages"),
            "interests": request.POST.getlist("interests"),
            "language_mix": request.POST.get("language_mix") or None,
        }
        try:
            services.complete_onboarding(user, **values)
        except Invalid as exc:
            errors = exc.fields
        else:
            request.session["ui_language"] = user.ui_language
            return redirect("web:home")
    return page(
        request,
        "web/auth/welcome.html",
        {
            "translation_ready": translation.is_ready_safely(),
            "values": values,
            "fields": errors,
            "interests": ui.INTERESTS,
            "content_languages": ui.content_languages(),
            "mix_choices": ui.language_mix_choices(_mix_or_none(values["language_mix"])),
        },
        status=400 if errors else 200,
    )


def _mix_or_none(raw: object) -> float | None:
    try:
        return None if raw in (None, "") else float(str(raw))
    except ValueError:
        return None


# --- settings -----------------------------------------------------------------------------


def _settings_context(user: User, **extra: Any) -> dict[str, Any]:
    return {
        "content_languages": ui.content_languages(),
        "blocked": access.blocked_users(user),
        "translation_ready": translation.is_ready_safely(),
        "mix_choices": ui.language_mix_choices(user.language_mix),
        "fields": {},
        **extra,
    }


@require_GET
@members_only
def settings_page(request: HttpRequest) -> HttpResponse:
    return page(request, "web/settings.html", _settings_context(member(request)))


def _settings_result(request: HttpRequest, action: Callable[[], Any], section: str) -> HttpResponse:
    user = member(request)
    try:
        action()
    except Invalid as exc:
        user.refresh_from_db()
        return page(
            request,
            "web/settings.html",
            _settings_context(user, fields=exc.fields, error=exc.message, section=section),
            status=400,
        )
    return redirect(f"{reverse('web:settings')}?saved={section}#{section}")


@require_POST
@members_only
def settings_profile(request: HttpRequest) -> HttpResponse:
    return _settings_result(
        request,
        lambda: services.update_profile(
            member(request),
            **{k: request.POST.get(k, "") for k in ("display_name", "chinese_name", "bio")},
        ),
        "profile",
    )


@require_POST
@members_only
def settings_avatar(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("avatar")

    def action() -> None:
        if upload is None:
            raise Invalid(_("Choose a photo."), fields={"avatar": [_("Choose a photo.")]})
        services.set_avatar(member(request), upload)

    return _settings_result(request, action, "profile")


@require_POST
@members_only
def settings_preferences(request: HttpRequest) -> HttpResponse:
    def action() -> None:
        user = services.update_profile(
            member(request),
            ui_language=request.POST.get("ui_language", ""),
            read_languages=request.POST.getlist("read_languages"),
            is_private=request.POST.get("is_private") == "on",
            auto_translate=request.POST.get("auto_translate") == "on",
            autoplay_videos=request.POST.get("autoplay_videos") == "on",
            **(
                {"language_mix": request.POST.get("language_mix") or None}
                if "language_mix" in request.POST
                else {}
            ),
        )
        request.session["ui_language"] = user.ui_language

    return _settings_result(request, action, "preferences")


@require_POST
@members_only
def settings_unblock(request: HttpRequest, username: str) -> HttpResponse:
    user = member(request)
    target = access.blocked_users(user).filter(username__iexact=username).first()
    if target is not None:
        services.unblock(user, target)
    return redirect(f"{reverse('web:settings')}#blocked")


@require_POST
@members_only
def settings_delete(request: HttpRequest) -> HttpResponse:
    user = member(request)
    if not user.check_password(request.POST.get("password", "")):
        return page(
            request,
            "web/settings.html",
            _settings_context(user, fields={"password": [_("Wrong password.")]}, section="delete"),
            status=400,
        )
    services.delete_account(user)
    django_logout(request)
    return redirect("web:home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language for this browser (and the account, if signed in)."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    user = viewer(request)
    if user is not None:
        services.update_profile(user, ui_language=language)
    request.session["ui_language"] = language
    response = redirect(safe_next(request, reverse("web:home")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 24 * 3600
    )
    return response

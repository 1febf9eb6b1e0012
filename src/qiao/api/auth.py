"""Who is calling: a bearer token (API clients) or the session (the web app, CSRF-checked)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.accounts.services import user_for_token
from qiao.core.errors import Forbidden, NotAuthenticated

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _unused_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _csrf_ok(request: HttpRequest) -> bool:
    """Django's CSRF check for a session-authenticated write (the API has no form view)."""
    check = CsrfViewMiddleware(_unused_view)
    return check.process_view(request, _unused_view, (), {}) is None


def require_csrf(request: HttpRequest) -> None:
    """Refuse a cross-site request that would act with (or set) a browser session."""
    if not _csrf_ok(request):
        raise Forbidden(_("CSRF check failed; reload the page."), code="csrf_failed")


_NOT_YET = object()


def current_user(request: HttpRequest) -> User | None:
    """The authenticated user or None. Raises if credentials are present but wrong."""
    cached = getattr(request, "_qiao_user", _NOT_YET)
    if cached is None or isinstance(cached, User):
        return cached
    user: User | None = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise NotAuthenticated(_("Use 'Authorization: Bearer <token>'."), code="bad_token")
        user = user_for_token(raw.strip())
        if user is None:
            raise NotAuthenticated(_("The API token is invalid or revoked."), code="bad_token")
    elif isinstance(request.user, User):
        if request.method not in SAFE_METHODS and not _csrf_ok(request):
            raise Forbidden(_("CSRF check failed; reload the page."), code="csrf_failed")
        user = request.user
    request.__dict__["_qiao_user"] = user  # a per-request memo, not a field
    return user


def bearer_token(request: HttpRequest) -> str:
    """The raw bearer token of the request ("" when it came with a session)."""
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


def require_user(request: HttpRequest) -> User:
    user = current_user(request)
    if user is None:
        raise NotAuthenticated(_("Sign in first."))
    return user

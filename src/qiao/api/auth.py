"""Who is calling: a bearer token (API clients) or the session (the web app, CSRF-checked)."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.accounts.services import user_for_token
from qiao.core.errors import Forbidden, NotAuthenticated

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _csrf_ok(request: HttpRequest) -> bool:
    check = CsrfViewMiddleware(lambda r: None)  # type: ignore[arg-type, return-value]
    return check.process_view(request, lambda r: None, (), {}) is None  # type: ignore[arg-type]


def current_user(request: HttpRequest) -> User | None:
    """The authenticated user or None. Raises if credentials are present but wrong."""
    cached = getattr(request, "_qiao_user", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    user: User | None = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise NotAuthenticated(_("Use 'Authorization: Bearer <token>'."), code="bad_token")
        user = user_for_token(raw.strip())
        if user is None:
            raise NotAuthenticated(_("The API token is invalid or revoked."), code="bad_token")
    elif request.user.is_authenticated:
        if request.method not in SAFE_METHODS and not _csrf_ok(request):
            raise Forbidden(_("CSRF check failed; reload the page."), code="csrf_failed")
        user = request.user  # type: ignore[assignment]
    request._qiao_user = user  # type: ignore[attr-defined]
    return user


def bearer_token(request: HttpRequest) -> str:
    """The raw bearer token of the request ("" when it came with a session)."""
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


def require_user(request: HttpRequest) -> User:
    user = current_user(request)
    if user is None:
        raise NotAuthenticated(_("Sign in first."))
    return user

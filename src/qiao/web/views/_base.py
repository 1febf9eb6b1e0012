"""What every page view shares: who is asking, rendering whole pages or htmx fragments,
and turning service errors into pages.

Pages render whole when loaded directly and as fragments when htmx asks (the `HX-Request`
header, read by django-htmx as `request.htmx`); every response varies on that header so a
cache never serves a fragment as a page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotAuthenticated, NotFound, RateLimited

View = Callable[..., HttpResponse]


def viewer(request: HttpRequest) -> User | None:
    """The signed-in member, or None for a visitor."""
    user = request.user
    return user if isinstance(user, User) else None


def member(request: HttpRequest) -> User:
    """The signed-in member of a view wrapped in `@members_only`."""
    user = viewer(request)
    if user is None:
        raise NotAuthenticated("")
    return user


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def local_path(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def to_login(request: HttpRequest) -> HttpResponse:
    """Anonymous write: a redirect for a page, HX-Redirect for an htmx request."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        current = request.headers.get("HX-Current-URL", "/")
        response["HX-Redirect"] = f"{reverse('web:login')}?next={local_path(current)}"
        return response
    return redirect(f"{reverse('web:login')}?next={request.get_full_path()}")


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
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
            return to_login(request)
        except (Forbidden, RateLimited, Invalid) as exc:
            response = page(request, "web/error.html", {"message": exc.message}, status=exc.status)
            if isinstance(exc, RateLimited):
                response["Retry-After"] = str(exc.retry_after)
            return response

    return wrapper


def members_only(view: View) -> View:
    """Signed-in members only (visitors go to the log-in page); service errors as pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return to_login(request)
        return view(request, *args, **kwargs)

    return pages(wrapper)


def int_param(request: HttpRequest, name: str) -> int | None:
    """A positive 64-bit integer from the query or form, None when absent; a malformed or
    out-of-range value is a 400 (never a 500)."""
    raw = request.POST.get(name) if request.method == "POST" else request.GET.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise Invalid(_("Malformed request."), code="invalid")
    return int(raw)

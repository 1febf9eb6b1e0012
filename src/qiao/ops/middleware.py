"""Cross-cutting middleware: request ids, the user's UI language, clean 503s."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from qiao.core.logging import request_id_var
from qiao.core.ratelimit import client_ip, client_ip_var

logger = logging.getLogger("qiao.request")


class RequestContextMiddleware:
    """A request id for the logs, and the client address for the services' rate limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        # Kept until the response is finished (see _clear_request_id), so Django's own
        # "django.request" lines about 4xx/5xx, logged after the middleware, carry it too.
        request_id_var.set(rid)
        token = client_ip_var.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            client_ip_var.reset(token)
        response["X-Request-Id"] = rid
        return response


def _clear_request_id(**_kw: object) -> None:
    request_id_var.set("-")


request_finished.connect(_clear_request_id, dispatch_uid="qiao-clear-request-id")


class UserLanguageMiddleware:
    """Put a signed-in user's chosen UI language where LocaleMiddleware looks for it.

    LocaleMiddleware reads the language cookie before Accept-Language; a user who picked a
    UI language in settings gets it on every device they sign in on.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        lang = request.session.get("ui_language") if hasattr(request, "session") else None
        if lang and translation.check_for_language(lang):
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.get_response(request)


def error_response(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """The documented JSON error for /api/ paths, a short page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": code, "message": message, "fields": {}}}, status=status
        )
    return HttpResponse(
        f"<!doctype html><title>Qiao</title><p>{escape(message)}</p>", status=status
    )


#: What an error status means, for API responses that Django or ninja made as HTML/text.
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


class ApiErrorsMiddleware:
    """Every error under /api/ is the documented JSON error, whoever made it (an unknown
    path, a wrong method, a CSRF failure, a server error page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and "json" not in response.get("Content-Type", "")
        ):
            code = STATUS_CODES.get(response.status_code, "error")
            message = {
                404: _("Not found."),
                405: _("This method is not allowed here."),
                403: _("Forbidden."),
            }.get(response.status_code, _("The request failed."))
            replacement = JsonResponse(
                {"error": {"code": code, "message": str(message), "fields": {}}},
                status=response.status_code,
            )
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


class RequestSizeMiddleware:
    """Refuse a body that is too big before anything reads it (Django would spool it to disk
    first): more than QIAO_MAX_REQUEST_BYTES from anyone (413), or more than
    QIAO_MAX_ANONYMOUS_BODY_BYTES without valid credentials (401 for the API, 413 for pages).
    Runs after the session and authentication middleware, which read no body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        raw = request.META.get("CONTENT_LENGTH") or "0"
        if not raw.isdigit() or len(raw) > 15:
            return error_response(request, 400, "invalid", _("Bad Content-Length."))
        size = int(raw)
        if size > settings.QIAO_MAX_REQUEST_BYTES:
            response = error_response(request, 413, "too_large", _("The request is too large."))
            response["Connection"] = "close"
            return response
        if size > settings.QIAO_MAX_ANONYMOUS_BODY_BYTES and not _has_credentials(request):
            status = 401 if request.path.startswith("/api/") else 413
            response = error_response(request, status, "not_authenticated", _("Sign in first."))
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def _has_credentials(request: HttpRequest) -> bool:
    """A signed-in session or a valid bearer token (a cheap lookup; no body is read)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return True
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        from qiao.accounts.services import user_for_token

        return user_for_token(raw.strip()) is not None
    return False


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a clean 503 instead of a traceback page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _is_db_outage(exception):
            logger.warning("database or storage unavailable: %s", exception)
            return unavailable_response(request)
        return None


def _is_db_outage(exception: BaseException | None) -> bool:
    """A lost database connection, or the object store (S3) unreachable or failing."""
    return (
        isinstance(exception, (OperationalError, InterfaceError))
        or (isinstance(exception, DatabaseError) and "connection" in str(exception).lower())
        or _is_storage_outage(exception)
    )


def _is_storage_outage(exception: BaseException | None) -> bool:
    try:
        from botocore.exceptions import ClientError, ConnectionError, HTTPClientError
    except ImportError:  # the embedded profile does not install boto3's extras
        return False
    if isinstance(exception, (ConnectionError, HTTPClientError)):
        return True
    if isinstance(exception, ClientError):
        status = exception.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return int(status or 0) >= 500
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "error": {
                    "code": "unavailable",
                    "message": "The service is briefly unavailable; try again.",
                    "fields": {},
                }
            },
            status=503,
        )
    else:
        response = HttpResponse(
            "<!doctype html><title>Qiao</title><p>Qiao is briefly unavailable. "
            "Please try again in a moment.</p>",
            status=503,
        )
    response["Retry-After"] = "5"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage anywhere in the stack is a clean 503; JSON for /api."""
    import sys

    exc = sys.exc_info()[1]
    if _is_db_outage(exc):
        logger.warning("database unavailable: %s", exc)
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "code": "server_error",
                    "message": "Something went wrong on our side.",
                    "fields": {},
                }
            },
            status=500,
        )
    return HttpResponse(
        "<!doctype html><title>Qiao</title><p>Something went wrong on our "
        "side. Please try again.</p>",
        status=500,
    )

"""Cross-cutting middleware: request ids, the user's UI language, clean 503s."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation

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
    return isinstance(exception, (OperationalError, InterfaceError)) or (
        isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
    ) or _is_storage_outage(exception)


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
            {"error": {"code": "unavailable",
                       "message": "The service is briefly unavailable; try again.",
                       "fields": {}}},
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
        return JsonResponse({"error": {"code": "server_error",
                                       "message": "Something went wrong on our side.",
                                       "fields": {}}}, status=500)
    return HttpResponse("<!doctype html><title>Qiao</title><p>Something went wrong on our "
                        "side. Please try again.</p>", status=500)

"""The JSON API at /api/v1: one NinjaAPI, its error handlers, and every domain's router,
mounted here and nowhere else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from qiao.api.routers import (
    accounts,
    creators,
    events,
    feed,
    fixes,
    messages,
    moderation,
    names,
    notes,
    search,
    social,
    translation,
    uploads,
)
from qiao.core.errors import RateLimited, ServiceError

api = NinjaAPI(
    title="Qiao API",
    version="1",
    description=(
        "Notes, comments, likes, boards, follows, notifications, direct messages and the "
        "live event stream. Authenticate with "
        "`Authorization: Bearer <token>` (from `POST /auth/login`) or the web session. "
        'Errors always look like `{"error": {"code", "message", "fields"}}`; lists are '
        "paginated with an opaque `cursor` (pass `next_cursor` back)."
    ),
    urls_namespace="api",
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, exc.message, exc.fields)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    codes: set[str] = set()
    for err in exc.errors:
        loc = [
            str(p)
            for p in err.get("loc", [])
            if p not in ("body", "query", "path", "form", "payload", "file")
        ]
        fields.setdefault(".".join(loc) or "request", []).append(str(err.get("msg", "invalid")))
        kind = str(err.get("type", ""))
        codes.add(kind.removeprefix("qiao_") if kind.startswith("qiao_") else "invalid")
    # One kind of problem (say, a text too long) keeps its own code; several are "invalid".
    code = codes.pop() if len(codes) == 1 else "invalid"
    return error_response(request, 400, code, _("The request is malformed."), fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {
        400: "invalid",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
    }.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, str(exc))


for module in (
    accounts,
    notes,
    uploads,
    social,
    events,
    feed,
    search,
    translation,
    fixes,
    names,
    moderation,
    creators,
    messages,
):
    api.add_router("", module.router)

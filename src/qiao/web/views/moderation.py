"""Reporting a note, comment or account to the moderators (the console is Django admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qiao.core.errors import Invalid
from qiao.moderation import services
from qiao.moderation.models import Report
from qiao.web.views._base import member, members_only, page, safe_next


@require_POST
@members_only
def appeal(request: HttpRequest, note_id: int) -> HttpResponse:
    """The author asks the moderators to look again at their hidden note."""
    services.appeal(member(request), note_id, request.POST.get("message", ""))
    messages.success(request, _("Thank you. A moderator will look at your note again."))
    return redirect("web:note", note_id=note_id)


@require_http_methods(["GET", "POST"])
@members_only
def report(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """A form, then a thank-you."""
    if kind not in Report.Kind.values:
        raise Http404(kind)
    context: dict[str, Any] = {
        "kind": kind,
        "target_id": target_id,
        "done": False,
        "reasons": Report.Reason.choices,
        "next": safe_next(request, reverse("web:home")),
    }
    if request.method == "POST":
        try:
            services.report(
                member(request),
                kind=kind,
                target_id=target_id,
                reason=request.POST.get("reason", ""),
                details=request.POST.get("details", ""),
            )
        except Invalid as exc:
            context.update(error=exc.message, fields=exc.fields)
            return page(request, "web/report.html", context, status=400)
        context["done"] = True
    return page(request, "web/report.html", context)

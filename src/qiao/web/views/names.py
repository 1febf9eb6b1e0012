"""The Chinese-name page: one form, one screen of results, one click to adopt."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qiao.core.errors import ServiceError
from qiao.names import services
from qiao.web.views._base import viewer

GENDERS = [("", "—"), ("female", "female"), ("male", "male"), ("neutral", "neutral")]
STYLES = ["balanced", "sound-alike", "meaning-first"]


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    form = {
        "given": request.GET.get("given", "").strip(),
        "surname": request.GET.get("surname", "").strip(),
        "gender": request.GET.get("gender", ""),
        "qualities": request.GET.get("qualities", "").strip(),
        "style": request.GET.get("style", "balanced"),
    }
    context: dict[str, Any] = {"form": form, "styles": STYLES, "result": None, "error": None}
    if form["given"]:
        try:
            context["result"] = services.suggest(viewer(request), **form)
        except ServiceError as exc:
            context["error"] = exc
    template = "names/_results.html" if request.headers.get("HX-Request") else "names/page.html"
    response = render(request, template, context, status=400 if context["error"] else 200)
    response["Vary"] = "HX-Request, Cookie, Accept-Language"
    return response


@require_POST
def adopt(request: HttpRequest) -> HttpResponse:
    member = viewer(request)
    if member is None:
        return redirect(f"{reverse('web:login')}?next={reverse('names:page')}")
    try:
        user = services.adopt(
            member, chinese=request.POST.get("chinese", ""), pinyin=request.POST.get("pinyin", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        back = request.POST.get("back", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = reverse("names:page")
        return redirect(back)
    messages.success(request, _("%(name)s is now your Chinese name.") % {"name": user.chinese_name})
    return redirect(reverse("web:profile", args=[user.username]))

"""Server-rendered pages (placeholder until the web app lands)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Qiao")


def note_detail(request: HttpRequest, note_id: int) -> HttpResponse:
    return HttpResponse(f"note {note_id}")


def login_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("login")

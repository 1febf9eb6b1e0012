from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from qiao.translation.models import NoteVersion, PendingTranslation


class _StatusMixin:
    """Every translation admin page says plainly what state translation is in."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        from qiao.translation import services

        level = messages.INFO if services.is_ready() else messages.WARNING
        messages.add_message(request, level, services.status_message())
        response: HttpResponse = super().changelist_view(  # type: ignore[misc] # a mixin
            request, extra_context)
        return response


@admin.register(NoteVersion)
class NoteVersionAdmin(_StatusMixin, admin.ModelAdmin[NoteVersion]):
    list_display = ("note", "language", "is_machine", "engine", "model_version", "updated_at")
    list_filter = ("language", "is_machine", "engine")
    raw_id_fields = ("note",)


@admin.register(PendingTranslation)
class PendingTranslationAdmin(_StatusMixin, admin.ModelAdmin[PendingTranslation]):
    list_display = ("note", "attempts", "next_attempt_at", "last_error")
    raw_id_fields = ("note",)


def _index_with_translation_state(site: admin.AdminSite) -> None:
    """The admin's front page says in one line when machine translation is off, with the
    command that turns it on (the same line `qiao serve` prints)."""
    original = site.index

    def index(request: HttpRequest, extra_context: dict[str, Any] | None = None
              ) -> TemplateResponse:
        from qiao.translation.autoinstall import operator_line

        line = operator_line()
        if line:
            messages.add_message(request, messages.WARNING, line)
        return original(request, extra_context)

    site.index = index  # type: ignore[method-assign] # one site, wrapped once at start-up


_index_with_translation_state(admin.site)

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from qiao.translation.models import GlossaryTerm, NoteVersion, PendingTranslation


class _StatusMixin:
    """Every translation admin page says plainly what state translation is in."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        from qiao.translation import services

        level = messages.INFO if services.is_ready() else messages.WARNING
        messages.add_message(request, level, services.status_message())
        response: HttpResponse = super().changelist_view(  # type: ignore[misc] # a mixin
            request, extra_context
        )
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


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin[GlossaryTerm]):
    """Where moderators edit the community glossary (the "Moderators" group may view, add,
    change and delete terms). A change is in use at once: every process rebuilds its
    glossary at its next translation, look-up or search. Candidates come from readers'
    accepted fixes: edit one into shape, then approve it."""

    list_display = ("zh", "en", "kind", "status", "source", "suggested_by", "updated_at")
    list_filter = ("status", "kind", "source")
    search_fields = ("zh", "zh_variants", "en", "en_variants", "note")
    list_editable = ("en", "kind")
    readonly_fields = (
        "source",
        "context",
        "suggested_by",
        "created_by",
        "created_at",
        "updated_at",
    )
    actions = ["approve", "retire"]

    @admin.action(description="Approve: use these terms")
    def approve(self, request: HttpRequest, queryset: QuerySet[GlossaryTerm]) -> None:
        done = 0
        for term in queryset.exclude(status=GlossaryTerm.Status.ACTIVE):
            if GlossaryTerm.objects.filter(zh=term.zh, status=GlossaryTerm.Status.ACTIVE).exists():
                self.message_user(request, f"{term.zh}: already in the glossary", messages.WARNING)
                continue
            term.status = GlossaryTerm.Status.ACTIVE
            term.save(update_fields=["status", "updated_at"])
            done += 1
        self.message_user(request, f"{done} term(s) approved.", messages.SUCCESS)

    @admin.action(description="Retire: stop using these terms")
    def retire(self, request: HttpRequest, queryset: QuerySet[GlossaryTerm]) -> None:
        n = queryset.exclude(status=GlossaryTerm.Status.RETIRED).update(
            status=GlossaryTerm.Status.RETIRED
        )
        self.message_user(request, f"{n} term(s) retired.", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: GlossaryTerm, form: Any, change: bool) -> None:
        if not change:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)


def _index_with_translation_state(site: admin.AdminSite) -> None:
    """The admin's front page says in one line when machine translation is off, with the
    command that turns it on (the same line `qiao serve` prints)."""
    original = site.index

    def index(
        request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        from qiao.translation.autoinstall import operator_line

        line = operator_line()
        if line:
            messages.add_message(request, messages.WARNING, line)
        return original(request, extra_context)

    site.index = index  # type: ignore[method-assign] # one site, wrapped once at start-up


_index_with_translation_state(admin.site)

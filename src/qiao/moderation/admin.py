"""The moderator console: the open-report queue with one-click actions, and the audit log."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from qiao.accounts.models import User
from qiao.core.errors import ServiceError
from qiao.moderation import services
from qiao.moderation.models import Appeal, AuditLog, Report
from qiao.notes.models import Note, NoteClip
from qiao.notes.read import clips_of, pictures


def note_media(note: Note | None, *, small: bool = False) -> SafeString:
    """What a moderator needs to judge a note: its clip (poster, and a player with controls)
    and its photos."""
    if note is None:
        return mark_safe("")
    clip = clips_of([note]).get(note.pk)
    parts: list[SafeString] = []
    if clip is not None and clip.is_ready and clip.poster is not None:
        source = clip.rendition(360 if small else 720)
        if small:
            parts.append(
                format_html(
                    '<img src="{}" alt="" width="80" loading="lazy"> ▶ {}',
                    clip.poster.src,
                    clip.duration_label,
                )
            )
        else:
            parts.append(
                format_html(
                    '<video controls preload="none" poster="{}" width="360" src="{}"></video>',
                    clip.poster.url,
                    source.url if source else "",
                )
            )
    elif clip is not None:
        parts.append(format_html("video: {}", clip.state))
    pics = pictures(note)[: 1 if small else 9]
    parts.append(
        format_html_join(
            " ",
            '<img src="{}" alt="" width="{}" loading="lazy">',
            ((p.src, 80 if small else 160) for p in pics),
        )
    )
    return format_html_join(" ", "{}", ((part,) for part in parts))


def _act(action: str, label: str) -> Any:
    @admin.action(description=label, permissions=["moderate"])
    def run(modeladmin: ReportAdmin, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        done = 0
        for row in queryset.filter(status=Report.Status.OPEN):
            try:
                services.resolve(cast(User, request.user), row.pk, action=action)
                done += 1
            except ServiceError as exc:
                modeladmin.message_user(request, exc.message, messages.ERROR)
        modeladmin.message_user(request, f"{label}: {done} report(s).", messages.SUCCESS)

    run.__name__ = f"action_{action}"
    return run


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ("created_at", "kind", "reason", "target", "preview", "reporter", "status")
    list_filter = ("status", "kind", "reason")
    search_fields = (
        "details",
        "reporter__username",
        "note__title",
        "comment__body",
        "account__username",
    )
    raw_id_fields = ("reporter", "note", "comment", "account", "fix", "resolved_by")
    readonly_fields = (
        "created_at",
        "resolved_at",
        "resolved_by",
        "note_media_shown",
        "object_id",
        "context",
    )
    actions = [
        _act("remove", "Remove the content / suspend the account"),
        _act("restore", "Restore an automatically hidden note"),
        _act("dismiss", "Dismiss"),
    ]

    @admin.display(description="target")
    def target(self, obj: Report) -> str:
        if obj.fix_id and obj.fix:
            return f"suggested translation: {(obj.fix.title or obj.fix.text)[:60]}"
        if obj.note_id and obj.note:
            return f"note: {obj.note.title}"
        if obj.comment_id and obj.comment:
            return f"comment: {obj.comment.body[:60]}"
        if obj.kind in (Report.Kind.MESSAGE, Report.Kind.CONVERSATION):
            reported = [m for m in obj.context if isinstance(m, dict) and m.get("reported")]
            body = str(reported[0].get("body", "")) if reported else ""
            who = f"@{obj.account.username}: " if obj.account_id and obj.account else ""
            return f"{obj.kind} #{obj.object_id}: {who}{body[:60]}"
        if obj.account_id and obj.account:
            return f"@{obj.account.username}"
        return "—"

    @admin.display(description="media")
    def preview(self, obj: Report) -> SafeString:
        return note_media(obj.note if obj.note_id else None, small=True)

    @admin.display(description="media")
    def note_media_shown(self, obj: Report) -> SafeString:
        return note_media(obj.note if obj.note_id else None)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("moderation.moderate"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        return (
            super()
            .get_queryset(request)
            .select_related("note", "comment", "account", "fix", "reporter")
        )


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin[AuditLog]):
    list_display = ("created_at", "actor", "action", "kind", "target_id", "reason")
    list_filter = ("action", "kind")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _decide(restore: bool, label: str) -> Any:
    @admin.action(description=label, permissions=["moderate"])
    def run(modeladmin: AppealAdmin, request: HttpRequest, queryset: QuerySet[Appeal]) -> None:
        for row in queryset.filter(status=Appeal.Status.OPEN):
            try:
                services.resolve_appeal(cast(User, request.user), row.pk, restore=restore)
            except ServiceError as exc:
                modeladmin.message_user(request, exc.message, messages.ERROR)

    run.__name__ = f"action_{'restore' if restore else 'uphold'}"
    return run


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin[Appeal]):
    list_display = ("created_at", "note", "author", "message", "status")
    list_filter = ("status",)
    raw_id_fields = ("note", "author", "resolved_by")
    readonly_fields = ("created_at", "resolved_at", "resolved_by")
    actions = [_decide(True, "Show the note again"), _decide(False, "Keep the note hidden")]

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("moderation.moderate"))


@admin.register(NoteClip)
class NoteClipAdmin(admin.ModelAdmin[NoteClip]):
    """Clips for moderators: state, length, labels, the poster and a player."""

    list_display = ("note", "state", "duration", "ai_generated", "preview", "created_at")
    list_filter = ("state", "ai_declared", "ai_author")
    search_fields = ("note__title", "note__author__username")
    fields = (
        "note",
        "state",
        "error_code",
        "duration",
        "width",
        "height",
        "has_audio",
        "ai_author",
        "ai_declared",
        "alt_text",
        "player",
    )
    readonly_fields = fields

    @admin.display(description="AI-generated", boolean=True)
    def ai_generated(self, obj: NoteClip) -> bool:
        return obj.ai_generated

    @admin.display(description="preview")
    def preview(self, obj: NoteClip) -> SafeString:
        return note_media(obj.note, small=True)

    @admin.display(description="player")
    def player(self, obj: NoteClip) -> SafeString:
        return note_media(obj.note)

    def get_queryset(self, request: HttpRequest) -> QuerySet[NoteClip]:
        return super().get_queryset(request).select_related("note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""Readers' suggested fixes in the moderator console (read-only: authors decide; a
moderator acts through reports or the review page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qiao.fixes.models import SuggestedFix


@admin.register(SuggestedFix)
class SuggestedFixAdmin(admin.ModelAdmin[SuggestedFix]):
    list_display = ("created_at", "kind", "language", "suggester", "author", "status", "decided_by")
    list_filter = ("status", "kind", "language")
    search_fields = ("text", "title", "suggester__username", "author__username")
    raw_id_fields = ("note", "comment", "author", "suggester", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

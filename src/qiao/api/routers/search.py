"""Search: notes (full-text, across languages), people and topics — what the search page
shows, through the same `qiao.search.services.search()`."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router

from qiao.api import schemas as s
from qiao.api.auth import current_user
from qiao.api.errors import ERRORS
from qiao.search import services as search_services
from qiao.social import read as social_read

router = Router(tags=["search"])


@router.get("/search", response={200: s.SearchOut, **ERRORS})
def search(
    request: HttpRequest,
    q: str = "",
    kind: Literal["notes", "users", "topics"] = "notes",
    cursor: str | None = None,
    limit: s.Limit = 20,
    lang: s.Language | None = None,
) -> dict[str, Any]:
    """Search notes (by word, in either language: `dumplings` also finds 饺子, see
    `expanded`), people (username and names) or topics. Anyone may search; notes and people
    you may not see (private, followers-only, blocked) are left out, and topics count only
    notes you may see. Pass `next_cursor` back for the next page (results end after 1,000
    notes). With `lang`, notes carry their stored translation into that language."""
    viewer = current_user(request)
    page = search_services.search(viewer, q, kind, cursor, limit)
    out: dict[str, Any] = {"kind": page.kind, "query": page.query, "next_cursor": page.next_cursor}
    if page.kind == "notes":
        out["items"] = [
            s.NoteOut.of(v) for v in social_read.note_views(page.items, viewer, lang=lang)
        ]
        out["expanded"] = page.expanded
    elif page.kind == "users":
        out["items"] = [s.UserBrief.of(u) for u in page.items]
    else:
        out["items"] = [
            {"name": t.name, "note_count": t.note_count, "label": t.label} for t in page.items
        ]
    return out

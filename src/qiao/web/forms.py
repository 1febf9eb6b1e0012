"""The compose and edit form: what was typed, kept when the service refuses it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from qiao.notes.models import Note
from qiao.notes.services import ImageInput


def _images(request: HttpRequest, alt_texts: list[str]) -> list[ImageInput]:
    """The uploaded photos in order, unread: the service checks count and size first."""
    uploads = request.FILES.getlist("images")
    return [ImageInput(upload=u, filename=u.name or "",
                       alt_text=alt_texts[i] if i < len(alt_texts) else "")
            for i, u in enumerate(uploads)]


@dataclass
class ComposeForm:
    title: str = ""
    body: str = ""
    topics: str = ""
    visibility: str = Note.Visibility.PUBLIC
    alt_texts: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request: HttpRequest) -> ComposeForm:
        if request.method != "POST":
            return cls(topics=request.GET.get("topic", ""))
        return cls(
            title=request.POST.get("title", ""), body=request.POST.get("body", ""),
            topics=request.POST.get("topics", ""),
            visibility=request.POST.get("visibility", Note.Visibility.PUBLIC),
            alt_texts=request.POST.getlist("alt_texts"),
        )

    @classmethod
    def from_note(cls, note: Note) -> ComposeForm:
        return cls(title=note.title, body=note.body,
                   topics=", ".join(t.name for t in note.topics.all()),
                   visibility=note.visibility)

    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.replace("，", ",").split(",") if t.strip()]

    def create_args(self, request: HttpRequest) -> dict[str, Any]:
        status = (Note.Status.DRAFT if request.POST.get("status") == "draft"
                  else Note.Status.PUBLISHED)
        return {"title": self.title, "body": self.body, "topics": self.topic_list(),
                "visibility": self.visibility, "status": status,
                "images": _images(request, self.alt_texts)}

    def update_args(self, request: HttpRequest, note: Note) -> dict[str, Any]:
        keep = [int(raw) for raw in request.POST.getlist("keep")
                if raw.isdigit() and len(raw) < 19]
        args: dict[str, Any] = {
            "title": self.title, "body": self.body, "topics": self.topic_list(),
            "visibility": self.visibility, "image_order": keep,
            "new_images": _images(request, []),
        }
        if request.POST.get("status") == "published" and not note.is_published:
            args["status"] = Note.Status.PUBLISHED
        return args

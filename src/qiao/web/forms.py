"""The compose and edit form: what was typed, kept when the service refuses it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from qiao.accounts.models import User
from qiao.core.errors import ServiceError
from qiao.notes import uploads
from qiao.notes.models import ClipCaption, Note, NoteClip, VideoUpload
from qiao.notes.services import ClipInput, ImageInput


def _images(
    request: HttpRequest, alt_texts: list[str], ai: set[int] | None = None
) -> list[ImageInput]:
    """The uploaded photos in order, unread: the service checks count and size first."""
    uploads_ = request.FILES.getlist("images")
    return [
        ImageInput(
            upload=u,
            filename=u.name or "",
            alt_text=alt_texts[i] if i < len(alt_texts) else "",
            ai_generated=i in (ai or set()),
        )
        for i, u in enumerate(uploads_)
    ]


def _ints(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit() and len(v) < 19}


def _captions(request: HttpRequest, before: str = "") -> bytes | str | None:
    """Captions from a file, else the text box when it says something new."""
    file = request.FILES.get("captions_file")
    if file is not None:
        return bytes(file.read(600 * 1024))
    text = request.POST.get("captions", "")
    if not text.strip() or text.strip() == before.strip():
        return None
    return text


@dataclass
class ComposeForm:
    title: str = ""
    body: str = ""
    topics: str = ""
    visibility: str = Note.Visibility.PUBLIC
    alt_texts: list[str] = field(default_factory=list)
    #: a finished resumable upload the form carries (also kept when the form is refused)
    video_upload: str = ""
    video_name: str = ""
    video_duration: float = 0.0
    video_ai_generated: bool = False
    video_alt_text: str = ""
    captions: str = ""
    captions_before: str = ""
    _clip: ClipInput | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> ComposeForm:
        if request.method != "POST":
            return cls(topics=request.GET.get("topic", ""))
        return cls(
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            topics=request.POST.get("topics", ""),
            visibility=request.POST.get("visibility", Note.Visibility.PUBLIC),
            alt_texts=request.POST.getlist("alt_texts"),
            video_upload=request.POST.get("video_upload", "").strip()[:40],
            video_ai_generated=request.POST.get("video_ai_generated") == "on",
            video_alt_text=request.POST.get("video_alt_text", ""),
            captions=request.POST.get("captions", ""),
            captions_before=request.POST.get("captions_before", ""),
        )

    @classmethod
    def from_note(cls, note: Note) -> ComposeForm:
        clip = NoteClip.objects.filter(note=note).first()
        original = (
            ClipCaption.objects.filter(clip=clip).exclude(source=ClipCaption.Source.MACHINE).first()
            if clip is not None
            else None
        )
        captions = (
            original.vtt
            if original is not None and original.source == ClipCaption.Source.AUTHOR
            else ""
        )
        return cls(
            title=note.title,
            body=note.body,
            topics=", ".join(t.name for t in note.topics.all()),
            visibility=note.visibility,
            video_ai_generated=bool(clip and clip.ai_author),
            video_alt_text=clip.alt_text if clip is not None else "",
            captions=captions,
            captions_before=captions,
        )

    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.replace("，", ",").split(",") if t.strip()]

    def _clip_input(self, request: HttpRequest) -> ClipInput | None:
        file = request.FILES.get("video")
        if not self.video_upload and file is None:
            return None
        self._clip = ClipInput(
            upload_id=self.video_upload or None,
            upload=None if self.video_upload else file,
            ai_generated=self.video_ai_generated,
            alt_text=self.video_alt_text,
        )
        return self._clip

    def create_args(self, request: HttpRequest) -> dict[str, Any]:
        status = (
            Note.Status.DRAFT if request.POST.get("status") == "draft" else Note.Status.PUBLISHED
        )
        return {
            "title": self.title,
            "body": self.body,
            "topics": self.topic_list(),
            "visibility": self.visibility,
            "status": status,
            "images": _images(request, self.alt_texts, _ints(request.POST.getlist("ai_images"))),
            "clip": self._clip_input(request),
            "captions": _captions(request),
        }

    def update_args(self, request: HttpRequest, note: Note) -> dict[str, Any]:
        keep = [int(raw) for raw in request.POST.getlist("keep") if raw.isdigit() and len(raw) < 19]
        labelled = _ints(request.POST.getlist("ai_images"))
        args: dict[str, Any] = {
            "title": self.title,
            "body": self.body,
            "topics": self.topic_list(),
            "visibility": self.visibility,
            "image_order": keep,
            "new_images": _images(request, []),
            "image_ai": {pk: pk in labelled for pk in keep},
            "clip": self._clip_input(request),
            "remove_clip": request.POST.get("remove_video") == "on",
            "captions": _captions(request, self.captions_before),
            "remove_captions": request.POST.get("remove_captions") == "on",
        }
        if request.POST.get("has_video"):
            args["clip_ai_generated"] = self.video_ai_generated
            args["clip_alt_text"] = self.video_alt_text
        if request.POST.get("status") == "published" and not note.is_published:
            args["status"] = Note.Status.PUBLISHED
        return args

    def keep_upload(self, user: User, error: ServiceError) -> None:
        """After a refused form, keep the video that was uploaded with it (the member need
        not send it again), unless the video itself was the problem."""
        upload_id = self._clip.upload_id if self._clip is not None else self.video_upload
        self.video_upload, self.video_name, self.video_duration = "", "", 0.0
        if not upload_id or "video" in error.fields:
            return
        try:
            upload = uploads.get_upload(user, upload_id)
        except ServiceError:
            return
        if upload.state == VideoUpload.State.COMPLETE:
            self.video_upload, self.video_name = str(upload.pk), upload.filename
            self.video_duration = float((upload.info or {}).get("duration") or 0.0)

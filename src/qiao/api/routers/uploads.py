"""Resumable video uploads: open one, send chunks at the offset the server has, ask where it
stands after a dropped connection, cancel. The finished upload's id goes into a note."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from qiao.api import schemas as s
from qiao.api.auth import require_user
from qiao.api.errors import ERRORS
from qiao.core.errors import Invalid
from qiao.notes import uploads

router = Router(tags=["uploads"])


@router.post("/uploads", response={201: s.UploadOut, **ERRORS})
def start_upload(request: HttpRequest, payload: s.UploadIn) -> Status[dict[str, Any]]:
    """Open a resumable upload of a video of `size` bytes (MP4, MOV or WebM). Refused with
    413 over the size limit or the caller's quota of unfinished uploads."""
    upload = uploads.start_upload(
        require_user(request), filename=payload.filename, size=payload.size
    )
    return Status(201, s.UploadOut.of(upload))


@router.get("/uploads/{upload_id}", response={200: s.UploadOut, **ERRORS})
def get_upload(request: HttpRequest, upload_id: UUID) -> dict[str, Any]:
    """Where the upload stands: carry on from `offset` after a dropped connection."""
    return s.UploadOut.of(uploads.get_upload(require_user(request), upload_id))


def _int_header(request: HttpRequest, name: str, *, required: bool) -> int | None:
    raw = request.headers.get(name, "")
    if not raw and not required:
        return None
    if not raw.isdigit() or len(raw) > 15:
        raise Invalid(
            _("Malformed request."), code="invalid", fields={name: [_("A whole number of bytes.")]}
        )
    return int(raw)


@router.patch("/uploads/{upload_id}", response={200: s.UploadOut, **ERRORS})
def send_chunk(request: HttpRequest, upload_id: UUID) -> dict[str, Any]:
    """Append the request body (raw bytes, `Content-Type: application/offset+octet-stream`)
    at the offset given in the `Upload-Offset` header, which must be the upload's `offset`
    (409 `offset_mismatch` otherwise, with the right one in `fields.offset`). A chunk cut off
    half way keeps what arrived. The last chunk completes the upload and the file is checked
    at once: 400 with the reason when it is not a video Qiao can use."""
    user = require_user(request)
    offset = _int_header(request, "Upload-Offset", required=True)
    length = _int_header(request, "Content-Length", required=False)
    upload = uploads.upload_chunk(user, upload_id, offset or 0, request, length)
    return s.UploadOut.of(upload)


@router.delete("/uploads/{upload_id}", response={204: None, **ERRORS})
def cancel_upload(request: HttpRequest, upload_id: UUID) -> Status[None]:
    uploads.cancel_upload(require_user(request), upload_id)
    return Status(204, None)

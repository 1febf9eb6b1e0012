"""Uploaded files as services see them: anything with a size and a `read()` (Django's
uploads from the pages and the API alike), read only after the size is checked."""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import gettext as _

from qiao.core.errors import TooLarge


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


def too_large(max_bytes: int, field: str, name: str = "") -> TooLarge:
    message = _("Each photo must be at most %(mb)d MB.") % {"mb": max_bytes // 2**20}
    return TooLarge(message, fields={field: [f"{name}: {message}" if name else message]})


def read_upload(upload: Upload | bytes, max_bytes: int, *, field: str = "images") -> bytes:
    """The upload's bytes, refusing (413) before reading anything when it is too large, and
    never reading more than `max_bytes + 1` bytes whatever it claims."""
    if isinstance(upload, bytes):
        data = upload
    else:
        if upload.size is not None and upload.size > max_bytes:
            raise too_large(max_bytes, field, upload.name or "")
        data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        name = "" if isinstance(upload, bytes) else (upload.name or "")
        raise too_large(max_bytes, field, name)
    return data

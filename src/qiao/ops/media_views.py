"""Media files for the embedded profile (local storage), with HTTP range requests: a video
player seeks by asking for a byte range and must get `206 Partial Content` back. Behind
nginx or with S3 this view is not used (they answer ranges themselves)."""

from __future__ import annotations

import mimetypes
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.utils._os import safe_join
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

TYPES = {
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".vtt": "text/vtt; charset=utf-8",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_BLOCK = 1 << 16


def _byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte of a single `Range: bytes=a-b` (inclusive); None when there is no
    usable range (serve everything); False when it cannot be satisfied (416)."""
    m = _RANGE.match(header.strip())
    if m is None:
        return None  # another unit, or several ranges: a full response is allowed
    first, last = m.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        n = int(last)
        if n == 0:
            return False
        return max(0, size - n), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return False
    return start, end


def _chunks(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as fh:
        fh.seek(start)
        left = length
        while left > 0:
            data = fh.read(min(_BLOCK, left))
            if not data:
                return
            left -= len(data)
            yield data


@require_safe
def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    root = Path(settings.MEDIA_ROOT)
    clean = posixpath.normpath(path).lstrip("/")
    try:
        full = Path(safe_join(str(root), clean))
    except SuspiciousFileOperation as exc:  # a path outside the root
        raise Http404 from exc
    if not full.is_file():
        raise Http404
    stat = full.stat()
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    last_modified = http_date(stat.st_mtime)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if request.headers.get("If-None-Match") == etag or (
        since is not None and int(stat.st_mtime) <= since and "If-None-Match" not in request.headers
    ):
        return HttpResponseNotModified()
    content_type = (
        TYPES.get(full.suffix.lower())
        or mimetypes.guess_type(full.name)[0]
        or "application/octet-stream"
    )
    wanted = (
        _byte_range(request.headers.get("Range", ""), size) if "Range" in request.headers else None
    )
    if_range = request.headers.get("If-Range")
    if wanted is not None and if_range and if_range not in (etag, last_modified):
        wanted = None  # the file changed since the client's first part: send it whole
    if wanted is False:
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif isinstance(wanted, tuple):
        first, last = wanted
        response = StreamingHttpResponse(
            _chunks(full, first, last - first + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    else:
        response = StreamingHttpResponse(_chunks(full, 0, size), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    if request.method == "HEAD" and isinstance(response, StreamingHttpResponse):
        response.streaming_content = iter(())
    return response

"""Resumable video uploads: a phone on a poor connection sends a clip in chunks and carries
on where it stopped.

    start_upload(owner, filename=, size=)   -> an upload with `received == 0`
    upload_chunk(owner, id, offset, body)   -> appends at `offset` (must equal `received`)
    get_upload(owner, id)                   -> where to carry on after a dropped connection
    cancel_upload(owner, id)

The server's offset is the size of the file in the upload area, so a chunk cut off half way
keeps the bytes that arrived and the client resumes from there. When the last byte is in, the
file is checked at once by content (`sniff_file` in microseconds, then `probe` in about a
second): a refused file says why before the member has even pressed Publish. A note then
takes the upload (`claim_upload`). Each member may hold `QIAO_VIDEO_UPLOAD_QUOTA_BYTES` of
uploads not yet used, and uploads left untouched for `QIAO_VIDEO_UPLOAD_EXPIRY` seconds are
deleted (`expire_uploads`, a periodic job).

The upload area is a directory on the web host (`QIAO_VIDEO_UPLOAD_DIR`); with several web
hosts, it must be a shared volume (or chunks must reach the host that has the file).
"""

from __future__ import annotations

import dataclasses
import fcntl
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Conflict, Invalid, NotFound, TooLarge
from qiao.core.media import video_policy, video_rejection_message
from qiao.core.ratelimit import rate_limited
from qiao.core.text import normalize
from qiao.engines.media.video import VideoInfo, VideoRejected, VideoUnavailable, probe, sniff_file
from qiao.notes.models import VideoUpload

logger = logging.getLogger(__name__)

#: How many unfinished or unused uploads a member may hold at once.
MAX_OPEN_UPLOADS = 5
_READ = 1 << 16


class Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


def upload_dir() -> Path:
    path = Path(settings.QIAO_VIDEO_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(upload: VideoUpload) -> Path:
    return upload_dir() / f"{upload.owner_id}-{upload.pk.hex}.part"


def _rejected(code: str, *, status: type[Invalid] | type[TooLarge] = Invalid) -> Invalid | TooLarge:
    message = video_rejection_message(code)
    return status(message, code=f"video_{code}", fields={"video": [message]})


def _own(owner: User, upload_id: uuid.UUID | str) -> VideoUpload:
    try:
        key = uuid.UUID(str(upload_id))
    except ValueError as exc:
        raise NotFound(_("Upload not found.")) from exc
    upload = VideoUpload.objects.filter(pk=key, owner=owner).first()
    if upload is None:
        raise NotFound(_("Upload not found."))
    return upload


def _held_bytes(owner: User) -> int:
    total = (
        VideoUpload.objects.filter(owner=owner)
        .exclude(state=VideoUpload.State.REJECTED)
        .aggregate(n=Sum("size"))["n"]
    )
    return int(total or 0)


@rate_limited("video")
def start_upload(owner: User, *, filename: str = "", size: int) -> VideoUpload:
    """Open a resumable upload of `size` bytes. Refuses (413) a clip over the size limit and
    an upload that would take the member past their quota of unused uploads."""
    policy = video_policy()
    if size <= 0:
        raise _rejected("empty")
    if size > policy.max_bytes:
        raise _rejected("too_large", status=TooLarge)
    expire_uploads(owner=owner)
    held = VideoUpload.objects.filter(owner=owner).exclude(state=VideoUpload.State.REJECTED)
    if (
        held.count() >= MAX_OPEN_UPLOADS
        or _held_bytes(owner) + size > settings.QIAO_VIDEO_UPLOAD_QUOTA_BYTES
    ):
        message = _(
            "You have too many videos uploading or waiting to be posted; post or cancel one first."
        )
        raise TooLarge(message, code="upload_quota", fields={"video": [message]})
    upload = VideoUpload.objects.create(
        id=uuid.uuid4(), owner=owner, filename=normalize(filename)[:200], size=size
    )
    upload_path(upload).touch(mode=0o600)
    return upload


def get_upload(owner: User, upload_id: uuid.UUID | str) -> VideoUpload:
    """The member's upload, with `received` as the file really has it."""
    upload = _own(owner, upload_id)
    if upload.state == VideoUpload.State.RECEIVING:
        path = upload_path(upload)
        upload.received = path.stat().st_size if path.exists() else 0
    return upload


@contextmanager
def _locked(path: Path) -> Iterator[IO[bytes]]:
    """The part file opened for appending, locked against a second chunk sent at once (by a
    client retrying while its first request is still arriving)."""
    fh = open(path, "ab")  # noqa: SIM115 - closed below, after the lock is released
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Conflict(
                _("Another part of this upload is still arriving; try again in a moment."),
                code="upload_busy",
            ) from exc
        yield fh
    finally:
        fh.close()


def upload_chunk(
    owner: User, upload_id: uuid.UUID | str, offset: int, body: Readable, length: int | None
) -> VideoUpload:
    """Append the bytes of `body` (`length` of them when the request says so) at `offset`,
    which must be where the upload stands (409 with the right offset otherwise). Bytes past
    the declared size or a chunk over `QIAO_VIDEO_CHUNK_BYTES` are refused before anything
    is read. The last chunk completes the upload and checks the file."""
    if length is not None and length > settings.QIAO_VIDEO_CHUNK_BYTES:
        message = _("Send at most %(mb)d MB at a time.") % {
            "mb": settings.QIAO_VIDEO_CHUNK_BYTES // 2**20
        }
        raise TooLarge(message, code="chunk_too_large")
    return _append(_own(owner, upload_id), offset, body, length, settings.QIAO_VIDEO_CHUNK_BYTES)


def _append(
    upload: VideoUpload, offset: int, body: Readable, length: int | None, most: int
) -> VideoUpload:
    if upload.state != VideoUpload.State.RECEIVING:
        if upload.state == VideoUpload.State.REJECTED:
            raise _rejected(upload.error_code or "processing_failed")
        raise Conflict(_("This upload is already complete."), code="upload_complete")
    path = upload_path(upload)
    if not path.exists():
        raise _rejected("upload_expired")
    with _locked(path) as fh:
        start = fh.seek(0, os.SEEK_END)
        if offset != start:
            raise Conflict(
                _("The upload is at byte %(n)d; send the data from there.") % {"n": start},
                code="offset_mismatch",
                fields={"offset": [str(start)]},
            )
        room = upload.size - start
        if length is not None and length > room:
            raise TooLarge(
                _("This is more data than the size you declared."), code="upload_too_long"
            )
        want = min(room, most) if length is None else length
        got = 0
        try:
            while got < want:
                data = body.read(min(_READ, want - got))
                if not data:
                    break  # the connection dropped: keep what arrived, the client resumes
                fh.write(data)
                got += len(data)
            if length is None and got == room and body.read(1):
                fh.truncate(start)  # a body without a length that runs past the size
                got = 0
                raise TooLarge(
                    _("This is more data than the size you declared."), code="upload_too_long"
                )
        finally:
            fh.flush()
    have = start + got
    VideoUpload.objects.filter(pk=upload.pk).update(received=have, updated_at=timezone.now())
    upload.received = have
    if have == upload.size:
        _complete(upload)
    return upload


def _complete(upload: VideoUpload) -> None:
    """Check the finished file by its content; keep what `probe` says, or refuse it (the
    file is deleted and the upload remembers why)."""
    path = upload_path(upload)
    try:
        sniff_file(path, video_policy())
        info = probe(path, video_policy())
    except VideoRejected as exc:
        path.unlink(missing_ok=True)
        upload.state, upload.error_code = VideoUpload.State.REJECTED, exc.code
        upload.save(update_fields=["state", "error_code"])
        raise _rejected(exc.code) from exc
    except VideoUnavailable as exc:
        raise _rejected("video_unavailable") from exc
    upload.state = VideoUpload.State.COMPLETE
    upload.info = dataclasses.asdict(info)
    upload.save(update_fields=["state", "info"])


def upload_whole_file(owner: User, file: Any) -> VideoUpload:
    """A clip sent in one request (a page without JavaScript, or an API client that does not
    resume): the same limits and checks as a resumable upload."""
    size = getattr(file, "size", None)
    if size is None:
        raise Invalid(_("The video is missing."), fields={"video": [_("The video is missing.")]})
    upload = start_upload(owner, filename=getattr(file, "name", "") or "", size=int(size))
    seek = getattr(file, "seek", None)
    if seek is not None:
        seek(0)
    try:
        upload = _append(upload, 0, file, None, upload.size)
        if upload.state != VideoUpload.State.COMPLETE:
            raise _rejected("corrupt")  # fewer bytes than the request said
        return upload
    except Exception:
        cancel_upload(owner, upload.pk)
        raise


def cancel_upload(owner: User, upload_id: uuid.UUID | str) -> None:
    upload = _own(owner, upload_id)
    upload_path(upload).unlink(missing_ok=True)
    upload.delete()


@dataclass(frozen=True)
class ClaimedUpload:
    """An upload a note has taken: the file (now the caller's to move or delete) and what
    `probe` found."""

    path: Path
    info: VideoInfo
    filename: str


def check_upload(owner: User, upload_id: uuid.UUID | str) -> VideoUpload:
    """The member's complete, accepted upload (400 with the reason otherwise)."""
    upload = _own(owner, upload_id)
    if upload.state == VideoUpload.State.REJECTED:
        raise _rejected(upload.error_code or "processing_failed")
    if upload.state != VideoUpload.State.COMPLETE:
        raise _rejected("upload_incomplete")
    if not upload_path(upload).exists():
        raise _rejected("upload_expired")
    return upload


def claim_upload(owner: User, upload_id: uuid.UUID | str) -> ClaimedUpload:
    """Take a complete upload for a note: its row goes, the file is the caller's."""
    upload = check_upload(owner, upload_id)
    info = dict(upload.info)
    info["ai_reasons"] = tuple(info.get("ai_reasons") or ())
    info["notes"] = tuple(info.get("notes") or ())
    claimed = ClaimedUpload(upload_path(upload), VideoInfo(**info), upload.filename)
    if not VideoUpload.objects.filter(pk=upload.pk, state=VideoUpload.State.COMPLETE).delete()[0]:
        raise _rejected("upload_expired")  # another request took it first
    return claimed


def expire_uploads(owner: User | None = None) -> int:
    """Delete uploads nobody has touched for `QIAO_VIDEO_UPLOAD_EXPIRY` seconds (and refused
    ones after the same time), with their files; also part files no upload owns. A periodic
    job; also run for a member before they start a new upload. Returns how many went."""
    cutoff = timezone.now() - timedelta(seconds=settings.QIAO_VIDEO_UPLOAD_EXPIRY)
    stale = VideoUpload.objects.filter(updated_at__lt=cutoff)
    if owner is not None:
        stale = stale.filter(owner=owner)
    gone = 0
    for upload in stale:
        upload_path(upload).unlink(missing_ok=True)
        upload.delete()
        gone += 1
    if owner is None:
        known = {f"{o}-{u.hex}.part" for o, u in VideoUpload.objects.values_list("owner_id", "id")}
        for path in upload_dir().glob("*.part"):
            try:
                old = path.stat().st_mtime < cutoff.timestamp()
            except FileNotFoundError:
                continue
            if path.name not in known and old:
                path.unlink(missing_ok=True)
                gone += 1
    if gone:
        logger.info("expired %d video uploads", gone)
    return gone

"""Recognise a video container from its first bytes, before FFmpeg sees the file.

FFmpeg probes any of its ~400 demuxers by content, including playlist formats (HLS, concat)
that open other files or URLs. Only two families are ever handed to it here, each to its
own demuxer by name: the ISO base media / QuickTime family (MP4, MOV, 3GP, M4V) to ``mov``,
EBML (Matroska, WebM) to ``matroska``. Everything else is refused here, with a code that
says what it is when that is easy to tell.
"""

from __future__ import annotations

import struct

#: Top-level box types a QuickTime/ISO file can start with.
_BMFF_FIRST = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"uuid"}
#: ``ftyp`` major brands of still images: HEIF/AVIF photos are not videos.
_IMAGE_BRANDS = {
    b"heic",
    b"heix",
    b"heim",
    b"heis",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
    b"jpeg",
    b"avci",
}
_EBML = b"\x1a\x45\xdf\xa3"

#: Recognisable non-video content -> (code, what it is).
_OTHER_MEDIA = (
    (b"RIFF", "unsupported_format"),  # AVI (RIFF....AVI ) or WAV/WebP
    (b"FLV", "unsupported_format"),
    (b"OggS", "unsupported_format"),
    (b"\x00\x00\x01\xba", "unsupported_format"),  # MPEG program stream
    (b"\x30\x26\xb2\x75", "unsupported_format"),  # ASF/WMV
)


def sniff_container(head: bytes) -> tuple[str | None, str | None]:
    """Return ``(demuxer, None)`` for an accepted container, or ``(None, code)``.

    ``demuxer`` is ``"mov"`` or ``"matroska"``; ``code`` is ``empty``, ``not_a_video`` or
    ``unsupported_format``.
    """
    if not head:
        return None, "empty"
    if len(head) >= 12 and head[4:8] in _BMFF_FIRST:
        (size,) = struct.unpack(">I", head[:4])
        if size == 1 or size == 0 or size >= 8:
            if head[4:8] == b"ftyp" and head[8:12] in _IMAGE_BRANDS:
                return None, "not_a_video"
            return "mov", None
    if head.startswith(_EBML):
        return "matroska", None
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return None, "unsupported_format"  # MPEG transport stream: a sync byte every 188
    for magic, code in _OTHER_MEDIA:
        if head.startswith(magic):
            return None, code
    return None, "not_a_video"

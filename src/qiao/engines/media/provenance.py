"""AI-generated content declared in a file's metadata, read before the metadata is stripped.

Two declarations are understood, in images (JPEG, PNG, WebP, HEIF/AVIF, GIF) and videos
(MP4/MOV/ISO-BMFF):

* **IPTC digital source type** in XMP (``Iptc4xmpExt:DigitalSourceType``), as generators and
  editors write it: ``…/digitalsourcetype/trainedAlgorithmicMedia`` (made by a generative
  model) or ``compositeWithTrainedAlgorithmicMedia`` (a picture partly made by one).
* **C2PA manifests** (Content Credentials), a JUMBF box labelled ``c2pa``: JPEG APP11, PNG
  ``caBX`` chunk, WebP ``C2PA`` chunk, ISO-BMFF ``uuid`` box. A manifest that names a digital
  source type is read for it; one that names an AI type, or names none at all, counts as a
  declaration (the issue asks for "C2PA manifest presence"); one that names only a capture
  or human-made type (a camera's Content Credentials) does not.

XMP is taken from where each container keeps it (JPEG APP1 and extended-XMP segments, PNG
``iTXt``/``zTXt``/``tEXt``, WebP ``XMP `` chunk, BMFF ``uuid``/``XMP_`` boxes) and, for
formats that keep it elsewhere (HEIF items, GIF extensions, TIFF), by XMP packet scanning —
the method the XMP specification defines for unknown formats. Only XMP packets are read:
the words "trainedAlgorithmicMedia" in a caption, a comment or pixel data are not a
declaration. Videos are read box by box with seeks; sample data (``mdat``) is never read.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree import ElementTree

#: Digital source types that mean "made (wholly or partly) by a trained model".
AI_SOURCE_TYPES = frozenset(
    {
        "trainedalgorithmicmedia",
        "compositewithtrainedalgorithmicmedia",
    }
)
#: Types that positively say "not generated": a C2PA manifest naming only these is a
#: camera's or an editor's Content Credentials, not an AI declaration.
NON_AI_SOURCE_TYPES = frozenset(
    {
        "digitalcapture",
        "negativefilm",
        "positivefilm",
        "print",
        "minorhumanedits",
        "humanedits",
        "compositecapture",
        "digitalart",
        "virtualrecording",
        "screencapture",
        "compositesynthetic",
        "algorithmicallyenhanced",
        "datadrivenmedia",
        "algorithmicmedia",
    }
)

_XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_JPEG_EXT = b"http://ns.adobe.com/xmp/extension/\x00"
_UUID_XMP = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
_UUID_C2PA_BMFF = bytes.fromhex("D8FEC3D61B0E483C92975828877EC481")
_C2PA_JUMD_PREFIX = b"c2pa"  # the manifest store's JUMBF type UUID starts with "c2pa"
_MAX_XMP = 4 * 1024 * 1024
_MAX_C2PA = 32 * 1024 * 1024
_MAX_BOXES = 4096
_SOURCE_TYPE_RE = re.compile(
    rb"digitalsourcetype/([A-Za-z]+)|DigitalSourceType[^A-Za-z]{1,40}(?:[^\"'<>\s]*/)?([A-Za-z]+)",
)
_PACKET_RE = re.compile(rb"<x:x[am]pmeta[\s>].*?</x:x[am]pmeta>", re.DOTALL)
_BMFF_CONTAINERS = {b"moov", b"trak", b"udta", b"mdia", b"minf", b"meta", b"ilst"}


@dataclass
class Provenance:
    """What the file's metadata declares about how it was made.

    ``ai_generated`` is the label; ``source_types`` are the IPTC digital source types found
    (lower-case codes, e.g. ``"trainedalgorithmicmedia"``), ``c2pa`` says a C2PA manifest is
    present, ``reasons`` are short stable codes for logs and the moderator view:
    ``xmp_trained_algorithmic_media``, ``c2pa_trained_algorithmic_media``, ``c2pa_manifest``.
    """

    ai_generated: bool = False
    c2pa: bool = False
    source_types: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Found:
    xmp: list[bytes] = field(default_factory=list)
    c2pa: list[bytes] = field(default_factory=list)


# --- public entry points ------------------------------------------------------------------


def detect_provenance(data: bytes) -> Provenance:
    """Provenance of an image or a small video held in memory."""
    return _decide(_extract(io.BytesIO(data), len(data), whole=data))


def detect_provenance_file(path: str) -> Provenance:
    """Provenance of a file on disk (videos: only the boxes around the media data are read)."""
    with open(path, "rb") as fh:
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
        fh.seek(0)
        return _decide(_extract(fh, size, whole=None))


# --- decision ------------------------------------------------------------------------------


def _decide(found: _Found) -> Provenance:
    result = Provenance(c2pa=bool(found.c2pa))
    xmp_types: list[str] = []
    for packet in found.xmp:
        xmp_types.extend(_xmp_source_types(packet))
    c2pa_types: list[str] = []
    for store in found.c2pa:
        c2pa_types.extend(
            (m.group(1) or m.group(2)).decode("ascii").lower()
            for m in _SOURCE_TYPE_RE.finditer(store)
        )
    result.source_types = list(dict.fromkeys(xmp_types + c2pa_types))
    if any(t in AI_SOURCE_TYPES for t in xmp_types):
        result.reasons.append("xmp_trained_algorithmic_media")
    if any(t in AI_SOURCE_TYPES for t in c2pa_types):
        result.reasons.append("c2pa_trained_algorithmic_media")
    elif found.c2pa and not any(t in NON_AI_SOURCE_TYPES for t in c2pa_types):
        result.reasons.append("c2pa_manifest")
    result.ai_generated = bool(result.reasons)
    return result


def _xmp_source_types(packet: bytes) -> list[str]:
    """DigitalSourceType values of one XMP packet (attribute or element form)."""
    if b"<!DOCTYPE" in packet or b"<!ENTITY" in packet:
        return []  # XMP never has a DTD; do not give entity expansion a chance
    try:
        root = ElementTree.fromstring(packet)  # noqa: S314 - DTDs refused above
    except ElementTree.ParseError:
        # Malformed XML from a careless writer: read the property textually, still only
        # inside the XMP packet.
        return [
            (m.group(1) or m.group(2)).decode("ascii").lower()
            for m in _SOURCE_TYPE_RE.finditer(packet)
        ]
    values: list[str] = []
    for element in root.iter():
        if _local(element.tag) == "DigitalSourceType":
            text = (element.text or "").strip()
            for name, value in element.attrib.items():
                if _local(name) == "resource":
                    text = text or value
            values.append(text)
            values.extend((li.text or "").strip() for li in element.iter() if li is not element)
        for name, value in element.attrib.items():
            if _local(name) == "DigitalSourceType":
                values.append(value)
    return [v.rstrip("/").rsplit("/", 1)[-1].lower() for v in values if v.strip()]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


# --- extraction by container -----------------------------------------------------------------


def _extract(fh: BinaryIO, size: int, whole: bytes | None) -> _Found:
    head = fh.read(16)
    fh.seek(0)
    found = _Found()
    try:
        if head.startswith(b"\xff\xd8"):
            _jpeg(_read_all(fh, whole), found)
        elif head.startswith(b"\x89PNG\r\n\x1a\n"):
            _png(_read_all(fh, whole), found)
        elif head.startswith(b"RIFF") and head[8:12] == b"WEBP":
            _webp(_read_all(fh, whole), found)
        elif head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"uuid"):
            _bmff(fh, 0, size, found, depth=0)
            if whole is not None and not found.xmp and _is_image_brand(head):
                # HEIF/AVIF keep XMP as an item inside mdat: scan the packet.
                found.xmp.extend(_scan_packets(whole))
        elif whole is not None:
            found.xmp.extend(_scan_packets(whole))
            found.c2pa.extend(_scan_jumbf(whole))
    except (struct.error, ValueError, IndexError, zlib.error, OSError):
        pass  # a damaged metadata block declares nothing; validation decides on the file
    return found


def _read_all(fh: BinaryIO, whole: bytes | None) -> bytes:
    return whole if whole is not None else fh.read()


def _is_image_brand(head: bytes) -> bool:
    return head[8:12] in (
        b"heic",
        b"heix",
        b"mif1",
        b"msf1",
        b"heim",
        b"heis",
        b"avif",
        b"avis",
        b"hevc",
        b"hevx",
    )


def _jpeg(data: bytes, found: _Found) -> None:
    pos = 2
    extended: list[bytes] = []
    jumbf: dict[bytes, list[tuple[int, bytes]]] = {}
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan: no metadata after this
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        payload = data[pos + 4 : pos + 2 + length]
        if marker == 0xE1 and payload.startswith(_XMP_JPEG):
            found.xmp.append(payload[len(_XMP_JPEG) :][:_MAX_XMP])
        elif marker == 0xE1 and payload.startswith(_XMP_JPEG_EXT):
            extended.append(payload[len(_XMP_JPEG_EXT) + 40 :])
        elif marker == 0xEB and payload[:2] == b"JP" and len(payload) >= 8:
            # JUMBF in APP11: CI "JP", box instance (2), sequence number (4), box data.
            instance, seq = payload[2:4], struct.unpack(">I", payload[4:8])[0]
            jumbf.setdefault(instance, []).append((seq, payload[8:]))
        pos += 2 + length
    if extended:
        found.xmp.append(b"".join(extended)[:_MAX_XMP])
    for parts in jumbf.values():
        parts.sort()
        first = parts[0][1]
        # Continuation packets repeat the box header (LBox, TBox) of the first one.
        store = first + b"".join(p[8:] for _s, p in parts[1:])
        if _is_c2pa_jumbf(store):
            found.c2pa.append(store[:_MAX_C2PA])


def _png(data: bytes, found: _Found) -> None:
    pos = 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if ctype == b"iTXt":
            keyword, _, rest = body.partition(b"\x00")
            if keyword == b"XML:com.adobe.xmp" and len(rest) >= 2:
                compressed = rest[0] == 1
                _lang, _, rest2 = rest[2:].partition(b"\x00")
                _translated, _, text = rest2.partition(b"\x00")
                found.xmp.append(_inflate(text) if compressed else text[:_MAX_XMP])
        elif ctype == b"zTXt":
            keyword, _, rest = body.partition(b"\x00")
            if keyword in (b"XML:com.adobe.xmp", b"Raw profile type xmp"):
                found.xmp.append(_inflate(rest[1:]))
        elif ctype == b"tEXt":
            keyword, _, text = body.partition(b"\x00")
            if keyword == b"XML:com.adobe.xmp":
                found.xmp.append(text[:_MAX_XMP])
        elif ctype == b"caBX" and _is_c2pa_jumbf(body):
            found.c2pa.append(body[:_MAX_C2PA])
        elif ctype == b"IEND":
            break
        pos += 12 + length


def _webp(data: bytes, found: _Found) -> None:
    pos = 12
    while pos + 8 <= len(data):
        ctype, length = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + length]
        if ctype == b"XMP ":
            found.xmp.append(body[:_MAX_XMP])
        elif ctype == b"C2PA" and _is_c2pa_jumbf(body):
            found.c2pa.append(body[:_MAX_C2PA])
        pos += 8 + length + (length & 1)


def _bmff(fh: BinaryIO, start: int, end: int, found: _Found, depth: int) -> None:
    """Walk ISO-BMFF boxes between start and end, reading only metadata boxes."""
    pos = start
    for _ in range(_MAX_BOXES):
        if pos + 8 > end:
            return
        fh.seek(pos)
        header = fh.read(16)
        if len(header) < 8:
            return
        size, btype = struct.unpack(">I4s", header[:8])
        offset = 8
        if size == 1:
            if len(header) < 16:
                return
            (size,) = struct.unpack(">Q", header[8:16])
            offset = 16
        elif size == 0:
            size = end - pos
        if size < offset:
            return
        body_start, body_end = pos + offset, min(pos + size, end)
        if btype == b"uuid":
            fh.seek(body_start)
            ext = fh.read(16)
            length = body_end - body_start - 16
            if ext == _UUID_XMP and 0 < length <= _MAX_XMP:
                found.xmp.append(fh.read(length))
            elif ext == _UUID_C2PA_BMFF and 0 < length <= _MAX_C2PA:
                found.c2pa.append(fh.read(length))
        elif btype == b"XMP_" and 0 < body_end - body_start <= _MAX_XMP:
            fh.seek(body_start)
            found.xmp.append(fh.read(body_end - body_start))
        elif btype in _BMFF_CONTAINERS and depth < 8:
            child = body_start
            if btype == b"meta":
                # ISO meta is a full box (4 bytes of version/flags); QuickTime's is not.
                fh.seek(body_start + 4)
                quicktime = fh.read(4) in (b"hdlr", b"keys", b"ilst")
                child = body_start if quicktime else body_start + 4
            _bmff(fh, child, body_end, found, depth + 1)
        pos = pos + size


def _is_c2pa_jumbf(data: bytes) -> bool:
    """A JUMBF superbox (``jumb``) whose description box (``jumd``) says C2PA."""
    idx = data.find(b"jumd", 0, 64)
    return (
        data[4:8] == b"jumb"
        and idx >= 0
        and (data[idx + 4 : idx + 8] == _C2PA_JUMD_PREFIX or b"c2pa" in data[idx + 4 : idx + 40])
    )


def _scan_jumbf(data: bytes) -> list[bytes]:
    out = []
    for m in re.finditer(rb"jumb\x00\x00\x00.jumdc2pa", data, re.DOTALL):
        out.append(data[max(0, m.start() - 4) : m.start() - 4 + _MAX_C2PA])
    return out


def _scan_packets(data: bytes) -> Iterator[bytes]:
    for m in _PACKET_RE.finditer(data):
        if m.end() - m.start() <= _MAX_XMP:
            yield m.group(0)


def _inflate(data: bytes) -> bytes:
    out = zlib.decompressobj().decompress(data, _MAX_XMP)
    return bytes(out)

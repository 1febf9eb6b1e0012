"""Deterministic test pictures, built from formulas (no random generator, no files)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw


def blurhash_cases() -> list[tuple[str, NDArray[np.uint8]]]:
    """Pictures by category: flat, gradients, stripes, smooth photo-like, hard edges, tiny
    and extreme aspect ratios."""

    def grid(h: int, w: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        y, x = np.mgrid[0:h, 0:w].astype(np.float64)
        return y, x

    cases: list[tuple[str, NDArray[np.uint8]]] = []
    cases.append(("flat_red", np.full((32, 48, 3), (200, 30, 40), np.uint8)))
    cases.append(("flat_black", np.zeros((20, 20, 3), np.uint8)))
    cases.append(("flat_white", np.full((17, 29, 3), 255, np.uint8)))
    y, x = grid(40, 64)
    cases.append(
        ("h_gradient", np.stack([x * 4, x * 2, 255 - x * 4], -1).clip(0, 255).astype(np.uint8))
    )
    y, x = grid(64, 40)
    cases.append(
        ("v_gradient", np.stack([y * 3, 128 + y, y * 0 + 60], -1).clip(0, 255).astype(np.uint8))
    )
    y, x = grid(48, 48)
    cases.append(("stripes", np.stack([(x // 4 % 2) * 255] * 3, -1).astype(np.uint8)))
    cases.append(
        (
            "checker",
            np.stack(
                [
                    ((x // 6 + y // 6) % 2) * 230 + 10,
                    ((x // 6 + y // 6) % 2) * 40 + 100,
                    ((x // 3) % 2) * 90,
                ],
                -1,
            ).astype(np.uint8),
        )
    )
    cases.append(
        (
            "smooth",
            np.stack(
                [
                    128 + 100 * np.sin(x / 7),
                    128 + 100 * np.cos(y / 5),
                    128 + 60 * np.sin((x + y) / 9),
                ],
                -1,
            ).astype(np.uint8),
        )
    )
    cases.append(
        (
            "pattern",
            np.stack([(x * 7 + y * 13) % 256, (x * y) % 256, (x * 31 + y * 3) % 256], -1).astype(
                np.uint8
            ),
        )
    )
    cases.append(("tiny", np.array([[[255, 0, 0], [0, 0, 255]]], np.uint8)))
    y, x = grid(3, 64)
    cases.append(("wide", np.stack([x * 4, y * 80, 255 - x * 4], -1).clip(0, 255).astype(np.uint8)))
    img = Image.new("RGB", (64, 48), (240, 220, 200))
    draw = ImageDraw.Draw(img)
    draw.ellipse([10, 8, 40, 38], fill=(30, 120, 200))
    draw.rectangle([36, 20, 60, 44], fill=(200, 40, 60))
    cases.append(("shapes", np.asarray(img)))
    return cases


def asymmetric(w: int = 120, h: int = 80) -> Image.Image:
    """Red top-left corner, blue bottom-right, green elsewhere: any rotation or mirror of it
    is a different picture."""
    img = Image.new("RGB", (w, h), (0, 160, 0))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, w // 4, h // 4], fill=(220, 0, 0))
    draw.rectangle([w - w // 4, h - h // 4, w, h], fill=(0, 0, 220))
    return img


def encode(img: Image.Image, fmt: str, **kw: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


# --- metadata builders (AI-generation declarations) -------------------------------------------

IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"
C2PA_UUID = bytes.fromhex("6332706100110010800000AA00389B71")


def xmp_packet(source_type: str | None, form: str = "attr", extra: str = "") -> bytes:
    """An XMP packet declaring `source_type` (a bare IPTC code or a full URI) in one of the
    three RDF spellings: attribute, element text, rdf:resource."""
    value = source_type if source_type is None or ":" in source_type else DST + source_type
    prop = ""
    attr = ""
    if value is not None:
        if form == "attr":
            attr = f' Iptc4xmpExt:DigitalSourceType="{value}"'
        elif form == "element":
            prop = f"<Iptc4xmpExt:DigitalSourceType>{value}</Iptc4xmpExt:DigitalSourceType>"
        else:
            prop = f'<Iptc4xmpExt:DigitalSourceType rdf:resource="{value}"/>'
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="{IPTC_EXT}" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"{attr}>{prop}{extra}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def box(kind: bytes, payload: bytes) -> bytes:
    import struct

    return struct.pack(">I", 8 + len(payload)) + kind + payload


def c2pa_store(source_type: str | None = "trainedAlgorithmicMedia") -> bytes:
    """A C2PA manifest store as a JUMBF superbox; the actions assertion names `source_type`
    in CBOR-like text, as real manifests do."""
    label = b"c2pa\x00"
    actions = b"\xa1gactions\x81\xa2factionlc2pa.created"
    if source_type:
        actions += b"qdigitalSourceTypex" + (DST + source_type).encode()
    assertion = box(
        b"jumb", box(b"jumd", b"cbor" + bytes(12) + b"\x03c2pa.actions\x00") + box(b"cbor", actions)
    )
    manifest = box(
        b"jumb", box(b"jumd", b"c2ma" + bytes(12) + b"\x03urn:uuid:1234\x00") + assertion
    )
    return box(b"jumb", box(b"jumd", C2PA_UUID + b"\x03" + label) + manifest)


def jpeg_with_segments(img: Image.Image, segments: list[tuple[int, bytes]]) -> bytes:
    """A JPEG with extra marker segments inserted right after SOI."""
    import struct

    data = encode(img, "JPEG", quality=85)
    extra = b"".join(
        bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
        for marker, payload in segments
    )
    return data[:2] + extra + data[2:]


def jpeg_app11_c2pa(store: bytes, parts: int = 1) -> list[tuple[int, bytes]]:
    """APP11 JUMBF segments carrying `store`, split into `parts` packets (each after the first
    repeats the superbox header, as the JPEG-XT/C2PA embedding does)."""
    import struct

    header, body = store[:8], store[8:]
    step = -(-len(body) // parts)
    segments = []
    for i in range(parts):
        chunk = body[i * step : (i + 1) * step]
        payload = b"JP" + b"\x00\x01" + struct.pack(">I", i + 1) + header + chunk
        segments.append((0xEB, payload))
    return segments


def png_with_chunks(img: Image.Image, chunks: list[tuple[bytes, bytes]]) -> bytes:
    import struct
    import zlib

    data = encode(img, "PNG")
    iend = data.rindex(b"IEND") - 4
    extra = b"".join(
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        for kind, body in chunks
    )
    return data[:iend] + extra + data[iend:]


def png_itxt_xmp(packet: bytes, compressed: bool = False) -> tuple[bytes, bytes]:
    import zlib

    text = zlib.compress(packet) if compressed else packet
    return b"iTXt", b"XML:com.adobe.xmp\x00" + bytes([int(compressed), 0]) + b"\x00\x00" + text


def webp_with_chunk(img: Image.Image, kind: bytes, body: bytes) -> bytes:
    """An extended-format WebP with one more chunk appended (RIFF size fixed up)."""
    import struct

    exif = Image.Exif()
    exif[0x010E] = "extended format"  # any metadata makes Pillow write the VP8X header
    data = encode(img, "WEBP", quality=80, exif=exif)
    chunk = kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")
    data = data + chunk
    return data[:4] + struct.pack("<I", len(data) - 8) + data[8:]

"""AI-generation declarations in image metadata, by category.

Containers × spellings × values: every place a writer puts XMP (JPEG APP1 and extended XMP,
PNG iTXt plain and compressed, WebP XMP chunk, HEIF item, GIF by packet scanning) with each
RDF spelling (attribute, element, rdf:resource); the AI codes and non-AI codes of the IPTC
vocabulary; C2PA stores in each image container (JPEG APP11 in one or several packets, PNG
caBX, WebP C2PA) with and without a digital source type; the words appearing in places that
are not a declaration (a JPEG comment, a PNG description, another XMP property); and
hostile metadata (an entity bomb, truncated segments). Videos are in test_video_transcode.py.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from qiao.engines.media import detect_provenance, inspect_image

from .images import (
    asymmetric,
    c2pa_store,
    encode,
    jpeg_app11_c2pa,
    jpeg_with_segments,
    png_itxt_xmp,
    png_with_chunks,
    webp_with_chunk,
    xmp_packet,
)

XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00"
AI = ["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"]
NOT_AI = ["digitalCapture", "minorHumanEdits", "algorithmicMedia", "compositeCapture"]
FORMS = ["attr", "element", "resource"]


def _jpeg_xmp(packet: bytes) -> bytes:
    return jpeg_with_segments(asymmetric(), [(0xE1, XMP_APP1 + packet)])


def _jpeg_extended_xmp(packet: bytes) -> bytes:
    import struct

    main = xmp_packet(
        None,
        extra='<xmpNote:HasExtendedXMP xmlns:xmpNote="http://ns.adobe.com/'
        'xmp/note/">0123456789ABCDEF0123456789ABCDEF</xmpNote:HasExtendedXMP>',
    )
    guid = b"0123456789ABCDEF0123456789ABCDEF"
    half = len(packet) // 2
    segs = [(0xE1, XMP_APP1 + main)]
    for offset, part in ((0, packet[:half]), (half, packet[half:])):
        segs.append(
            (
                0xE1,
                b"http://ns.adobe.com/xmp/extension/\x00"
                + guid
                + struct.pack(">II", len(packet), offset)
                + part,
            )
        )
    return jpeg_with_segments(asymmetric(), segs)


def _png_xmp(packet: bytes, compressed: bool) -> bytes:
    return png_with_chunks(asymmetric(), [png_itxt_xmp(packet, compressed)])


def _webp_xmp(packet: bytes) -> bytes:
    return encode(asymmetric(), "WEBP", quality=80, xmp=packet)


def _gif_xmp(packet: bytes) -> bytes:
    data = encode(asymmetric(), "GIF")
    # XMP application extension, as Adobe writes it, before the trailer.
    ext = b"\x21\xff\x0bXMP DataXMP" + packet + bytes(range(255, -1, -1)) + b"\x00"
    return data[:-1] + ext + data[-1:]


def _heif_xmp(packet: bytes) -> bytes:
    pillow_heif = pytest.importorskip("pillow_heif")
    buf = io.BytesIO()
    try:
        pillow_heif.from_pillow(asymmetric()).save(buf, quality=70, xmp=packet)
    except Exception as exc:  # noqa: BLE001 - the encoder may be missing from the wheel
        pytest.skip(f"HEIF encoder unavailable: {exc}")
    return buf.getvalue()


def _exif(text: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    return exif


CONTAINERS = {
    "jpeg": _jpeg_xmp,
    "jpeg_extended": _jpeg_extended_xmp,
    "png": lambda p: _png_xmp(p, False),
    "png_compressed": lambda p: _png_xmp(p, True),
    "webp": _webp_xmp,
    "gif": _gif_xmp,
    "heif": _heif_xmp,
}


@pytest.mark.parametrize("container", sorted(CONTAINERS))
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("value", AI + NOT_AI)
def test_xmp_digital_source_type(container: str, form: str, value: str) -> None:
    data = CONTAINERS[container](xmp_packet(value, form))
    found = detect_provenance(data)
    assert found.ai_generated is (value in AI)
    assert value.lower() in found.source_types
    assert not found.c2pa


@pytest.mark.parametrize("container", ["jpeg", "png", "webp"])
def test_inspect_labels_and_then_strips(container: str) -> None:
    data = CONTAINERS[container](xmp_packet("trainedAlgorithmicMedia"))
    checked = inspect_image(data)
    assert checked.ai_generated
    assert checked.provenance.reasons == ["xmp_trained_algorithmic_media"]
    assert b"xmpmeta" not in checked.clean_jpeg and b"Iptc4xmpExt" not in checked.clean_jpeg
    assert not detect_provenance(checked.clean_jpeg).ai_generated


def test_a_bare_code_without_the_uri_counts() -> None:
    assert detect_provenance(
        _jpeg_xmp(
            xmp_packet("trainedAlgorithmicMedia", "element").replace(
                b"http://cv.iptc.org/newscodes/digitalsourcetype/", b""
            )
        )
    ).ai_generated


@pytest.mark.parametrize(
    "data",
    [
        # the words in a JPEG comment, a PNG description, an XMP description, EXIF text
        pytest.param(
            jpeg_with_segments(asymmetric(), [(0xFE, b"not trainedAlgorithmicMedia")]),
            id="jpeg-comment",
        ),
        pytest.param(
            png_with_chunks(
                asymmetric(),
                [
                    (
                        b"tEXt",
                        b"Description\x00"
                        b"http://cv.iptc.org/newscodes/digitalsourcetype/"
                        b"trainedAlgorithmicMedia",
                    )
                ],
            ),
            id="png-description",
        ),
        pytest.param(
            _jpeg_xmp(
                xmp_packet(
                    "digitalCapture",
                    extra=("<dc:description>compare trainedAlgorithmicMedia</dc:description>"),
                )
            ),
            id="xmp-other-property",
        ),
        pytest.param(
            encode(
                asymmetric(),
                "JPEG",
                exif=_exif("Iptc4xmpExt:DigitalSourceType=trainedAlgorithmicMedia"),
            ),
            id="exif-text",
        ),
        pytest.param(encode(asymmetric(), "PNG"), id="no-metadata"),
    ],
)
def test_the_words_elsewhere_are_not_a_declaration(data: bytes) -> None:
    found = detect_provenance(data)
    assert not found.ai_generated
    assert not found.c2pa


@pytest.mark.parametrize("parts", [1, 3])
@pytest.mark.parametrize(
    ("source_type", "ai", "reason"),
    [
        ("trainedAlgorithmicMedia", True, "c2pa_trained_algorithmic_media"),
        ("compositeWithTrainedAlgorithmicMedia", True, "c2pa_trained_algorithmic_media"),
        (None, True, "c2pa_manifest"),
        ("digitalCapture", False, None),
    ],
)
def test_c2pa_in_jpeg(parts: int, source_type: str | None, ai: bool, reason: str | None) -> None:
    data = jpeg_with_segments(asymmetric(), jpeg_app11_c2pa(c2pa_store(source_type), parts))
    found = detect_provenance(data)
    assert found.c2pa
    assert found.ai_generated is ai
    assert found.reasons == ([reason] if reason else [])
    checked = inspect_image(data)
    assert checked.ai_generated is ai
    assert b"jumb" not in checked.clean_jpeg and b"c2pa" not in checked.clean_jpeg


@pytest.mark.parametrize("source_type", ["trainedAlgorithmicMedia", None, "digitalCapture"])
def test_c2pa_in_png_and_webp(source_type: str | None) -> None:
    store = c2pa_store(source_type)
    for data in (
        png_with_chunks(asymmetric(), [(b"caBX", store)]),
        webp_with_chunk(asymmetric(), b"C2PA", store),
    ):
        found = detect_provenance(data)
        assert found.c2pa
        assert found.ai_generated is (source_type != "digitalCapture")
        assert inspect_image(data).ai_generated is found.ai_generated


def test_app11_that_is_not_c2pa_is_ignored() -> None:
    other = c2pa_store().replace(b"c2pa", b"xxxx")
    data = jpeg_with_segments(asymmetric(), jpeg_app11_c2pa(other))
    assert not detect_provenance(data).c2pa


def test_entity_bomb_in_xmp_is_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "trainedAlgorithmicMedia">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + xmp_packet("&b;", "element").split(b"?>", 1)[1]
    )
    found = detect_provenance(_jpeg_xmp(bomb))
    assert not found.ai_generated


@pytest.mark.parametrize("cut", [30, 60, 200])
def test_truncated_metadata_does_not_raise(cut: int) -> None:
    data = _jpeg_xmp(xmp_packet("trainedAlgorithmicMedia"))
    detect_provenance(data[:cut])  # no exception; a damaged block declares what it can
    store = png_with_chunks(asymmetric(), [(b"caBX", c2pa_store())])
    detect_provenance(store[: len(store) - cut])

"""The media engine on hostile input (no Django needed)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from tests.factories import image_bytes

from qiao.engines.media import (
    ImagePolicy,
    ImageRejected,
    hamming_distance,
    inspect_image,
    render_variants,
)


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° CW to display
    gps = {1: "N", 2: (39.0, 54.0, 15.0), 3: "E", 4: (116.0, 23.0, 30.0)}
    exif[0x8825] = gps
    exif[0x010F] = "PhoneMaker"
    return exif


def _huge_png(w: int, h: int) -> bytes:
    """A valid PNG header claiming w×h pixels, with a tiny (compressed) body."""
    raw = zlib.compress(b"\x00" * (w // 8 + 1) * 4, 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"this is plainly a text file, renamed to photo.jpg\n" * 3, "not_an_image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "unsupported_format",
        ),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
            "unsupported_format",
        ),
    ],
)
def test_rejects_non_images(data: bytes, code: str) -> None:
    with pytest.raises(ImageRejected) as err:
        inspect_image(data)
    assert err.value.code == code
    assert err.value.message


def test_rejects_truncated_jpeg() -> None:
    data = image_bytes(1200, 900)
    with pytest.raises(ImageRejected) as err:
        inspect_image(data[: len(data) // 2])
    assert err.value.code == "corrupt"


def test_rejects_decompression_bomb_before_decoding() -> None:
    with pytest.raises(ImageRejected) as err:
        inspect_image(_huge_png(30_000, 30_000))
    assert err.value.code == "too_many_pixels"


def test_rejects_oversized_file() -> None:
    data = image_bytes(400, 300)
    with pytest.raises(ImageRejected) as err:
        inspect_image(data, ImagePolicy(max_bytes=len(data) - 1))
    assert err.value.code == "too_large"


def test_strips_exif_and_applies_orientation() -> None:
    data = image_bytes(400, 200, exif=_gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # GPS really was there
    checked = inspect_image(data)
    assert checked.had_exif
    assert (checked.width, checked.height) == (200, 400)  # rotated upright
    clean = Image.open(io.BytesIO(checked.clean_jpeg))
    assert not clean.getexif()
    assert b"PhoneMaker" not in checked.clean_jpeg
    for variant in render_variants(checked.image, [320, 640]):
        out = Image.open(io.BytesIO(variant.data))
        assert not out.getexif()
        assert out.height > out.width


def test_variants_never_upscale_and_come_in_two_formats() -> None:
    checked = inspect_image(image_bytes(500, 250))
    variants = render_variants(checked.image, [320, 640, 1080])
    widths = {(v.width, v.fmt) for v in variants}
    assert widths == {(320, "webp"), (320, "jpeg"), (640, "webp"), (640, "jpeg")}
    big = next(v for v in variants if v.width == 640 and v.fmt == "webp")
    assert Image.open(io.BytesIO(big.data)).size == (500, 250)


def test_placeholder_colour_and_perceptual_hash() -> None:
    a = inspect_image(image_bytes(600, 400, seed=3))
    b = inspect_image(image_bytes(600, 400, seed=3, fmt="PNG"))
    c = inspect_image(image_bytes(600, 400, seed=9))
    assert a.blurhash and a.dominant_color.startswith("#") and len(a.dominant_color) == 7
    assert hamming_distance(a.phash, b.phash) <= 6  # same picture, other container
    assert hamming_distance(a.phash, c.phash) > 6


def test_png_with_transparency_becomes_white_background() -> None:
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    checked = inspect_image(buf.getvalue())
    assert checked.image.getpixel((10, 10)) == (255, 255, 255)


def test_heic_from_phones() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    img = Image.new("RGB", (120, 80), (200, 100, 50))
    buf = io.BytesIO()
    try:
        pillow_heif.from_pillow(img).save(buf, quality=80)
    except Exception as exc:  # noqa: BLE001 - encoder may be absent from the wheel
        pytest.skip(f"HEIF encoder unavailable: {exc}")
    checked = inspect_image(buf.getvalue())
    assert checked.source_format in {"HEIF", "HEIC"}
    assert (checked.width, checked.height) == (120, 80)

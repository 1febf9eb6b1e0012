"""The image pipeline: bounded decoding, orientation, metadata, modes, budgets, variants.

Test sets by category: every EXIF orientation (1–8) on an asymmetric picture; every Pillow
mode an upload can arrive in (1, L, LA, P, P with transparency, RGB, RGBA, I;16, CMYK) in the
formats that carry it; large images of each decode path (JPEG decoded at a DCT scale, PNG
decoded and reduced, WebP, HEIF when the encoder is present) in landscape and portrait;
header-only estimates for all of these; truncations at several points.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image, ImageOps

from qiao.engines.media import (
    CheckedImage,
    ImagePolicy,
    ImageRejected,
    estimate_image,
    estimate_request,
    hamming_distance,
    inspect_image,
    render_variants,
)

from .images import asymmetric, encode


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 15.0), 3: "E", 4: (116.0, 23.0, 30.0)}
    return exif


def _corner_colours(img: Image.Image) -> tuple[tuple[int, ...], tuple[int, ...]]:
    w, h = img.size
    tl = img.getpixel((w // 16, h // 16))
    br = img.getpixel((w - 1 - w // 16, h - 1 - h // 16))
    assert isinstance(tl, tuple) and isinstance(br, tuple)
    return tl, br


def _close(a: tuple[int, ...], b: tuple[int, ...], tol: int = 40) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=False))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation: int) -> None:
    src = asymmetric(160, 96)
    data = encode(src, "JPEG", quality=95, exif=_exif(orientation))
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    assert expected is not None
    checked = inspect_image(data)
    assert (checked.width, checked.height) == expected.size
    got_tl, got_br = _corner_colours(checked.image)
    want_tl, want_br = _corner_colours(expected.convert("RGB"))
    assert _close(got_tl, want_tl) and _close(got_br, want_br)
    clean = Image.open(io.BytesIO(checked.clean_jpeg))
    assert not clean.getexif()
    assert b"PhoneMaker" not in checked.clean_jpeg


def _mode_image(mode: str) -> Image.Image:
    base = asymmetric(96, 64)
    if mode == "P+t":
        img = base.convert("P")
        img.info["transparency"] = 0
        return img
    if mode == "I;16":
        return base.convert("L").convert("I;16")
    return base.convert(mode)


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [
        ("1", "PNG"),
        ("L", "PNG"),
        ("LA", "PNG"),
        ("P", "PNG"),
        ("P+t", "PNG"),
        ("RGB", "PNG"),
        ("RGBA", "PNG"),
        ("I;16", "PNG"),
        ("CMYK", "JPEG"),
        ("L", "JPEG"),
        ("RGB", "WEBP"),
        ("RGBA", "WEBP"),
        ("P", "GIF"),
        ("RGB", "BMP"),
    ],
)
@pytest.mark.parametrize("big", [False, True])
def test_every_mode_becomes_an_rgb_jpeg(mode: str, fmt: str, big: bool) -> None:
    img = _mode_image(mode)
    if big:  # forces the reduce + resample path
        img = img.resize((img.width * 30, img.height * 30), Image.Resampling.NEAREST)
    data = encode(img, fmt)
    checked = inspect_image(data, ImagePolicy(max_side=1000))
    out = Image.open(io.BytesIO(checked.clean_jpeg))
    assert out.mode == "RGB" and out.format == "JPEG"
    assert max(out.size) <= 1000
    assert abs(out.width / out.height - 1.5) < 0.02  # aspect ratio kept


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("size", [(6000, 4000), (3000, 5000)])
def test_large_images_are_stored_bounded(fmt: str, size: tuple[int, int]) -> None:
    img = asymmetric(*size)
    data = encode(img, fmt, **({"lossless": False, "quality": 50} if fmt == "WEBP" else {}))
    policy = ImagePolicy(max_side=2560)
    est = estimate_image(data, policy)
    assert est.pixels == size[0] * size[1]
    if fmt == "JPEG" and size == (6000, 4000):
        # decoded at 1/2 scale in the DCT: 3000×2000 still covers 2560×1707
        assert est.decode_pixels == 3000 * 2000
    else:  # 3000×5000 at 1/2 would be 1500×2500, less than 1536×2560: full decode
        assert est.decode_pixels == est.pixels
    checked = inspect_image(data, policy)
    assert max(checked.width, checked.height) == 2560
    assert (checked.source_width, checked.source_height) == size
    assert abs(checked.width / checked.height - size[0] / size[1]) < 0.01
    tl, br = _corner_colours(checked.image)
    assert _close(tl, (220, 0, 0)) and _close(br, (0, 0, 220))


def test_checked_image_holds_no_decoded_picture() -> None:
    checked = inspect_image(encode(asymmetric(3000, 2000), "PNG"))
    for f in dataclasses.fields(CheckedImage):
        assert not isinstance(getattr(checked, f.name), Image.Image), f.name
    assert isinstance(checked.image, Image.Image)  # decoded on demand from clean_jpeg


def test_estimate_reads_only_the_header() -> None:
    # A PNG whose header says 7000×7000 but whose pixel data is missing: estimating succeeds
    # (nothing is decoded), inspecting fails as corrupt.
    full = encode(Image.new("RGB", (7000, 7000), (10, 20, 30)), "PNG")
    header_only = full[: full.index(b"IDAT") + 64]
    est = estimate_image(header_only)
    assert (est.width, est.height, est.format) == (7000, 7000, "PNG")
    assert est.decode_bytes == 7000 * 7000 * 4  # Pillow holds RGB as 4 bytes per pixel
    with pytest.raises(ImageRejected) as err:
        inspect_image(header_only)
    assert err.value.code == "corrupt"


def test_request_budget_refuses_before_decoding() -> None:
    one = encode(Image.new("RGB", (7000, 7000), (200, 30, 40)), "PNG")
    with pytest.raises(ImageRejected) as err:
        estimate_request([one] * 9)
    assert err.value.code == "request_too_large"
    assert "million" in err.value.message
    assert len(estimate_request([one] * 4)) == 4
    # The budget counts what is decoded: nine 12-Mpx JPEGs are decoded at full size (their
    # 1/2 scale would be under 2560 px) and fit; a 0 budget turns the check off.
    assert estimate_request([one] * 9, ImagePolicy(max_request_pixels=0))


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_files_are_corrupt(fraction: float, fmt: str) -> None:
    data = encode(asymmetric(900, 600).effect_spread(5), fmt)
    with pytest.raises(ImageRejected) as err:
        inspect_image(data[: int(len(data) * fraction)])
    assert err.value.code in {"corrupt", "not_an_image"}


def test_variants_from_bytes_match_variants_from_the_image() -> None:
    checked = inspect_image(encode(asymmetric(2000, 1000), "PNG"))
    from_bytes = render_variants(checked.clean_jpeg, [320, 640, 1080])
    from_checked = render_variants(checked, [320, 640, 1080])
    from_image = render_variants(checked.image, [320, 640, 1080])
    sizes = [(v.width, v.height, v.fmt) for v in from_bytes]
    assert sizes == [(v.width, v.height, v.fmt) for v in from_image]
    assert sizes == [(v.width, v.height, v.fmt) for v in from_checked]
    assert [(w, f) for w, _h, f in sizes] == [
        (w, f) for w in (320, 640, 1080) for f in ("webp", "jpeg")
    ]
    for v in from_bytes:
        out = Image.open(io.BytesIO(v.data))
        assert out.size == (v.width, v.height) and not out.getexif()
        tl, br = _corner_colours(out.convert("RGB"))
        assert _close(tl, (220, 0, 0)) and _close(br, (0, 0, 220))


def test_variants_never_upscale_from_bytes() -> None:
    checked = inspect_image(encode(asymmetric(500, 250), "JPEG"))
    variants = render_variants(checked.clean_jpeg, [320, 640, 1080])
    assert {(v.width, v.fmt) for v in variants} == {
        (320, "webp"),
        (320, "jpeg"),
        (640, "webp"),
        (640, "jpeg"),
    }
    big = next(v for v in variants if v.width == 640)
    assert Image.open(io.BytesIO(big.data)).size == (500, 250)


def test_max_side_zero_keeps_the_full_size() -> None:
    checked = inspect_image(encode(asymmetric(3000, 2000), "PNG"), ImagePolicy(max_side=0))
    assert (checked.width, checked.height) == (3000, 2000)


@pytest.mark.parametrize("seed", range(6))
def test_perceptual_hash_of_the_bounded_copy_matches_the_full_size(seed: int) -> None:
    """phash is computed from a 256-px copy now; stored hashes of older photos (computed at
    full size) must still match their re-uploads (near-duplicate threshold: 6 bits)."""
    import imagehash
    from PIL import ImageDraw, ImageFilter

    w, h = [(3000, 2000), (1200, 1600), (800, 800)][seed % 3]
    img = Image.new("RGB", (w, h), ((seed * 70) % 256, 120, 200))
    draw = ImageDraw.Draw(img)
    for i in range(6):
        x, y, r = (i * 997 * (seed + 1)) % w, (i * 613 * (seed + 2)) % h, w // (4 + i)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=((i * 40) % 256, (seed * 50) % 256, 90))
    img = img.filter(ImageFilter.GaussianBlur(seed % 3 * 3))
    full = str(imagehash.phash(img))
    checked = inspect_image(encode(img, "PNG"))
    assert hamming_distance(full, checked.phash) <= 2

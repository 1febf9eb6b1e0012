"""Validation and rendering of uploaded images.

Everything is decided from the bytes, never from a file name or a declared content type:
Pillow identifies the format, the pixel count is checked before decoding (decompression-bomb
guard), the whole image is decoded (truncated files fail here), EXIF orientation is applied
and then every bit of metadata is dropped by re-encoding from raw pixels.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

import blurhash
import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF photos from phones, when the plugin is installed.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - the plugin is a pinned dependency
    HEIF_SUPPORTED = False

#: Formats accepted from users. SVG is deliberately absent: it is a document that can carry
#: scripts, and Pillow cannot read it anyway.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "HEIF", "HEIC", "MPO", "BMP"})


class ImageRejected(ValueError):
    """The upload is not an image Qiao will accept; `code` is stable, `message` readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ImagePolicy:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000
    min_side: int = 16
    jpeg_quality: int = 88
    webp_quality: int = 80


@dataclass
class CheckedImage:
    """A decoded, oriented, metadata-free image and what was learned from it."""

    image: Image.Image
    source_format: str
    width: int
    height: int
    clean_jpeg: bytes
    blurhash: str
    dominant_color: str
    phash: str
    had_exif: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    fmt: str  # "webp" or "jpeg"
    data: bytes

    @property
    def content_type(self) -> str:
        return f"image/{self.fmt}"


def _fail(code: str, message: str) -> ImageRejected:
    return ImageRejected(code, message)


def inspect_image(data: bytes, policy: ImagePolicy | None = None) -> CheckedImage:
    """Validate `data` as an image and return a clean, oriented RGB copy of it.

    Raises ImageRejected with one of the codes: empty, too_large, not_an_image,
    unsupported_format, too_many_pixels, corrupt, too_small.
    """
    policy = policy or ImagePolicy()
    if not data:
        raise _fail("empty", "The file is empty.")
    if len(data) > policy.max_bytes:
        mb = policy.max_bytes / (1024 * 1024)
        raise _fail("too_large", f"The file is larger than the {mb:.0f} MB limit.")
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or head.startswith(b"<?xml") or b"<svg" in head:
        raise _fail("unsupported_format", "SVG images are not accepted; upload a photo.")

    # Pillow's own bomb check raises only above 2x its limit; ours is exact and earlier.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = (probe.format or "").upper()
            width, height = probe.size
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
            raise _fail("too_many_pixels",
                        "The image has too many pixels to process safely.") from exc
        raise _fail("not_an_image", "This file is not an image we can read.") from exc
    except Exception as exc:
        raise _fail("corrupt", "The image file is damaged or incomplete.") from exc
    if fmt not in ACCEPTED_FORMATS:
        raise _fail("unsupported_format", f"{fmt or 'This'} images are not accepted.")
    if width * height > policy.max_pixels:
        raise _fail(
            "too_many_pixels",
            f"The image is {width}×{height}; the limit is {policy.max_pixels:,} pixels.",
        )
    if min(width, height) < policy.min_side:
        raise _fail("too_small", f"The image is too small ({width}×{height}).")

    try:
        opened = Image.open(io.BytesIO(data))
        had_exif = bool(opened.getexif())
        opened.load()  # decodes everything: truncated files fail here
        img: Image.Image = ImageOps.exif_transpose(opened) or opened
    except Exception as exc:
        raise _fail("corrupt", "The image file is damaged or incomplete.") from exc

    rgb = _to_rgb(img)
    # Rebuild from raw pixels: nothing of the original container (EXIF, GPS, XMP, ICC
    # comments, trailing data) can survive this.
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    buf = io.BytesIO()
    clean.save(buf, "JPEG", quality=policy.jpeg_quality, optimize=True, progressive=True)

    small = clean.copy()
    small.thumbnail((64, 64))
    return CheckedImage(
        image=clean,
        source_format=fmt,
        width=clean.width,
        height=clean.height,
        clean_jpeg=buf.getvalue(),
        blurhash=_blurhash(small),
        dominant_color=_dominant_color(small),
        phash=str(imagehash.phash(clean)),
        had_exif=had_exif,
    )


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _blurhash(small: Image.Image) -> str:
    x, y = (4, 3) if small.width >= small.height else (3, 4)
    # blurhash-python closes the image it is given, so hand it a copy.
    return str(blurhash.encode(small.copy(), x_components=x, y_components=y))


def _dominant_color(small: Image.Image) -> str:
    quantized = small.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or [0, 0, 0]
    counts = sorted(quantized.getcolors() or [(1, 0)], reverse=True)
    index = int(counts[0][1])  # type: ignore[call-overload, unused-ignore] # Pillow stubs vary
    r, g, b = palette[index * 3: index * 3 + 3]
    return f"#{r:02x}{g:02x}{b:02x}"


def render_variants(
    image: Image.Image, widths: tuple[int, ...] | list[int], policy: ImagePolicy | None = None
) -> list[Variant]:
    """Resize to each width (never upscaling) and encode as WebP and JPEG."""
    policy = policy or ImagePolicy()
    out: list[Variant] = []
    seen: set[int] = set()
    for width in sorted(widths):
        target = min(width, image.width)
        if target in seen:
            continue
        seen.add(target)
        height = max(1, round(image.height * target / image.width))
        resized = image if target == image.width else image.resize(
            (target, height), Image.Resampling.LANCZOS
        )
        for fmt in ("webp", "jpeg"):
            buf = io.BytesIO()
            if fmt == "webp":
                resized.save(buf, "WEBP", quality=policy.webp_quality, method=4)
            else:
                resized.save(buf, "JPEG", quality=policy.jpeg_quality - 6, optimize=True,
                             progressive=True)
            out.append(Variant(width=width, height=height, fmt=fmt, data=buf.getvalue()))
    return out


def hamming_distance(phash_a: str, phash_b: str) -> int:
    """Bits that differ between two perceptual hashes (≤ 6 means near-duplicate)."""
    return int(imagehash.hex_to_hash(phash_a) - imagehash.hex_to_hash(phash_b))

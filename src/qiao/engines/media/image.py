"""Validation and rendering of uploaded images, with a bounded cost per image.

Everything is decided from the bytes, never from a file name or a declared content type:
Pillow identifies the format from the header and the pixel count is checked before anything
is decoded (decompression-bomb guard, :func:`estimate_image`); the image is decoded once and
completely (truncated files fail here), at the smallest scale that still yields the stored
size (JPEG ``draft`` decodes at 1/2, 1/4 or 1/8 in the DCT; other formats are decoded and
immediately shrunk with ``Image.reduce``, then resampled in place); EXIF orientation is
applied; and every bit of metadata is dropped by re-encoding from pixels. What the metadata
declared about AI generation is read first (:mod:`.provenance`).

Memory: one full-size decode buffer at a time (Pillow keeps RGB as 4 bytes per pixel, so a
7000×7000 PNG is 196 MB while it decodes), released before the next image; nothing
full-size is kept afterwards: :class:`CheckedImage` holds the clean JPEG (at most
``ImagePolicy.max_side`` on its long side) and decodes it again only if asked
(:attr:`CheckedImage.image`). Variants are rendered from those bytes (:func:`render_variants`),
in the worker, one size at a time.
"""

from __future__ import annotations

import ctypes
import functools
import io
import math
import warnings
from dataclasses import dataclass, field

import imagehash
from PIL import Image, UnidentifiedImageError

from qiao.engines.media.blurhash import components_for, encode_image
from qiao.engines.media.provenance import Provenance, detect_provenance

try:  # HEIC/HEIF photos from phones, when the plugin is installed.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - the plugin is a pinned dependency
    HEIF_SUPPORTED = False

#: Formats accepted from users. SVG is deliberately absent: it is a document that can carry
#: scripts, and Pillow cannot read it anyway.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "HEIF", "HEIC", "MPO", "BMP"})

#: Bytes Pillow allocates per pixel while an image of this mode is decoded.
_BYTES_PER_PIXEL = {
    "1": 1,
    "L": 1,
    "P": 1,
    "I;16": 2,
    "I;16B": 2,
    "I;16L": 2,
    "LA": 4,
    "La": 4,
    "PA": 4,
    "RGB": 4,
    "RGBA": 4,
    "RGBa": 4,
    "RGBX": 4,
    "CMYK": 4,
    "YCbCr": 4,
    "LAB": 4,
    "HSV": 4,
    "I": 4,
    "F": 4,
}

#: EXIF orientation -> the transpositions that make the picture upright.
_ORIENT: dict[int, tuple[Image.Transpose, ...]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}

#: Decoded pixels above which the engine asks the C allocator to hand freed memory back.
_TRIM_ABOVE_PIXELS = 8_000_000


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
    #: Long side of the stored clean original; larger uploads are shrunk (0 keeps full size).
    #: Every served size is at most 1080 px wide; 2560 leaves room for a zoomed view.
    max_side: int = 2560
    #: Pixels one request may make the engine decode, summed over its images
    #: (:func:`estimate_request`). Decoding is the floor of the cost (0.5–0.8 s of CPU per
    #: 49 Mpx PNG here); 240 Mpx admits nine 24-Mpx phone photos and bounds a request to
    #: < 5 s of CPU; nine 7000×7000 PNGs (441 Mpx) are refused before any decoding.
    max_request_pixels: int = 240_000_000


@dataclass(frozen=True)
class ImageEstimate:
    """What an upload will cost, read from its header alone (nothing is decoded).

    ``pixels`` is the image's own size; ``decode_pixels`` and ``decode_bytes`` are what
    :func:`inspect_image` will actually allocate (smaller for JPEG, which is decoded at a
    reduced scale). The platform sums ``pixels`` to cap work per request and per user.
    """

    format: str
    width: int
    height: int
    pixels: int
    decode_pixels: int
    decode_bytes: int
    frames: int = 1


@dataclass
class CheckedImage:
    """A validated, oriented, metadata-free image and what was learned from it.

    ``clean_jpeg`` is the stored original (EXIF, GPS, XMP, ICC comments and trailing data
    gone; at most ``ImagePolicy.max_side`` px on the long side); ``width``/``height`` are its
    size. ``ai_generated`` is True when the upload's metadata declared it (see
    :mod:`qiao.engines.media.provenance`); ``provenance`` says why.
    """

    source_format: str
    width: int
    height: int
    clean_jpeg: bytes
    blurhash: str
    dominant_color: str
    phash: str
    had_exif: bool = False
    ai_generated: bool = False
    provenance: Provenance = field(default_factory=Provenance)
    source_width: int = 0
    source_height: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def image(self) -> Image.Image:
        """The clean picture as an RGB Pillow image, decoded from ``clean_jpeg`` on each call
        (nothing full-size is kept between calls)."""
        img = Image.open(io.BytesIO(self.clean_jpeg))
        img.load()
        return img.convert("RGB") if img.mode != "RGB" else img


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


def _check_bytes(data: bytes, policy: ImagePolicy) -> None:
    if not data:
        raise _fail("empty", "The file is empty.")
    if len(data) > policy.max_bytes:
        mb = policy.max_bytes / (1024 * 1024)
        raise _fail("too_large", f"The file is larger than the {mb:.0f} MB limit.")
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or head.startswith(b"<?xml") or b"<svg" in head:
        raise _fail("unsupported_format", "SVG images are not accepted; upload a photo.")


def _open_header(data: bytes) -> Image.Image:
    """Open without decoding. Pillow's own bomb check raises only above 2x its limit; ours
    (in :func:`estimate_image`) is exact, so its warning is an error here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _fail("too_many_pixels", "The image has too many pixels to process safely.") from exc
    except UnidentifiedImageError as exc:
        raise _fail("not_an_image", "This file is not an image we can read.") from exc
    except Exception as exc:
        raise _fail("corrupt", "The image file is damaged or incomplete.") from exc


def _stored_box(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Size of the stored original: the image scaled to fit max_side (never enlarged)."""
    if max_side <= 0 or max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _estimate(probe: Image.Image, data_len: int, policy: ImagePolicy) -> ImageEstimate:
    fmt = (probe.format or "").upper()
    width, height = probe.size
    if fmt not in ACCEPTED_FORMATS:
        raise _fail("unsupported_format", f"{fmt or 'This'} images are not accepted.")
    if width * height > policy.max_pixels:
        raise _fail(
            "too_many_pixels",
            f"The image is {width}×{height}; the limit is {policy.max_pixels:,} pixels.",
        )
    if min(width, height) < policy.min_side:
        raise _fail("too_small", f"The image is too small ({width}×{height}).")
    decode_w, decode_h = width, height
    if fmt in ("JPEG", "MPO"):
        box = _stored_box(width, height, policy.max_side)
        scale = 1
        while (
            scale < 8
            and math.ceil(width / (scale * 2)) >= box[0]
            and math.ceil(height / (scale * 2)) >= box[1]
        ):
            scale *= 2
        decode_w, decode_h = math.ceil(width / scale), math.ceil(height / scale)
    per_pixel = _BYTES_PER_PIXEL.get(probe.mode, 4)
    return ImageEstimate(
        format=fmt,
        width=width,
        height=height,
        pixels=width * height,
        decode_pixels=decode_w * decode_h,
        decode_bytes=decode_w * decode_h * per_pixel,
        frames=int(getattr(probe, "n_frames", 1) or 1),
    )


def estimate_image(data: bytes, policy: ImagePolicy | None = None) -> ImageEstimate:
    """Read only the header: format, size and what decoding will cost.

    Raises ImageRejected (empty, too_large, not_an_image, unsupported_format,
    too_many_pixels, too_small, corrupt) exactly as :func:`inspect_image` would before
    decoding, so the platform can refuse or budget a request before spending CPU on it.
    """
    policy = policy or ImagePolicy()
    _check_bytes(data, policy)
    probe = _open_header(data)
    try:
        return _estimate(probe, len(data), policy)
    finally:
        probe.close()


def estimate_request(
    uploads: list[bytes], policy: ImagePolicy | None = None
) -> list[ImageEstimate]:
    """Estimate every upload of one request and refuse the request as a whole when together
    they would decode more than ``policy.max_request_pixels`` (code ``request_too_large``;
    the platform answers 413). Headers only: milliseconds even for hostile requests.

    Per-image rejections are raised as by :func:`estimate_image`; the platform that wants
    per-file messages calls that itself and sums ``decode_pixels``.
    """
    policy = policy or ImagePolicy()
    estimates = [estimate_image(data, policy) for data in uploads]
    total = sum(e.decode_pixels for e in estimates)
    if policy.max_request_pixels and total > policy.max_request_pixels:
        raise _fail(
            "request_too_large",
            f"These photos have {total / 1e6:.0f} million pixels together; the limit for "
            f"one post is {policy.max_request_pixels / 1e6:.0f} million.",
        )
    return estimates


def inspect_image(data: bytes, policy: ImagePolicy | None = None) -> CheckedImage:
    """Validate `data` as an image and return a clean, oriented, bounded copy of it.

    Raises ImageRejected with one of the codes: empty, too_large, not_an_image,
    unsupported_format, too_many_pixels, corrupt, too_small.
    """
    policy = policy or ImagePolicy()
    _check_bytes(data, policy)
    opened = _open_header(data)
    estimate = _estimate(opened, len(data), policy)
    provenance = detect_provenance(data)
    try:
        had_exif = bool(opened.getexif())
        orientation = int(opened.getexif().get(0x0112, 1) or 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block is dropped anyway
        had_exif, orientation = True, 1
    box = _stored_box(estimate.width, estimate.height, policy.max_side)
    try:
        if estimate.format in ("JPEG", "MPO"):
            opened.draft("RGB", box)  # DCT-domain downscale; no-op when not worth it
        opened.load()  # decodes everything: truncated files fail here
        img = _shrink(opened, box)
    except Exception as exc:
        opened.close()
        raise _fail("corrupt", "The image file is damaged or incomplete.") from exc
    if img is not opened:
        opened.close()  # releases the full-size decode buffer now, not at garbage collection
    for step in _ORIENT.get(orientation, ()):
        img = img.transpose(step)
    rgb = _to_rgb(img)
    del img
    rgb.info = {}  # nothing of the original container travels with the pixels
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", quality=policy.jpeg_quality, optimize=True, progressive=True)

    small = rgb.copy()
    small.thumbnail((256, 256), Image.Resampling.LANCZOS, reducing_gap=2.0)
    phash = str(imagehash.phash(small))
    small.thumbnail((64, 64))
    checked = CheckedImage(
        source_format=estimate.format,
        width=rgb.width,
        height=rgb.height,
        clean_jpeg=buf.getvalue(),
        blurhash=encode_image(small, *components_for(small.width, small.height)),
        dominant_color=_dominant_color(small),
        phash=phash,
        had_exif=had_exif,
        ai_generated=provenance.ai_generated,
        provenance=provenance,
        source_width=estimate.width if orientation < 5 else estimate.height,
        source_height=estimate.height if orientation < 5 else estimate.width,
    )
    rgb.close()
    small.close()
    if estimate.decode_pixels > _TRIM_ABOVE_PIXELS:
        release_memory()
    return checked


def _shrink(img: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Bring a decoded image down to `box`: an integer box-filter ``reduce`` first (cheap,
    and the full-size buffer is released as soon as it returns), then one resample."""
    if img.size == box or (img.width <= box[0] and img.height <= box[1]):
        return img
    if img.mode not in ("L", "LA", "RGB", "RGBA", "I", "F", "La", "RGBa"):
        img = img.convert("RGBA" if img.mode in ("P", "PA") and _has_alpha(img) else "RGB")
    factor = min(img.width // box[0], img.height // box[1])
    if factor >= 2:
        img = img.reduce(factor)
    if img.size != box:
        img = img.resize(box, Image.Resampling.LANCZOS)
    return img


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "La", "RGBa", "PA") or (
        img.mode == "P" and "transparency" in img.info
    ):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if img.mode == "RGB":
        return img.copy() if img.info else img
    return img.convert("RGB")


def _dominant_color(small: Image.Image) -> str:
    quantized = small.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or [0, 0, 0]
    counts = sorted(quantized.getcolors() or [(1, 0)], reverse=True)
    index = int(counts[0][1])  # type: ignore[call-overload, unused-ignore] # Pillow stubs vary
    r, g, b = palette[index * 3 : index * 3 + 3]
    return f"#{r:02x}{g:02x}{b:02x}"


def render_variants(
    source: Image.Image | bytes | CheckedImage,
    widths: tuple[int, ...] | list[int],
    policy: ImagePolicy | None = None,
) -> list[Variant]:
    """Resize to each width (never upscaling) and encode as WebP and JPEG.

    Give it the stored clean JPEG's bytes (or the :class:`CheckedImage`): it is decoded once,
    at the smallest JPEG scale that still covers the widest variant, and each size is made
    with ``reduce`` + one resample. A Pillow image is still accepted (used as is).
    """
    policy = policy or ImagePolicy()
    wanted = sorted({w for w in widths if w > 0})
    if isinstance(source, CheckedImage):
        source = source.clean_jpeg
    if isinstance(source, bytes):
        image = _decode_for_width(source, max(wanted) if wanted else 0)
    else:
        image = source if source.mode == "RGB" else _to_rgb(source)
    out: list[Variant] = []
    seen: set[int] = set()
    for width in wanted:
        target = min(width, image.width)
        if target in seen:
            continue
        seen.add(target)
        height = max(1, round(image.height * target / image.width))
        resized = (
            image
            if target == image.width
            else image.resize((target, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
        )
        resized.info = {}
        for fmt in ("webp", "jpeg"):
            buf = io.BytesIO()
            if fmt == "webp":
                resized.save(buf, "WEBP", quality=policy.webp_quality, method=4)
            else:
                resized.save(
                    buf, "JPEG", quality=policy.jpeg_quality - 6, optimize=True, progressive=True
                )
            out.append(Variant(width=width, height=height, fmt=fmt, data=buf.getvalue()))
        if resized is not image:
            resized.close()
    return out


def _decode_for_width(data: bytes, widest: int) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    if img.format == "JPEG" and widest:
        width, height = img.size
        img.draft("RGB", (min(widest, width), max(1, round(height * min(widest, width) / width))))
    img.load()
    return img if img.mode == "RGB" else _to_rgb(img)


def hamming_distance(phash_a: str, phash_b: str) -> int:
    """Bits that differ between two perceptual hashes (≤ 6 means near-duplicate)."""
    return int(imagehash.hex_to_hash(phash_a) - imagehash.hex_to_hash(phash_b))


def release_memory() -> None:
    """Ask glibc to return freed heap pages to the system (a no-op elsewhere).

    Pillow frees a decode buffer when the image is dropped, but glibc keeps large freed
    chunks mapped once its mmap threshold has grown, so a worker's resident size stays at
    its peak ("workers keep ~3 GB", issue 14). ``malloc_trim(0)`` gives them back.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined] # private ctypes name
    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc; absent on musl and macOS
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim

"""Media engine: validate uploaded images by content and turn them into safe web variants.

Plain Python (Pillow, pillow-heif, blurhash, imagehash); no Django. The web layer hands it bytes
and stores what it returns through Django's storage API.

    >>> from qiao.engines.media import ImagePolicy, inspect_image, render_variants
    >>> checked = inspect_image(data, ImagePolicy())        # raises ImageRejected
    >>> checked.clean_jpeg                                     # re-encoded original, no EXIF
    >>> variants = render_variants(checked.image, (320, 640, 1080))
"""

from qiao.engines.media.pipeline import (
    CheckedImage,
    ImagePolicy,
    ImageRejected,
    Variant,
    hamming_distance,
    inspect_image,
    render_variants,
)

__all__ = [
    "CheckedImage",
    "ImagePolicy",
    "ImageRejected",
    "Variant",
    "hamming_distance",
    "inspect_image",
    "render_variants",
]

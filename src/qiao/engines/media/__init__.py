"""Media engine: validate uploaded images and videos by content and turn them into safe,
metadata-free web renditions; read AI-generation declarations first; captions and
transcription for videos.

Plain Python (Pillow, pillow-heif, imagehash, NumPy, PyAV in a sandboxed child process);
no Django. The platform hands it bytes or file paths and stores what it returns. See
docs/media.md for the API and what the platform does with it.

    >>> from qiao.engines.media import ImagePolicy, estimate_image, inspect_image, render_variants
    >>> estimate_image(data).pixels                          # header only, for budgets
    >>> checked = inspect_image(data, ImagePolicy())        # raises ImageRejected
    >>> checked.clean_jpeg, checked.ai_generated            # re-encoded original, no EXIF
    >>> variants = render_variants(checked.clean_jpeg, (320, 640, 1080))
"""

from qiao.engines.media.image import (
    CheckedImage,
    ImageEstimate,
    ImagePolicy,
    ImageRejected,
    Variant,
    estimate_image,
    estimate_request,
    hamming_distance,
    inspect_image,
    release_memory,
    render_variants,
)
from qiao.engines.media.provenance import Provenance, detect_provenance, detect_provenance_file

__all__ = [
    "CheckedImage",
    "ImageEstimate",
    "ImagePolicy",
    "ImageRejected",
    "Provenance",
    "Variant",
    "detect_provenance",
    "detect_provenance_file",
    "estimate_image",
    "estimate_request",
    "hamming_distance",
    "inspect_image",
    "release_memory",
    "render_variants",
]

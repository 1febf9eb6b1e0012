"""Former name of :mod:`qiao.engines.media.image`, kept so existing imports keep working."""

from qiao.engines.media.image import (  # noqa: F401 - re-exports
    ACCEPTED_FORMATS,
    HEIF_SUPPORTED,
    CheckedImage,
    ImageEstimate,
    ImagePolicy,
    ImageRejected,
    Variant,
    estimate_image,
    estimate_request,
    hamming_distance,
    inspect_image,
    render_variants,
)

"""The platform's side of the media engine: the upload policy from settings, and the
engine's rejection codes as messages in the reader's language."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from qiao.engines.media import ImagePolicy, ImageRejected


def image_policy() -> ImagePolicy:
    return ImagePolicy(
        max_bytes=settings.QIAO_MAX_UPLOAD_BYTES, max_pixels=settings.QIAO_MAX_IMAGE_PIXELS,
        max_request_pixels=settings.QIAO_MAX_REQUEST_PIXELS,
    )


def rejection_message(exc: ImageRejected) -> str:
    """Why a photo was refused, in the reader's language (the engine gives a stable code)."""
    messages = {
        "empty": _("The file is empty."),
        "too_large": _("The file is too large."),
        "unsupported_format": _("This kind of image is not accepted; upload a photo."),
        "too_many_pixels": _("The image has too many pixels to process safely."),
        "not_an_image": _("This file is not an image we can read."),
        "corrupt": _("The image file is damaged or incomplete."),
        "too_small": _("The image is too small."),
        "request_too_large": _("These photos are too large together; post fewer or smaller "
                               "photos."),
    }
    return str(messages.get(exc.code, _("This image cannot be used.")))

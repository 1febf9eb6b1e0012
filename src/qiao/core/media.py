"""The platform's side of the media engine: the photo and video policies and the speech-to-text
engine from settings, and the engine's rejection codes as messages in the reader's language."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qiao.engines.media import ImagePolicy, ImageRejected
from qiao.engines.media.captions import CaptionPolicy
from qiao.engines.media.transcribe import Transcriber, make_transcriber, model_status
from qiao.engines.media.video import VideoPolicy


def image_policy() -> ImagePolicy:
    return ImagePolicy(
        max_bytes=settings.QIAO_MAX_UPLOAD_BYTES,
        max_pixels=settings.QIAO_MAX_IMAGE_PIXELS,
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
        "request_too_large": _(
            "These photos are too large together; post fewer or smaller photos."
        ),
    }
    return str(messages.get(exc.code, _("This image cannot be used.")))


# --- video and captions -------------------------------------------------------------------


def video_policy() -> VideoPolicy:
    """The video engine's limits from settings (`QIAO_VIDEO_*`)."""
    return VideoPolicy(
        max_bytes=settings.QIAO_VIDEO_MAX_BYTES,
        max_duration=float(settings.QIAO_VIDEO_MAX_SECONDS),
        preset=settings.QIAO_VIDEO_PRESET,
        threads=max(1, settings.QIAO_VIDEO_THREADS),
    )


def duration_text(seconds: float) -> str:
    """ "3 minutes", "90 seconds" in the reader's language (a limit in a sentence)."""
    whole = int(seconds)
    if whole % 60 == 0:
        minutes = whole // 60
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", whole) % {"n": whole}


def video_rejection_message(code: str) -> str:
    """Why a video was refused or could not be processed, in the reader's language (every
    code of `VideoRejected`, `VideoUnavailable` and the platform's own)."""
    policy = video_policy()
    messages = {
        "empty": _("The video file is empty."),
        "too_large": _("The video is too large: at most %(mb)d MB.")
        % {"mb": policy.max_bytes // 2**20},
        "not_a_video": _("This file is not a video. Choose an MP4, MOV or WebM clip."),
        "unsupported_format": _("This video format is not supported; upload MP4, MOV or WebM."),
        "no_video_stream": _("This file has no picture (only sound, or a still cover)."),
        "unsupported_codec": _(
            "This video uses a codec we cannot convert; export it as H.264, HEVC or VP9."
        ),
        "empty_stream": _("The video track has no frames."),
        "corrupt": _("The video file is damaged or incomplete; try uploading it again."),
        "dimensions_too_small": _(
            "The video is too small: each side must be at least %(n)d pixels."
        )
        % {"n": policy.min_side},
        "dimensions_too_large": _(
            "The video is too large in pixels: each side must be at most %(n)d pixels."
        )
        % {"n": policy.max_side},
        "bad_frame_rate": _(
            "The video's frame rate is outside what we accept (1 to 240 frames per second)."
        ),
        "too_long": _("The video is too long: at most %(length)s.")
        % {"length": duration_text(policy.max_duration)},
        "no_audio_stream": _("The video has no sound."),
        "timeout": _("The video took too long to process."),
        "resource_limit": _("The video needs more memory to process than we allow."),
        "processing_failed": _("The video could not be processed."),
        "video_unavailable": _("This server cannot process videos right now."),
        "upload_incomplete": _("The video has not finished uploading."),
        "upload_expired": _("The upload expired; choose the video again."),
    }
    return str(messages.get(code, _("This video cannot be used.")))


def caption_rejection_message(code: str, line: int | None = None) -> str:
    """Why a caption file or typed captions were refused, in the reader's language."""
    policy = CaptionPolicy()
    messages = {
        "empty": _("The captions are empty."),
        "too_large": _("The caption file is too large: at most %(kb)d KB.")
        % {"kb": policy.max_bytes // 1024},
        "not_text": _("The caption file is not text (UTF-8)."),
        "not_webvtt": _("Captions must be a WebVTT or SRT file, or lines like “0:05 Hello”."),
        "bad_timestamp": _("A caption time is malformed (write 0:05 or 00:00:05.000)."),
        "bad_timing": _("A caption ends before it starts."),
        "too_many_cues": _("There are too many captions: at most %(n)d.") % {"n": policy.max_cues},
        "cue_too_long": _("A caption is too long: at most %(n)d characters and %(lines)d lines.")
        % {"n": policy.max_cue_chars, "lines": policy.max_cue_lines},
        "no_cues": _("No captions were found (captions after the end of the video are dropped)."),
    }
    message = str(messages.get(code, _("These captions cannot be used.")))
    if line is not None:
        message = _("Line %(line)d: %(message)s") % {"line": line, "message": message}
    return message


# --- automatic captions -------------------------------------------------------------------


def transcribe_models_dir() -> Path:
    return Path(settings.QIAO_MODELS_DIR) / "whisper"


def transcribe_engine_name() -> str:
    """The engine `QIAO_TRANSCRIBE_ENGINE` names; "auto" is a local model when one is
    installed and off otherwise."""
    name = settings.QIAO_TRANSCRIBE_ENGINE.strip().lower() or "auto"
    if name == "auto":
        return "local" if model_status(transcribe_models_dir()).ready else "off"
    return name


def transcriber() -> Transcriber | None:
    """The configured speech-to-text engine (None when automatic captions are off)."""
    return make_transcriber(
        transcribe_engine_name(),
        base_url=settings.QIAO_TRANSCRIBE_URL or None,
        model=settings.QIAO_TRANSCRIBE_MODEL,
        api_key=settings.QIAO_TRANSCRIBE_API_KEY or None,
        model_dir=transcribe_models_dir(),
        threads=max(1, settings.QIAO_VIDEO_THREADS),
    )

"""Types of the video engine: policy, results, errors. No FFmpeg import here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Every code :class:`VideoRejected` can carry. The platform maps each to a translated
#: message; ``message`` is English for logs and the API's ``detail``.
REJECTION_CODES = (
    "empty",  # zero bytes
    "too_large",  # file larger than VideoPolicy.max_bytes
    "not_a_video",  # the bytes are something else (JPEG, ZIP, HTML, text, …)
    "unsupported_format",  # a media container Qiao does not take (AVI, FLV, MPEG-TS, …)
    "no_video_stream",  # audio only, or only a cover picture
    "unsupported_codec",  # a video codec outside VideoPolicy.video_codecs
    "empty_stream",  # a video stream with no frames
    "corrupt",  # the container or the stream cannot be read through
    "dimensions_too_small",  # a side below VideoPolicy.min_side
    "dimensions_too_large",  # a side above VideoPolicy.max_side
    "bad_frame_rate",  # frames per second outside [min_fps, max_fps]
    "too_long",  # longer than VideoPolicy.max_duration
    "no_audio_stream",  # extract_audio: the clip has no (supported) sound
    "timeout",  # processing exceeded its wall-time or CPU limit
    "resource_limit",  # processing exceeded its memory limit
    "processing_failed",  # FFmpeg crashed on this file
)


class VideoError(Exception):
    """Base class of everything the video engine raises on purpose."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class VideoRejected(VideoError, ValueError):
    """The upload is not a video Qiao will accept (or it could not be processed within the
    limits). ``code`` is one of :data:`REJECTION_CODES`. Retrying will not help."""


class VideoUnavailable(VideoError):
    """Video processing is not possible on this installation (PyAV missing or broken).
    ``code`` is ``video_unavailable``; the platform should hide video upload."""


@dataclass(frozen=True)
class Rendition:
    """One output size. ``short_side`` is the height of a landscape clip (360 for "360p") and
    the width of a portrait one; sizes above the source's are skipped (never upscaled)."""

    short_side: int
    crf: int
    maxrate_kbps: int
    audio_kbps: int

    @property
    def label(self) -> str:
        return f"{self.short_side}p"


DEFAULT_RENDITIONS = (
    Rendition(360, crf=26, maxrate_kbps=900, audio_kbps=64),
    Rendition(720, crf=23, maxrate_kbps=3000, audio_kbps=128),
    Rendition(1080, crf=23, maxrate_kbps=6000, audio_kbps=128),
)

DEFAULT_VIDEO_CODECS = frozenset(
    {"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "h263", "prores", "mjpeg"}
)
DEFAULT_AUDIO_CODECS = frozenset(
    {
        "aac",
        "opus",
        "mp3",
        "vorbis",
        "alac",
        "flac",
        "ac3",
        "eac3",
        "amr_nb",
        "amr_wb",
        "pcm_s16le",
        "pcm_s16be",
        "pcm_s24le",
        "pcm_s24be",
        "pcm_f32le",
        "pcm_u8",
    }
)


@dataclass(frozen=True)
class VideoPolicy:
    """Limits and output settings; every field has a default that suits a phone-clip site."""

    max_bytes: int = 1024 * 1024 * 1024
    max_duration: float = 180.0
    min_side: int = 64
    max_side: int = 4096
    min_fps: float = 1.0
    max_fps: float = 240.0
    video_codecs: frozenset[str] = DEFAULT_VIDEO_CODECS
    audio_codecs: frozenset[str] = DEFAULT_AUDIO_CODECS
    renditions: tuple[Rendition, ...] = DEFAULT_RENDITIONS
    #: x264 speed/size trade-off; docs/media.md has the CPU cost of each rendition.
    preset: str = "veryfast"
    max_output_fps: float = 60.0
    #: Threads for decoding and for each encoder (the machine has 2 cores).
    threads: int = 2
    #: Long side of the poster frame before it goes through the image pipeline.
    poster_side: int = 1280
    # -- sandbox limits for each FFmpeg run (a child process) --
    probe_timeout: float = 30.0
    probe_memory_mb: int = 1024
    #: transcode wall-time limit = base + per_second × clip duration (CPU limit: ×threads)
    transcode_timeout_base: float = 60.0
    transcode_timeout_per_second: float = 8.0
    transcode_memory_mb: int = 3072
    #: Largest file a transcode may write, as a multiple of the input size plus 64 MB.
    output_size_factor: float = 3.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["video_codecs"] = sorted(self.video_codecs)
        data["audio_codecs"] = sorted(self.audio_codecs)
        return data


@dataclass(frozen=True)
class VideoInfo:
    """What :func:`probe` learned from a file's content."""

    container: str  # "mp4" (the ISO/QuickTime family: MP4, MOV, 3GP, M4V) or "webm"
    duration: float  # seconds
    width: int  # displayed size, after rotation
    height: int
    coded_width: int
    coded_height: int
    rotation: int  # clockwise degrees applied for display: 0, 90, 180 or 270
    fps: float
    video_codec: str
    has_audio: bool
    audio_codec: str | None
    size_bytes: int
    video_packets: int
    ai_generated: bool = False
    ai_reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenditionFile:
    label: str  # "360p", "720p", "1080p" (or "source" for clips below 360p)
    path: str
    width: int
    height: int
    size_bytes: int
    duration: float
    bitrate_kbps: int
    content_type: str = "video/mp4"


@dataclass
class TranscodeResult:
    """The outputs of :func:`transcode`: files in ``workdir``, all metadata-free.

    ``poster`` is the poster frame after the image pipeline (its ``clean_jpeg`` is the file to
    store, ``blurhash``/``dominant_color`` the placeholder; render WebP sizes from it with
    :func:`qiao.engines.media.render_variants`). ``poster_path`` is the same JPEG on disk.
    """

    info: VideoInfo
    renditions: list[RenditionFile]
    poster_path: str
    poster: Any  # qiao.engines.media.image.CheckedImage (Any: keeps this module import-free)
    duration: float
    width: int
    height: int
    has_audio: bool
    ai_generated: bool
    cpu_seconds: float
    peak_rss_mb: float
    wall_seconds: float
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunUsage:
    """Resources one sandboxed FFmpeg run used (from the child's own getrusage)."""

    cpu_seconds: float
    peak_rss_mb: float
    wall_seconds: float

"""Video engine: probe and validate clips by content, transcode them to metadata-free H.264/AAC
MP4 renditions with a poster frame, and extract their sound for transcription.

FFmpeg comes from PyAV's wheels (pinned; the libraries include libx264, the native AAC
encoder and decoders for H.264, HEVC, VP8/VP9, AV1, AAC, Opus). Every FFmpeg run happens in
a sandboxed child process with wall-time, CPU, memory and file-size limits
(:mod:`.sandbox`); this module is what the platform calls::

    info = probe(path, policy)                  # fast; raises VideoRejected(code, message)
    result = transcode(path, workdir, policy)   # renditions + poster + blurhash; in a worker
    wav = extract_audio(path, dest, policy)     # 16 kHz mono WAV for a Transcriber

See docs/media.md for the costs and what the platform does with each result.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path
from typing import Any

from qiao.engines.media.provenance import detect_provenance_file
from qiao.engines.media.video.sandbox import Limits, run_job
from qiao.engines.media.video.sniff import sniff_container
from qiao.engines.media.video.types import (
    DEFAULT_RENDITIONS,
    REJECTION_CODES,
    Rendition,
    RenditionFile,
    RunUsage,
    TranscodeResult,
    VideoError,
    VideoInfo,
    VideoPolicy,
    VideoRejected,
    VideoUnavailable,
)

__all__ = [
    "DEFAULT_RENDITIONS",
    "REJECTION_CODES",
    "Rendition",
    "RenditionFile",
    "RunUsage",
    "TranscodeResult",
    "VideoError",
    "VideoInfo",
    "VideoPolicy",
    "VideoRejected",
    "VideoUnavailable",
    "extract_audio",
    "probe",
    "sniff_file",
    "transcode",
    "video_support",
]

_SNIFF_BYTES = 4096


def sniff_file(path: str | os.PathLike[str], policy: VideoPolicy | None = None) -> str:
    """The checks that need no FFmpeg: size and container family from the first bytes.

    Returns the demuxer name (``"mov"`` or ``"matroska"``); raises VideoRejected with
    ``empty``, ``too_large``, ``not_a_video`` or ``unsupported_format``. Microseconds: call
    it as soon as an upload is complete.
    """
    policy = policy or VideoPolicy()
    size = os.path.getsize(path)
    if size == 0:
        raise VideoRejected("empty", "The file is empty.")
    if size > policy.max_bytes:
        raise VideoRejected(
            "too_large", f"The file is larger than the {policy.max_bytes / 2**20:.0f} MB limit."
        )
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    demuxer, code = sniff_container(head)
    if demuxer is None:
        if code == "unsupported_format":
            raise VideoRejected(
                "unsupported_format", "This video format is not supported; upload MP4, MOV or WebM."
            )
        raise VideoRejected("not_a_video", "This file is not a video.")
    return demuxer


def probe(path: str | os.PathLike[str], policy: VideoPolicy | None = None) -> VideoInfo:
    """Validate a clip by its content and describe it.

    Reads the container and demuxes every video packet (no decoding but the first picture),
    so a file that lies about its length, ends early or cannot be decoded is refused here.
    Raises VideoRejected (see :data:`REJECTION_CODES`) or VideoUnavailable.
    """
    info, _usage = probe_with_usage(path, policy)
    return info


def probe_with_usage(
    path: str | os.PathLike[str], policy: VideoPolicy | None = None
) -> tuple[VideoInfo, RunUsage]:
    """:func:`probe`, also returning the resources the child process used (benchmarks)."""
    policy = policy or VideoPolicy()
    demuxer = sniff_file(path, policy)
    size = os.path.getsize(path)
    provenance = detect_provenance_file(str(path))
    limits = Limits(
        wall_seconds=policy.probe_timeout,
        cpu_seconds=policy.probe_timeout,
        memory_mb=policy.probe_memory_mb,
        file_size_mb=16,
    )
    result, usage = run_job(
        "probe", {"path": os.fspath(path), "demuxer": demuxer, "policy": policy.to_json()}, limits
    )
    info = VideoInfo(
        container=str(result["container"]),
        duration=float(result["duration"]),
        width=int(result["width"]),
        height=int(result["height"]),
        coded_width=int(result["coded_width"]),
        coded_height=int(result["coded_height"]),
        rotation=int(result["rotation"]),
        fps=float(result["fps"]),
        video_codec=str(result["video_codec"]),
        has_audio=bool(result["has_audio"]),
        audio_codec=result["audio_codec"],
        size_bytes=size,
        video_packets=int(result["video_packets"]),
        ai_generated=provenance.ai_generated,
        ai_reasons=tuple(provenance.reasons),
        notes=tuple(result.get("notes") or ()),
    )
    return info, usage


def transcode(
    src: str | os.PathLike[str],
    workdir: str | os.PathLike[str],
    policy: VideoPolicy | None = None,
    info: VideoInfo | None = None,
) -> TranscodeResult:
    """Transcode a clip into H.264/AAC MP4 renditions (+faststart), upright, with no metadata,
    plus a poster frame through the image pipeline. Files are written into ``workdir``
    (``360p.mp4``, ``720p.mp4``, ``1080p.mp4`` as the source allows, ``poster.jpg``).

    ``info`` is :func:`probe`'s result if the caller has it (otherwise the clip is probed
    first). Wall-time limit: ``transcode_timeout_base + transcode_timeout_per_second ×
    duration``. Raises VideoRejected or VideoUnavailable; leaves no partial outputs behind
    on failure.
    """
    from qiao.engines.media.image import ImagePolicy, inspect_image

    policy = policy or VideoPolicy()
    probe_usage = RunUsage(0.0, 0.0, 0.0)
    if info is None:
        info, probe_usage = probe_with_usage(src, policy)
    demuxer = sniff_file(src, policy)
    out_dir = Path(workdir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wall = policy.transcode_timeout_base + policy.transcode_timeout_per_second * info.duration
    size_mb = int(info.size_bytes * policy.output_size_factor / 2**20) + 64
    limits = Limits(
        wall_seconds=wall,
        cpu_seconds=wall * max(1, policy.threads),
        memory_mb=policy.transcode_memory_mb,
        file_size_mb=size_mb,
    )
    request: dict[str, Any] = {
        "path": os.fspath(src),
        "demuxer": demuxer,
        "workdir": str(out_dir),
        "policy": {
            **policy.to_json(),
            "renditions": [dataclasses.asdict(r) for r in policy.renditions],
        },
        "info": dataclasses.asdict(info),
    }
    written = [out_dir / f"{r.label}.mp4" for r in policy.renditions] + [
        out_dir / "source.mp4",
        out_dir / "poster-source.png",
    ]
    try:
        result, usage = run_job("transcode", request, limits)
    except VideoError:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    poster_source = Path(result["poster_source"])
    try:
        poster = inspect_image(
            poster_source.read_bytes(),
            ImagePolicy(max_side=policy.poster_side, min_side=2, max_request_pixels=0),
        )
    finally:
        poster_source.unlink(missing_ok=True)
    poster_path = out_dir / "poster.jpg"
    poster_path.write_bytes(poster.clean_jpeg)
    renditions = [RenditionFile(**r) for r in result["renditions"]]
    biggest = max(renditions, key=lambda r: r.width * r.height)
    return TranscodeResult(
        info=info,
        renditions=renditions,
        poster_path=str(poster_path),
        poster=poster,
        duration=float(result["duration"]),
        width=biggest.width,
        height=biggest.height,
        has_audio=bool(result["has_audio"]),
        ai_generated=info.ai_generated,
        cpu_seconds=round(usage.cpu_seconds + probe_usage.cpu_seconds, 3),
        peak_rss_mb=max(usage.peak_rss_mb, probe_usage.peak_rss_mb),
        wall_seconds=round(usage.wall_seconds + probe_usage.wall_seconds, 3),
        notes=list(info.notes) + [n for n in result.get("notes", []) if n not in info.notes],
    )


def extract_audio(
    src: str | os.PathLike[str], dest: str | os.PathLike[str], policy: VideoPolicy | None = None
) -> float:
    """Write the clip's sound as 16 kHz mono 16-bit WAV (what speech models take) to ``dest``;
    return its length in seconds. Raises VideoRejected (``no_audio_stream`` among others)."""
    policy = policy or VideoPolicy()
    demuxer = sniff_file(src, policy)
    wall = policy.transcode_timeout_base + policy.max_duration
    limits = Limits(
        wall_seconds=wall,
        cpu_seconds=wall,
        memory_mb=policy.probe_memory_mb,
        file_size_mb=int(policy.max_duration * 32_000 / 2**20) + 8,
    )
    try:
        result, _usage = run_job(
            "extract_audio",
            {
                "path": os.fspath(src),
                "demuxer": demuxer,
                "dest": os.fspath(dest),
                "policy": policy.to_json(),
            },
            limits,
        )
    except VideoError:
        Path(dest).unlink(missing_ok=True)
        raise
    return float(result["seconds"])


@functools.lru_cache(maxsize=1)
def video_support() -> tuple[bool, str]:
    """Whether this installation can process video, and why not: PyAV importable, with an
    H.264 encoder and AAC. Checked in this process (cheap; cached)."""
    try:
        import av
    except ImportError as exc:
        return False, f"PyAV is not installed ({exc}); run `pip install -e .`."
    missing = []
    for name in ("libx264", "aac"):
        try:
            av.codec.Codec(name, "w")
        except Exception:  # noqa: BLE001 - UnknownCodecError and friends
            missing.append(name)
    if missing:
        return False, f"PyAV {av.__version__} has no {', '.join(missing)} encoder."
    return True, f"PyAV {av.__version__} (FFmpeg libavcodec {av.library_versions['libavcodec']})"

"""Automatic captions: a pluggable speech-to-text engine.

No speech model can be downloaded here, so there are two backends, side by side like the
translation engines: an OpenAI-compatible ``/v1/audio/transcriptions`` server
(:class:`OpenAITranscriber`) and a local faster-whisper model directory
(:class:`LocalWhisperTranscriber`, installed with :func:`install_model`). Both return a
:class:`Transcript` whose caption track is validated and sanitised like an uploaded file.

    wav = extract_audio(clip, tmp / "a.wav")               # qiao.engines.media.video
    engine = make_transcriber("openai", base_url=..., model="whisper-1")
    ok, why = engine.status()
    transcript = engine.transcribe(str(tmp / "a.wav"), language=None, timeout=120)
    transcript.track.to_webvtt()
"""

from __future__ import annotations

from pathlib import Path

from .base import (
    Transcriber,
    Transcript,
    TranscriptionError,
    TranscriptionTimeout,
    TranscriptionUnavailable,
    segments_to_track,
)
from .http import OpenAITranscriber
from .install import InstallError, ModelStatus, install_model, model_status
from .local import LocalWhisperTranscriber, missing_files

ENGINE_NAMES = ("openai", "local", "off")

__all__ = [
    "ENGINE_NAMES",
    "InstallError",
    "LocalWhisperTranscriber",
    "ModelStatus",
    "OpenAITranscriber",
    "Transcriber",
    "Transcript",
    "TranscriptionError",
    "TranscriptionTimeout",
    "TranscriptionUnavailable",
    "install_model",
    "make_transcriber",
    "missing_files",
    "model_status",
    "segments_to_track",
]


def make_transcriber(
    engine: str,
    *,
    base_url: str | None = None,
    model: str = "whisper-1",
    api_key: str | None = None,
    model_dir: str | Path = "models/whisper",
    threads: int = 2,
) -> Transcriber | None:
    """The configured engine, or None for ``off``. Settings map one to one:
    ``QIAO_TRANSCRIBE_ENGINE`` → engine, ``QIAO_TRANSCRIBE_URL`` → base_url,
    ``QIAO_TRANSCRIBE_MODEL`` → model, ``QIAO_TRANSCRIBE_API_KEY`` → api_key,
    ``QIAO_MODELS_DIR``/whisper → model_dir."""
    if engine == "off":
        return None
    if engine == "openai":
        return OpenAITranscriber(base_url, model, api_key=api_key)
    if engine == "local":
        return LocalWhisperTranscriber(model_dir, threads=threads)
    raise ValueError(f"unknown transcription engine {engine!r}; choose {ENGINE_NAMES}")

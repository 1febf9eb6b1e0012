"""The transcription protocol and its types (built like the translation engines')."""

from __future__ import annotations

import re
import wave
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from qiao.engines.media.captions import CaptionPolicy, CaptionTrack, Cue, build_track


class TranscriptionError(Exception):
    """Base class; ``code`` is stable for the platform."""

    code = "transcription_failed"


class TranscriptionUnavailable(TranscriptionError):
    """The engine cannot run here: ``code`` is ``not_configured``, ``package_missing`` or
    ``model_missing``; the message says what to install or set."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class TranscriptionTimeout(TranscriptionError):
    code = "transcription_timeout"


@dataclass
class Transcript:
    """What a transcriber heard: a caption track (validated and sanitised like an upload),
    the spoken language (``zh``, ``en``, … or ``und``) and what produced it."""

    track: CaptionTrack
    language: str
    engine: str
    model: str
    notes: list[str] = field(default_factory=list)


@runtime_checkable
class Transcriber(Protocol):
    """A speech-to-text engine. ``transcribe`` takes a 16 kHz mono WAV (from
    :func:`qiao.engines.media.video.extract_audio`) and an optional language hint, and gives
    up after ``timeout`` seconds where it can. ``status`` is cheap (no network, no model
    loading) and says whether the engine can run and, if not, what is missing."""

    name: str

    def status(self) -> tuple[bool, str]: ...

    def transcribe(self, wav_path: str, language: str | None, timeout: float) -> Transcript: ...


#: Whisper-style servers answer with language names; the platform speaks codes.
LANGUAGE_NAMES = {
    "english": "en",
    "chinese": "zh",
    "mandarin": "zh",
    "cantonese": "yue",
    "japanese": "ja",
    "korean": "ko",
    "french": "fr",
    "german": "de",
    "spanish": "es",
}


def language_code(value: str | None) -> str:
    if not value:
        return "und"
    value = value.strip().lower()
    if value in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value]
    return value.split("-")[0] if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", value) else "und"


def wav_seconds(path: str) -> float:
    with wave.open(path, "rb") as w:
        return w.getnframes() / float(w.getframerate() or 1)


def segments_to_track(
    segments: Iterable[tuple[float, float, str]],
    duration: float | None,
    language: str | None,
    max_chars: int = 84,
) -> CaptionTrack:
    """Turn recogniser segments into caption cues of readable length: a segment longer than
    ``max_chars`` (two 42-character lines, the broadcast norm) is split at word or CJK
    character boundaries, its time shared in proportion to the text."""
    cues: list[Cue] = []
    for start, end, text in segments:
        text = " ".join(text.split())
        if not text or end <= start:
            continue
        pieces = _split(text, max_chars)
        total = sum(len(p) for p in pieces)
        t = start
        for piece in pieces:
            span = (end - start) * len(piece) / total
            cues.append(Cue(round(t, 3), round(t + span, 3), piece))
            t += span
    return build_track(
        cues, CaptionPolicy(max_cue_chars=max(200, max_chars)), duration, language=language
    )


def _split(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    pieces: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if len(candidate) > max_chars and current:
            pieces.append(current)
            current = word
        else:
            current = candidate
    if current:
        pieces.append(current)
    return [p[: max_chars * 2] for p in pieces]

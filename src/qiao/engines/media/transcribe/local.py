"""A local Whisper model directory run by faster-whisper (CTranslate2), entirely offline.

faster-whisper is an optional extra (``pip install -e '.[transcribe]'``); the model is a
CTranslate2 conversion of Whisper (``config.json``, ``model.bin``, ``tokenizer.json``,
``vocabulary.*``) put in place by :func:`.install.install_model` — nothing is downloaded at
run time: the directory is passed as a path and ``local_files_only`` is set.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

from .base import (
    Transcript,
    TranscriptionError,
    TranscriptionUnavailable,
    language_code,
    segments_to_track,
    wav_seconds,
)

REQUIRED_FILES = ("config.json", "model.bin", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json")


def missing_files(model_dir: Path) -> list[str]:
    """What a faster-whisper model directory lacks (empty when it looks complete)."""
    if not model_dir.is_dir():
        return [str(model_dir)]
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if not any((model_dir / name).is_file() for name in VOCABULARY_FILES):
        missing.append(" or ".join(VOCABULARY_FILES))
    return missing


def _package_available() -> bool:
    import sys

    return "faster_whisper" in sys.modules or importlib.util.find_spec("faster_whisper") is not None


class LocalWhisperTranscriber:
    name = "local"

    def __init__(
        self, model_dir: str | Path, *, threads: int = 2, compute_type: str = "int8"
    ) -> None:
        self.model_dir = Path(model_dir)
        self.threads = threads
        self.compute_type = compute_type
        self._model: Any = None
        self._lock = threading.Lock()

    def status(self) -> tuple[bool, str]:
        if not _package_available():
            return False, ("faster-whisper is not installed: run `pip install -e '.[transcribe]'`.")
        missing = missing_files(self.model_dir)
        if missing:
            return False, (
                f"The Whisper model in {self.model_dir} is missing "
                f"{', '.join(missing)}: run `qiao media install-model SOURCE` "
                "with a CTranslate2 Whisper model directory or archive."
            )
        return True, f"faster-whisper, {self.model_dir.name}"

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                ok, why = self.status()
                if not ok:
                    code = "package_missing" if "not installed" in why else "model_missing"
                    raise TranscriptionUnavailable(code, why)
                from faster_whisper import WhisperModel

                self._model = WhisperModel(
                    str(self.model_dir),
                    device="cpu",
                    compute_type=self.compute_type,
                    cpu_threads=self.threads,
                    local_files_only=True,
                )
            return self._model

    def transcribe(self, wav_path: str, language: str | None, timeout: float) -> Transcript:
        model = self._load()
        try:
            segments, info = model.transcribe(
                wav_path,
                language=(language.split("-")[0] if language and language != "und" else None),
                vad_filter=False,
                beam_size=1,
            )
            parts = [(float(s.start), float(s.end), str(s.text)) for s in segments]
        except Exception as exc:
            raise TranscriptionError(f"faster-whisper failed: {exc}") from exc
        lang = language_code(getattr(info, "language", None) or language)
        track = segments_to_track(parts, wav_seconds(wav_path), lang)
        return Transcript(track=track, language=lang, engine=self.name, model=self.model_dir.name)

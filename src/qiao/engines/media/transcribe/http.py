"""OpenAI-compatible ``POST {base_url}/audio/transcriptions`` (OpenAI, whisper.cpp's and
faster-whisper-server's OpenAI mode, vLLM, LocalAI, …)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from .base import (
    Transcript,
    TranscriptionError,
    TranscriptionTimeout,
    TranscriptionUnavailable,
    language_code,
    segments_to_track,
    wav_seconds,
)


class OpenAITranscriber:
    """``base_url`` includes the API version, as for the translation engine
    (``http://host:8000/v1``). Asks for ``verbose_json`` (segments with times); a server
    that answers with text only gets one caption per ~84 characters, timed in proportion."""

    name = "openai"

    def __init__(
        self,
        base_url: str | None,
        model: str = "whisper-1",
        *,
        api_key: str | None = None,
        max_bytes: int = 25 * 1024 * 1024,
    ) -> None:
        self.base_url = (base_url or "").rstrip("/")
        self.model = model
        self.api_key = api_key
        self.max_bytes = max_bytes

    def status(self) -> tuple[bool, str]:
        if not self.base_url.startswith(("http://", "https://")):
            return False, (
                "No transcription server is configured: set "
                "QIAO_TRANSCRIBE_URL to an OpenAI-compatible /v1 base URL."
            )
        return True, f"{self.base_url} ({self.model})"

    def transcribe(self, wav_path: str, language: str | None, timeout: float) -> Transcript:
        ok, why = self.status()
        if not ok:
            raise TranscriptionUnavailable("not_configured", why)
        audio = Path(wav_path).read_bytes()
        if len(audio) > self.max_bytes:
            raise TranscriptionError(
                f"audio is {len(audio)} bytes; the server takes {self.max_bytes}"
            )
        fields = {
            "model": self.model,
            "response_format": "verbose_json",
            "timestamp_granularities[]": "segment",
        }
        if language and language != "und":
            fields["language"] = language.split("-")[0]
        boundary = uuid.uuid4().hex
        body = _multipart(boundary, fields, "file", Path(wav_path).name, audio)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = f"{self.base_url}/audio/transcriptions"
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - the configured server URL
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - the configured server URL
                payload: Any = json.loads(resp.read(8 * 1024 * 1024).decode("utf-8"))
        except TimeoutError as exc:
            raise TranscriptionTimeout(f"{url}: no answer within {timeout:g}s") from exc
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            raise TranscriptionError(f"{url}: HTTP {exc.code} {detail}") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise TranscriptionTimeout(f"{url}: no answer within {timeout:g}s") from exc
            raise TranscriptionError(f"{url}: {exc.reason}") from exc
        except (OSError, ValueError) as exc:
            raise TranscriptionError(f"{url}: {exc}") from exc
        if not isinstance(payload, dict):
            raise TranscriptionError(f"{url}: unexpected answer")
        duration = wav_seconds(wav_path)
        lang = (
            language_code(payload.get("language"))
            if payload.get("language")
            else (language or "und")
        )
        segments = payload.get("segments")
        if isinstance(segments, list) and segments:
            parts = [
                (float(s.get("start", 0)), float(s.get("end", 0)), str(s.get("text", "")))
                for s in segments
                if isinstance(s, dict)
            ]
        else:
            parts = [(0.0, max(duration, 0.5), str(payload.get("text", "")))]
        track = segments_to_track(parts, duration, lang)
        return Transcript(track=track, language=lang, engine=self.name, model=self.model)


def _multipart(
    boundary: str, fields: dict[str, str], file_field: str, filename: str, data: bytes
) -> bytes:
    out = bytearray()
    for key, value in fields.items():
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        ).encode()
    out += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: audio/wav\r\n\r\n'
    ).encode()
    out += data + f"\r\n--{boundary}--\r\n".encode()
    return bytes(out)

"""Transcription engines: the OpenAI-compatible HTTP backend against a fake server on
127.0.0.1, and the local model-directory backend (detection, install, the call path through
a stand-in for faster-whisper — no real model is built or downloaded)."""

from __future__ import annotations

import io
import json
import socket
import sys
import tarfile
import threading
import types
import wave
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from qiao.engines.media.transcribe import (
    InstallError,
    LocalWhisperTranscriber,
    OpenAITranscriber,
    Transcriber,
    TranscriptionError,
    TranscriptionTimeout,
    TranscriptionUnavailable,
    install_model,
    make_transcriber,
    missing_files,
    model_status,
    segments_to_track,
)


def _wav(path: Path, seconds: float = 2.0) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * int(16000 * seconds))
    return path


class _Server:
    def __init__(self, reply: Any, status: int = 200) -> None:
        self.reply, self.status = reply, status
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                data = json.dumps(outer.reply).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server(
        {
            "language": "english",
            "text": "hello there. general kenobi",
            "segments": [
                {"start": 0.0, "end": 1.2, "text": " hello there."},
                {"start": 1.2, "end": 2.0, "text": " general <b>kenobi</b>"},
            ],
        }
    )
    yield srv
    srv.close()


def test_openai_backend_sends_a_proper_request(server: _Server, tmp_path: Path) -> None:
    engine = OpenAITranscriber(server.url, "whisper-large-v3", api_key="sekret")
    assert isinstance(engine, Transcriber)
    result = engine.transcribe(str(_wav(tmp_path / "a.wav")), language="zh-Hans", timeout=10)
    req = server.requests[0]
    assert req["path"] == "/v1/audio/transcriptions"
    assert req["headers"]["Authorization"] == "Bearer sekret"
    body = req["body"]
    for field, value in (
        ("model", b"whisper-large-v3"),
        ("response_format", b"verbose_json"),
        ("language", b"zh"),
    ):
        assert f'name="{field}"\r\n\r\n'.encode() + value in body
    assert b'filename="a.wav"' in body and b"RIFF" in body
    assert result.language == "en" and result.engine == "openai"
    assert [(c.start, c.end, c.text) for c in result.track.cues] == [
        (0.0, 1.2, "hello there."),
        (1.2, 2.0, "general kenobi"),
    ]


def test_text_only_answers_are_timed_over_the_audio(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(40))
    srv = _Server({"text": words})
    try:
        result = OpenAITranscriber(srv.url).transcribe(
            str(_wav(tmp_path / "a.wav", 4.0)), None, timeout=10
        )
    finally:
        srv.close()
    cues = result.track.cues
    assert len(cues) > 1 and all(len(c.text) <= 84 for c in cues)
    assert cues[0].start == 0.0 and cues[-1].end == pytest.approx(4.0, abs=0.01)
    assert " ".join(c.text for c in cues) == words
    assert result.language == "und"


def test_server_errors_and_silence(tmp_path: Path) -> None:
    srv = _Server({"error": "boom"}, status=500)
    try:
        with pytest.raises(TranscriptionError, match="HTTP 500"):
            OpenAITranscriber(srv.url).transcribe(str(_wav(tmp_path / "a.wav")), None, 10)
    finally:
        srv.close()
    # A server that accepts the connection and never answers: only the timeout ends it.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
        with pytest.raises(TranscriptionTimeout):
            OpenAITranscriber(url).transcribe(str(_wav(tmp_path / "b.wav")), None, timeout=0.5)
    finally:
        listener.close()


def test_unconfigured_http_backend_says_what_to_set(tmp_path: Path) -> None:
    engine = make_transcriber("openai", base_url=None)
    assert engine is not None
    ok, why = engine.status()
    assert not ok and "QIAO_TRANSCRIBE_URL" in why
    with pytest.raises(TranscriptionUnavailable) as err:
        engine.transcribe(str(_wav(tmp_path / "a.wav")), None, 1)
    assert err.value.code == "not_configured"
    assert make_transcriber("off") is None
    with pytest.raises(ValueError):
        make_transcriber("bogus")


def _fake_model_dir(path: Path) -> Path:
    path.mkdir(parents=True)
    for name in ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt"):
        (path / name).write_text(name)
    return path


def test_local_backend_names_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", types.ModuleType("faster_whisper"))
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "config.json").write_text("{}")
    assert missing_files(tmp_path / "partial") == [
        "model.bin",
        "tokenizer.json",
        "vocabulary.txt or vocabulary.json",
    ]
    ok, why = LocalWhisperTranscriber(tmp_path / "partial").status()
    assert not ok and "model.bin" in why and "install-model" in why
    with pytest.raises(TranscriptionUnavailable) as err:
        LocalWhisperTranscriber(tmp_path / "partial").transcribe("x.wav", None, 1)
    assert err.value.code == "model_missing"


def test_local_backend_without_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.delitem(sys.modules, "faster_whisper", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    engine = LocalWhisperTranscriber(_fake_model_dir(tmp_path / "m"))
    ok, why = engine.status()
    assert not ok and ".[transcribe]" in why
    with pytest.raises(TranscriptionUnavailable) as err:
        engine.transcribe("x.wav", None, 1)
    assert err.value.code == "package_missing"


def test_local_backend_runs_the_model_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: dict[str, Any] = {}

    class FakeWhisperModel:
        def __init__(self, path: str, **kw: Any) -> None:
            calls["init"] = (path, kw)

        def transcribe(self, wav: str, **kw: Any) -> tuple[Any, Any]:
            calls["transcribe"] = kw
            seg = types.SimpleNamespace
            return iter(
                [seg(start=0.0, end=0.9, text=" 你好"), seg(start=0.9, end=1.8, text=" 世界")]
            ), seg(language="zh")

    fake = types.ModuleType("faster_whisper")
    fake.WhisperModel = FakeWhisperModel  # type: ignore[attr-defined] # a stand-in module
    monkeypatch.setitem(sys.modules, "faster_whisper", fake)
    model_dir = _fake_model_dir(tmp_path / "whisper")
    result = LocalWhisperTranscriber(model_dir).transcribe(
        str(_wav(tmp_path / "a.wav")), "und", timeout=10
    )
    assert calls["init"][0] == str(model_dir)
    assert calls["init"][1]["local_files_only"] is True
    assert calls["transcribe"]["language"] is None
    assert result.language == "zh" and result.track.texts() == ["你好", "世界"]


def test_install_from_a_directory_and_from_an_archive(tmp_path: Path) -> None:
    src = _fake_model_dir(tmp_path / "src" / "faster-whisper-small")
    status = install_model(str(src), tmp_path / "models")
    assert status.ready and (tmp_path / "models" / "whisper" / "model.bin").is_file()
    assert model_status(tmp_path / "models" / "whisper", verify=True).ready
    (tmp_path / "models" / "whisper" / "model.bin").write_text("tampered")
    assert not model_status(tmp_path / "models" / "whisper", verify=True).ready

    archive = tmp_path / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(src, arcname="faster-whisper-small")
    import hashlib

    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    with pytest.raises(InstallError):
        install_model(str(archive), tmp_path / "models", sha256="0" * 64)
    assert install_model(str(archive), tmp_path / "models", sha256=digest).ready
    assert not model_status(tmp_path / "nowhere").ready


def test_install_refuses_archives_that_escape(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        data = b"x"
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    with pytest.raises(InstallError):
        install_model(str(archive), tmp_path / "models")
    assert not (tmp_path / "escaped.txt").exists()


def test_long_segments_are_split_readably() -> None:
    text = "这是一个很长的句子" * 20  # 180 CJK characters, no spaces
    track = segments_to_track([(0.0, 9.0, text)], 10.0, "zh")
    assert len(track.cues) == 3 and "".join(track.texts()) == text
    assert track.cues[-1].end == pytest.approx(9.0, abs=0.01)

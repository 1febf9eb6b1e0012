"""Small real servers on 127.0.0.1 that speak third-party protocols, for tests."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A tiny phrasebook so translations in tests read like translations.
ZH_EN = {"火锅": "hot pot", "好吃": "delicious", "我": "I", "喜欢": "like", "猫": "cat"}


def fake_translate(text: str, source: str, target: str) -> str:
    out = text
    pairs = ZH_EN.items() if target == "en" else ((en, zh) for zh, en in ZH_EN.items())
    for src, dst in sorted(pairs, key=lambda kv: -len(kv[0])):
        out = out.replace(src, f" {dst} " if target == "en" else dst)
    out = "\n".join(re.sub(r" {2,}", " ", line).strip() for line in out.split("\n"))
    return f"[{target}] {out}"


class _LibreHandler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/languages"):
            self._send(
                200,
                [
                    {"code": "en", "name": "English", "targets": ["zh"]},
                    {"code": "zh", "name": "Chinese", "targets": ["en"]},
                ],
            )
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        data = json.loads(self.rfile.read(length) or b"{}")
        self.server.calls.append(data)
        if self.server.down:
            self._send(503, {"error": "overloaded"})
            return
        q = data.get("q")
        texts = q if isinstance(q, list) else [q]
        out = [fake_translate(t, data.get("source", ""), data.get("target", "")) for t in texts]
        self._send(200, {"translatedText": out if isinstance(q, list) else out[0]})


@contextmanager
def libretranslate_server() -> Iterator[Any]:
    """A LibreTranslate-compatible server; set `.down = True` to make it fail."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LibreHandler)
    server.calls = []  # type: ignore[attr-defined] # test-only state
    server.down = False  # type: ignore[attr-defined] # test-only state
    server.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined] # test-only state
    # A short poll: shutdown() waits up to one poll interval (0.5 s by default, per test).
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class _TranscribeHandler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.server.calls.append(
            {"path": self.path, "bytes": len(body), "has_wav": b"RIFF" in body}
        )
        payload = json.dumps(
            {
                "language": self.server.language,
                "duration": 2.0,
                "text": " ".join(t for _s, _e, t in self.server.segments),
                "segments": [{"start": s, "end": e, "text": t} for s, e, t in self.server.segments],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@contextmanager
def transcription_server(
    segments: list[tuple[float, float, str]], language: str = "chinese"
) -> Iterator[Any]:
    """An OpenAI-compatible /v1/audio/transcriptions server that hears `segments`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TranscribeHandler)
    server.calls = []  # type: ignore[attr-defined] # test-only state
    server.segments = segments  # type: ignore[attr-defined] # test-only state
    server.language = language  # type: ignore[attr-defined] # test-only state
    server.url = f"http://127.0.0.1:{server.server_address[1]}/v1"  # type: ignore[attr-defined] # test-only state
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()

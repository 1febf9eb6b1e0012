"""LibreTranslate and OpenAI-compatible clients against small local servers on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from qiao.engines.translate import TranslationService, build_service_from_config
from qiao.engines.translate.base import EngineError, EngineTimeout
from qiao.engines.translate.engines.http import (
    LibreTranslateTranslator,
    OpenAICompatibleTranslator,
    clean_llm_output,
)

Handler = Callable[[str, str, dict[str, Any], dict[str, str]], tuple[int, Any]]


class Server:
    def __init__(self, handle: Handler) -> None:
        self.requests: list[tuple[str, str, dict[str, Any], dict[str, str]]] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def _do(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.requests.append((self.command, self.path, body, headers))
                status, payload = handle(self.command, self.path, body, headers)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _do
            do_POST = _do

            def log_message(self, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def serve() -> Iterator[Callable[[Handler], Server]]:
    servers: list[Server] = []

    def start(handle: Handler) -> Server:
        servers.append(Server(handle))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


DICT = {"我爱火锅。": "I love hot pot.", "你呢？": "And you?", "好吃": "Tasty"}


def translate_known(text: str) -> str:
    for a, b in DICT.items():
        text = text.replace(a, f" {b} ")
    return " ".join(text.split())


def libre(method: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
    if path == "/languages":
        return 200, [{"code": "en", "name": "English"}, {"code": "zh-Hans", "name": "Chinese"}]
    if path == "/translate":
        if body.get("api_key") != "k":
            return 403, {"error": "Invalid API key"}
        if body["source"] != "zh-Hans" or body["target"] != "en":
            return 400, {"error": f"{body['source']} is not supported"}
        q = body["q"]
        out = [translate_known(x) for x in q] if isinstance(q, list) else translate_known(q)
        return 200, {"translatedText": out}
    return 404, {"error": "not found"}


def test_libretranslate_client(serve: Callable[[Handler], Server]) -> None:
    srv = serve(libre)
    eng = LibreTranslateTranslator(srv.url + "/", api_key="k")
    assert eng.supports("zh", "en") and not eng.supports("fr", "en")
    assert eng.translate(["我爱火锅。", "你呢？"], "zh", "en", 5) == ["I love hot pot.", "And you?"]
    assert eng.whole_lines
    post = [r for r in srv.requests if r[0] == "POST"][0]
    assert post[2]["q"] == ["我爱火锅。", "你呢？"] and post[2]["format"] == "text"


def test_libretranslate_through_the_service(serve: Callable[[Handler], Server]) -> None:
    srv = serve(libre)
    svc = build_service_from_config(
        engines=["bergamot", "libretranslate"],
        models_dir="/nonexistent",
        libretranslate_url=srv.url,
        libretranslate_api_key="k",
    )
    [r] = svc.translate(["@amy 我爱火锅。你呢？😂"], "zh", "en")
    assert r.text == "@amy I love hot pot. And you? 😂"
    assert (r.engine, r.model_version) == ("libretranslate", srv.url)
    # the server gets whole lines (it splits sentences itself), protected spans kept out
    assert [x[2]["q"] for x in srv.requests if x[0] == "POST"] == [["我爱火锅。你呢？"]]


def test_libretranslate_errors_are_engine_errors(serve: Callable[[Handler], Server]) -> None:
    srv = serve(libre)
    with pytest.raises(EngineError, match="403"):
        LibreTranslateTranslator(srv.url, api_key="wrong").translate(["好吃"], "zh", "en", 5)
    with pytest.raises(EngineError):
        LibreTranslateTranslator("http://127.0.0.1:9").translate(["好吃"], "zh", "en", 2)


def chat(method: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
    assert path == "/v1/chat/completions"
    if headers.get("authorization") != "Bearer secret":
        return 401, {"error": {"message": "bad key"}}
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    assert "Output only the translation" in system and "Simplified Chinese" in system
    assert body["temperature"] == 0
    text = user.replace("I love hot pot.", "我爱火锅。").replace("Tasty", "好吃")
    content = f"Here is the translation: “{text}”" if "Tasty" in user else text
    return 200, {"choices": [{"message": {"role": "assistant", "content": content}}]}


def test_openai_compatible_client(serve: Callable[[Handler], Server]) -> None:
    srv = serve(chat)
    eng = OpenAICompatibleTranslator(srv.url + "/v1", "qwen2.5-7b", api_key="secret")
    assert eng.model_version("en", "zh") == "qwen2.5-7b"
    out = eng.translate(["I love hot pot.", "Tasty"], "en", "zh", 5)
    assert out == ["我爱火锅。", "好吃"]  # the preamble and quotes the model added are removed
    assert len(srv.requests) == 2


def test_openai_through_the_service_keeps_placeholders(serve: Callable[[Handler], Server]) -> None:
    srv = serve(chat)
    svc = TranslationService(
        engines=[OpenAICompatibleTranslator(srv.url + "/v1", "m", api_key="secret")]
    )
    [r] = svc.translate(["I love hot pot. #foodie @bob https://x.y/z"], "en", "zh")
    assert r.text == "我爱火锅。 #foodie @bob https://x.y/z"
    [r] = svc.translate(["Tasty @bob Tasty"], "en", "zh")
    assert r.text == "好吃 @bob 好吃"
    assert srv.requests[-1][2]["messages"][1]["content"] == "Tasty @bob Tasty"


def test_openai_timeout_and_errors(serve: Callable[[Handler], Server]) -> None:
    # The server answers only once released, after the client call returned: a client that
    # waited past its timeout would get the answer instead of raising.
    release = threading.Event()

    def slow(
        method: str, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any]:
        release.wait(30)
        return 200, {"choices": [{"message": {"content": "x"}}]}

    eng = OpenAICompatibleTranslator(serve(slow).url + "/v1", "m")
    try:
        with pytest.raises(EngineTimeout):
            eng.translate(["hello"], "en", "zh", 0.3)
    finally:
        release.set()
    with pytest.raises(EngineError, match="401"):
        OpenAICompatibleTranslator(serve(chat).url + "/v1", "m").translate(["hi"], "en", "zh", 5)


def test_clean_llm_output() -> None:
    assert clean_llm_output("<think>hmm</think>\n你好", "hello") == "你好"
    assert clean_llm_output("Translation: Hello", "你好") == "Hello"
    assert clean_llm_output('"Hello"', "你好") == "Hello"
    assert clean_llm_output('"Hello"', '"你好"') == '"Hello"'
    with pytest.raises(EngineError):
        clean_llm_output("  ", "你好")

"""The service: validation, ordered fallback, timeouts, cache, batching, placeholders."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import pytest

from qiao.engines.translate import (
    EmptyText,
    InMemoryLRUCache,
    TextTooLong,
    TranslationService,
    TranslationUnavailable,
    UnsupportedLanguagePair,
    build_service_from_config,
    config_from_env,
)
from qiao.engines.translate.base import EngineError, Translator


class FakeEngine:
    """A scriptable engine: ``fn`` maps one sentence to its translation."""

    def __init__(
        self,
        name: str,
        fn: Callable[[str], str] = lambda s: f"<{s}>",
        *,
        pairs: set[tuple[str, str]] | None = None,
        delay: float = 0.0,
        gate: threading.Event | None = None,
        error: Exception | None = None,
    ) -> None:
        self.name = name
        self.fn = fn
        self.pairs = pairs if pairs is not None else {("zh", "en"), ("en", "zh")}
        self.delay = delay
        self.gate = gate  # when set, a call waits for it (up to 30 s) before answering
        self.error = error
        self.calls: list[list[str]] = []
        self.lock = threading.Lock()

    @property
    def version(self) -> str:
        return "fake-1"

    def supports(self, source: str, target: str) -> bool:
        return (source, target) in self.pairs

    def model_version(self, source: str, target: str) -> str:
        return f"{self.name}-model"

    def translate(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        with self.lock:
            self.calls.append(list(texts))
        if self.delay:
            time.sleep(self.delay)
        if self.gate is not None:
            self.gate.wait(30)
        if self.error:
            raise self.error
        return [self.fn(t) for t in texts]


def service(*engines: Translator, **kw: object) -> TranslationService:
    return TranslationService(engines=list(engines), **kw)  # type: ignore[arg-type] # deliberately wrong


def test_fake_engine_satisfies_the_protocol() -> None:
    assert isinstance(FakeEngine("x"), Translator)


def test_first_engine_that_works_wins() -> None:
    a, b = FakeEngine("a"), FakeEngine("b")
    [r] = service(a, b).translate(["你好"], "zh", "en")
    assert (r.text, r.engine, r.model_version, r.cached) == ("<你好>", "a", "a-model", False)
    assert r.source == "zh" and r.target == "en"
    assert not b.calls


def test_fallback_when_first_engine_raises() -> None:
    a = FakeEngine("a", error=EngineError("model exploded"))
    b = FakeEngine("b")
    svc = service(a, b)
    [r] = svc.translate(["你好"], "zh", "en")
    assert r.engine == "b" and r.text == "<你好>"
    assert svc.stats["a"].failures == 1 and "exploded" in svc.stats["a"].last_error


def test_fallback_when_first_engine_times_out() -> None:
    # The slow engine answers only when released (after the call returned): a service that
    # waited for it instead of timing out would get its answer, not the fast engine's.
    release = threading.Event()
    slow = FakeEngine("slow", gate=release)
    fast = FakeEngine("fast")
    svc = service(slow, fast, timeout=0.2)
    try:
        [r] = svc.translate(["你好"], "zh", "en")
    finally:
        release.set()
    assert r.engine == "fast"
    assert svc.stats["slow"].timeouts == 1
    svc.close()


def test_fallback_when_first_engine_has_no_model() -> None:
    a = FakeEngine("a", pairs=set())
    b = FakeEngine("b")
    assert service(a, b).translate(["hi"], "en", "zh")[0].engine == "b"
    assert service(a, b).available_engines("en", "zh") == ["b"]


def test_wrong_number_of_outputs_is_a_failure() -> None:
    class Broken(FakeEngine):
        def translate(
            self, texts: list[str], source: str, target: str, timeout: float
        ) -> list[str]:
            return []

    [r] = service(Broken("broken"), FakeEngine("b")).translate(["hi"], "en", "zh")
    assert r.engine == "b"
    nones = FakeEngine("nones", lambda s: None)  # type: ignore[arg-type,return-value] # a broken engine
    [r] = service(nones, FakeEngine("b")).translate(["hi"], "en", "zh")
    assert r.engine == "b"


def test_unavailable_when_every_engine_fails() -> None:
    a = FakeEngine("a", error=RuntimeError("boom"))
    b = FakeEngine("b", pairs=set())
    with pytest.raises(TranslationUnavailable) as info:
        service(a, b).translate(["你好"], "zh", "en")
    assert set(info.value.reasons) == {"a", "b"}
    assert "boom" in info.value.reasons["a"] and "no model" in info.value.reasons["b"]
    with pytest.raises(TranslationUnavailable, match="no engine configured"):
        service().translate(["你好"], "zh", "en")


def test_cache_hit_skips_the_engine() -> None:
    a = FakeEngine("a")
    cache = InMemoryLRUCache()
    svc = service(a, cache=cache)
    first = svc.translate(["今天吃火锅"], "zh", "en")[0]
    again = svc.translate(["  今天吃火锅 "], "zh", "en")[0]  # same normalized text
    assert not first.cached and again.cached and again.text == first.text
    assert len(a.calls) == 1
    for _ in range(50):  # speed is bench/translate.py's business; here: never the engine
        assert svc.translate(["今天吃火锅"], "zh", "en")[0].cached
    assert len(a.calls) == 1
    assert svc.cached("今天吃火锅", "zh", "en") is not None


def test_editing_invalidates() -> None:
    a = FakeEngine("a")
    svc = service(a)
    svc.translate(["今天吃火锅"], "zh", "en")
    edited = svc.translate(["今天吃烤鸭"], "zh", "en")[0]
    assert not edited.cached  # the key is the text's hash: an edit never hits a stale entry
    assert svc.invalidate("今天吃火锅", "zh") >= 1
    assert svc.cached("今天吃火锅", "zh", "en") is None
    assert not svc.translate(["今天吃火锅"], "zh", "en")[0].cached


def test_cache_is_per_engine_and_model_version() -> None:
    a, b = FakeEngine("a", error=RuntimeError("down")), FakeEngine("b")
    cache = InMemoryLRUCache()
    service(b, cache=cache).translate(["你好"], "zh", "en")
    [r] = service(a, b, cache=cache).translate(["你好"], "zh", "en")
    assert r.cached and r.engine == "b"
    assert not a.calls  # a cached translation is served before any engine is called


# --- input limits ----------------------------------------------------------------------


def test_input_limits_raise_clear_errors() -> None:
    svc = service(FakeEngine("a"))
    with pytest.raises(EmptyText):
        svc.translate([], "zh", "en")
    with pytest.raises(EmptyText, match="#1 is empty"):
        svc.translate(["你好", "  \n "], "zh", "en")
    with pytest.raises(TextTooLong, match="20000 characters long; the limit is 10000"):
        svc.translate(["好" * 20_000], "zh", "en")
    with pytest.raises(UnsupportedLanguagePair, match="'fr'"):
        svc.translate(["Bonjour"], "fr", "de")
    with pytest.raises(UnsupportedLanguagePair, match="unknown"):
        svc.translate(["lol"], "und", "en")
    with pytest.raises(TypeError):
        svc.translate("你好", "zh", "en")  # type: ignore[arg-type] # deliberately wrong
    # input errors are ValueErrors: an API layer maps them to 400
    assert issubclass(TextTooLong, ValueError) and issubclass(UnsupportedLanguagePair, ValueError)


def test_same_language_is_returned_as_is() -> None:
    [r] = service(FakeEngine("a")).translate(["hello"], "en", "en")
    assert (r.text, r.engine) == ("hello", "identity")


# --- text handling around the engine -----------------------------------------------------


def test_placeholders_survive_an_engine_that_keeps_them() -> None:
    eng = FakeEngine("a", lambda s: s.upper())
    text = "@bob check https://Example.com/A?x=1 and #Hot-Pot 😂 at 12:30!"
    [r] = service(eng).translate([text], "en", "zh")
    assert r.text == "@bob CHECK https://Example.com/A?x=1 AND #Hot-Pot 😂 AT 12:30!"
    assert any("⟦" in s for call in eng.calls for s in call)


def test_sentences_go_as_written_when_the_engine_keeps_the_spans() -> None:
    words = {"我吃了": "I ate", "个饺子": "dumplings", "在": "at"}

    def tr(s: str) -> str:
        for a, b in words.items():
            s = s.replace(a, f" {b} ")
        return re.sub(r"\s+", " ", s).strip()

    eng = FakeEngine("a", tr)
    [r] = service(eng).translate(["我吃了13个饺子在 https://x.cn/a 😋"], "zh", "en")
    assert r.text == "I ate 13 dumplings at https://x.cn/a 😋"
    assert eng.calls == [["我吃了13个饺子在"]]  # one call, the number in place


def test_a_changed_number_sends_the_sentence_again_with_placeholders() -> None:
    eng = FakeEngine(
        "a", lambda s: s.replace("我有3个", "I have three ").replace("我有", "I have ")
    )
    [r] = service(eng).translate(["我有3个"], "zh", "en")
    assert len(eng.calls) == 2 and eng.calls[1] == ["我有⟦0⟧个"]
    assert "3" in r.text and "three" not in r.text


def test_placeholders_survive_an_engine_that_drops_them() -> None:
    def mangle(s: str) -> str:
        s = re.sub(r"⟦\d+⟧", "", s).replace("我爱", "I love").replace("和", "and")
        return s.replace("火锅", "hot pot").replace("小明", "Xiaoming")

    eng = FakeEngine("a", mangle)
    [r] = service(eng).translate(["我爱#火锅#和@小明😂"], "zh", "en")
    assert r.text == "I love #火锅# and @小明😂"
    # second pass: the pieces between the placeholders were sent on their own
    assert ["我爱", "和"] in eng.calls


def test_placeholders_engines_write_differently_are_accepted() -> None:
    eng = FakeEngine("a", lambda s: re.sub(r"⟦(\d+)⟧", r"[ \1 ]", s.replace("你好", "hello")))
    [r] = service(eng).translate(["你好 @amy 你好"], "zh", "en")
    assert r.text == "hello @amy hello"
    assert len(eng.calls) == 1


def test_lines_paragraphs_and_sentences_go_through_in_batches() -> None:
    eng = FakeEngine("a", lambda s: f"[{s}]")
    text = "第一句。第二句！\n\n第三句？\n👍"
    [r] = service(eng, batch_size=2).translate([text], "zh", "en")
    assert r.text == "[第一句。] [第二句！]\n\n[第三句？]\n👍"
    assert [len(c) for c in eng.calls] == [2, 1]


def test_repeated_sentences_are_translated_once() -> None:
    eng = FakeEngine("a")
    service(eng).translate(["好吃！好吃！", "好吃！"], "zh", "en")
    assert eng.calls == [["好吃！"]]


def test_traditional_chinese_goes_through_simplified_models() -> None:
    eng = FakeEngine("a", lambda s: "This is tasty" if s.startswith("这") else "这个很好吃")
    svc = service(eng)
    assert svc.translate(["這個很好吃"], "zh-Hant", "en")[0].text == "This is tasty"
    assert eng.calls[0] == ["这个很好吃"]
    svc.translate(["這個很好吃！"], "zh", "en")  # labelled zh but written in Traditional
    assert eng.calls[-1] == ["这个很好吃！"]
    [conv] = svc.translate(["这个很好吃"], "zh", "zh-Hant")  # a script conversion, no engine
    assert (conv.text, conv.engine) == ("這個很好吃", "opencc")
    assert svc.translate(["這個很好吃"], "zh-Hant", "zh")[0].text == "这个很好吃"
    r = svc.translate(["This is tasty"], "en", "zh-Hant")[0]
    assert r.text == "這個很好吃" and r.target == "zh-Hant"


# --- construction from settings ------------------------------------------------------------


def test_build_from_config(tmp_path: object) -> None:
    svc = build_service_from_config(
        engines=["bergamot", "ctranslate2", "libretranslate", "openai"],
        models_dir=str(tmp_path),
        libretranslate_url="http://127.0.0.1:9/",
    )
    assert svc.engine_names() == ["bergamot", "ctranslate2", "libretranslate"]
    assert "openai" in svc.notes
    assert svc.available_engines("zh", "en") == ["libretranslate"]
    with pytest.raises(ValueError, match="unknown translation engine"):
        build_service_from_config(engines=["google"])


def test_config_from_env() -> None:
    cfg = config_from_env(
        {
            "QIAO_TRANSLATE_ENGINES": "ctranslate2, openai",
            "QIAO_MODELS_DIR": "/srv/models",
            "QIAO_TRANSLATE_OPENAI_URL": "http://127.0.0.1:8000/v1",
            "QIAO_TRANSLATE_OPENAI_MODEL": "qwen",
        }
    )
    assert cfg["engines"] == ["ctranslate2", "openai"]
    assert str(cfg["models_dir"]) == "/srv/models/translate"
    svc = build_service_from_config(**cfg)
    assert svc.engine_names() == ["ctranslate2", "openai"]


def test_busy_service_queues_instead_of_timing_out() -> None:
    eng = FakeEngine("a", delay=0.1)
    svc = service(eng, timeout=0.5, max_workers=2)
    results: list[str] = []
    errors: list[Exception] = []

    def one(i: int) -> None:
        try:
            results.append(svc.translate([f"第{i}句话很好"], "zh", "en")[0].text)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 12  # 12 x 0.1 s on 2 slots: > 0.5 s, but no timeouts
    svc.close()

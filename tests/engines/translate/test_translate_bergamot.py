"""Bergamot (fxtranslate) with real Firefox Translations models.

These run only when ``QIAO_TEST_MT_MODELS`` points at a models directory holding
``bergamot/zh-en`` and ``bergamot/en-zh`` (as ``qiao translate install`` leaves it), or at a
directory with ``zh-en``/``en-zh`` directly. Without models they are skipped, not failed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from qiao.engines.translate import TranslationService
from qiao.engines.translate.engines.bergamot import BergamotTranslator, find_bergamot_files
from qiao.engines.translate.engines.gloss import DictionaryGlossTranslator
from qiao.engines.translate.langid import detect_language


def _models() -> Path:
    env = os.environ.get("QIAO_TEST_MT_MODELS")
    if not env:
        pytest.skip("QIAO_TEST_MT_MODELS is not set (it must point at installed Bergamot models)")
    root = Path(env)
    for cand in (root / "bergamot", root):
        if find_bergamot_files(cand / "zh-en") and find_bergamot_files(cand / "en-zh"):
            return cand
    pytest.skip(f"QIAO_TEST_MT_MODELS={env} has no bergamot zh-en and en-zh models")


def test_bergamot_zh_en_and_en_zh() -> None:
    svc = TranslationService(engines=[BergamotTranslator(_models())])
    [r] = svc.translate(["@小明 今天的火锅太好吃了！😂 #成都#"], "zh", "en")
    assert r.engine == "bergamot"
    assert detect_language(r.text) == "en", r.text
    for span in ("@小明", "😂", "#成都#"):
        assert span in r.text
    [r] = svc.translate(["The weather in Shanghai is lovely today. @amy #travel"], "en", "zh")
    assert detect_language(r.text) in {"zh", "zh-Hant"}, r.text
    assert "@amy" in r.text and "#travel" in r.text


def test_a_broken_bergamot_model_falls_back_to_the_next_engine(tmp_path: Path) -> None:
    pair = tmp_path / "zh-en"
    pair.mkdir()
    (pair / "model.zhen.intgemm.alphas.bin").write_bytes(b"not a model" * 100)
    (pair / "srcvocab.zhen.spm").write_bytes(b"x")
    (pair / "trgvocab.zhen.spm").write_bytes(b"x")
    berg = BergamotTranslator(tmp_path)
    assert berg.supports("zh", "en")
    assert berg.model_version("zh", "en") == "model.zhen.intgemm.alphas.bin:1100"
    svc = TranslationService(engines=[berg, DictionaryGlossTranslator()])
    [r] = svc.translate(["我喜欢火锅"], "zh", "en")
    assert r.engine == "dictionary-gloss" and "hotpot" in r.text
    assert "cannot load Bergamot model" in svc.stats["bergamot"].last_error


class FakeFx:
    """Stands in for fxtranslate.Translator (the real one needs a real model)."""

    created: list[FakeFx] = []

    def __init__(
        self, model: bytes, src_vocab: bytes, trg_vocab: bytes, shortlist: bytes | None = None
    ) -> None:
        self.shortlist = shortlist
        self.calls: list[str] = []
        FakeFx.created.append(self)

    def translate(self, text: str) -> str:
        self.calls.append(text)
        time.sleep(0.01)
        return f"[{text}]"


def test_instances_split_a_batch_and_keep_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fxtranslate

    pair = tmp_path / "zh-en"
    pair.mkdir()
    for name in (
        "model.zhen.intgemm.alphas.bin",
        "srcvocab.zhen.spm",
        "trgvocab.zhen.spm",
        "lex.50.50.zhen.s2t.bin",
    ):
        (pair / name).write_bytes(b"x")
    FakeFx.created.clear()
    monkeypatch.setattr(fxtranslate, "Translator", FakeFx)
    eng = BergamotTranslator(tmp_path, instances=2)
    texts = [f"句子{i}" for i in range(10)]
    assert eng.translate(texts, "zh", "en", 10) == [f"[{t}]" for t in texts]
    assert len(FakeFx.created) == 2 and all(len(f.calls) == 5 for f in FakeFx.created)
    assert FakeFx.created[0].shortlist == b"x"
    assert eng.translate(["一"], "zh", "en", 10) == ["[一]"]
    assert BergamotTranslator(tmp_path, use_shortlist=False).translate(["二"], "zh", "en", 10) == [
        "[二]"
    ]
    assert FakeFx.created[-1].shortlist is None


def test_bergamot_missing_pair_is_not_supported(tmp_path: Path) -> None:
    eng = BergamotTranslator(tmp_path)
    assert not eng.supports("zh", "en")

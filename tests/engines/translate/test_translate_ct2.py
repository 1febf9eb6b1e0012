"""The CTranslate2 path end to end with a tiny model the suite builds (see conftest.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qiao.engines.translate import TranslationUnavailable, build_service_from_config
from qiao.engines.translate.engines.ct2 import CTranslate2Translator, describe_model_dir

SOCIAL = (
    "@小明 这个 pizza 太好吃了😂 #美食# https://example.com/a?b=1 花了 128.5 元。\n\n"
    "第二段：我爱火锅！你呢？"
)


def test_engine_loads_and_translates_a_batch(ct2_models_dir: Path) -> None:
    eng = CTranslate2Translator(ct2_models_dir / "ctranslate2", beam_size=1)
    assert eng.supports("zh", "en") and eng.supports("en", "zh")
    assert not eng.supports("fr", "en")
    out = eng.translate(["我爱火锅。", "今天天气很好。", "你呢？"], "zh", "en", timeout=10)
    assert len(out) == 3 and all(isinstance(x, str) and x for x in out)
    assert eng.model_version("zh", "en").startswith("zh-en:")
    assert eng.version.startswith("ctranslate2-")


def test_service_end_to_end_keeps_social_text_intact(ct2_models_dir: Path) -> None:
    svc = build_service_from_config(
        engines=["bergamot", "ctranslate2"], models_dir=ct2_models_dir, batch_size=4
    )
    [r] = svc.translate([SOCIAL], "zh", "en")
    assert r.engine == "ctranslate2" and not r.cached
    for span in ("@小明", "😂", "#美食#", "https://example.com/a?b=1", "128.5"):
        assert r.text.count(span) == 1, (span, r.text)
    assert r.text.index("@小明") < r.text.index("😂") < r.text.index("#美食#")
    assert "\n\n" in r.text and r.text.count("\n") == 2  # the paragraph break survives
    assert "⟦" not in r.text
    assert svc.translate([SOCIAL], "zh", "en")[0].cached

    en = "I love hot pot. So good!\nSee `pip install qiao` and 3 dumplings 👍🏽 @bob."
    [r] = svc.translate([en], "en", "zh")
    for span in ("`pip install qiao`", "3", "👍🏽", "@bob"):
        assert span in r.text
    assert r.text.count("\n") == 1


def test_many_texts_are_batched(ct2_models_dir: Path) -> None:
    svc = build_service_from_config(
        engines=["ctranslate2"], models_dir=ct2_models_dir, batch_size=8
    )
    texts = [
        f"{a}{b}很好吃，去了{i}次。"
        for i, (a, b) in enumerate(
            zip(
                "我你他她们的是在有这个人好吃火锅今天气很",
                "朋友城市咖啡茶街照片早上晚雨太阳开心了吗呢",
                strict=False,
            )
        )
    ]
    results = svc.translate(texts, "zh", "en")
    assert len(results) == 20
    assert all(f"{i}" in r.text for i, r in enumerate(results))
    assert svc.stats["ctranslate2"].calls >= 3  # 20 distinct sentences in batches of 8


def test_argos_and_nllb_layouts_are_recognised(tmp_path: Path, tiny_ct2_model: Path) -> None:
    argos = tmp_path / "translate-zh_en-1_9"
    shutil.copytree(tiny_ct2_model, argos / "model")
    (argos / "model" / "source.spm").rename(argos / "sentencepiece.model")
    (argos / "metadata.json").write_text(
        json.dumps({"from_code": "zh", "to_code": "en", "package_version": "1.9"})
    )
    m = describe_model_dir(argos)
    assert m is not None and (m.source, m.target, m.append_eos, m.version) == (
        "zh",
        "en",
        False,
        "1.9",
    )
    nllb = tmp_path / "nllb"
    shutil.copytree(tiny_ct2_model, nllb)
    (nllb / "qiao-ct2.json").write_text(
        json.dumps(
            {
                "source": "en",
                "target": "zh",
                "source_prefix": ["eng_Latn"],
                "target_prefix": ["▁the"],
                "version": "nllb-test",
            }
        )
    )
    m = describe_model_dir(nllb)
    assert m is not None and m.target_prefix == ["▁the"] and m.version == "nllb-test"
    eng = CTranslate2Translator(tmp_path, beam_size=1)
    assert eng.supports("zh", "en") and eng.supports("en", "zh")
    assert len(eng.translate(["hello there.", "good food"], "en", "zh", timeout=10)) == 2
    assert len(eng.translate(["我爱火锅。"], "zh", "en", timeout=10)) == 1


def test_missing_model_means_unavailable(tmp_path: Path) -> None:
    svc = build_service_from_config(engines=["bergamot", "ctranslate2"], models_dir=tmp_path)
    with pytest.raises(TranslationUnavailable) as info:
        svc.translate(["你好"], "zh", "en")
    assert set(info.value.reasons) == {"bergamot", "ctranslate2"}
    assert not svc.can_translate("zh", "en")

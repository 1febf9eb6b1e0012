"""The community glossary as protected spans every engine honours (issue 13, category 10)."""

from __future__ import annotations

import re

import pytest

from qiao.engines.translate import TranslationService
from qiao.engines.translate.glossary import Glossary, GlossaryEntry, default_glossary
from qiao.engines.translate.testing import MODES, MischiefEngine


def test_starter_glossary_has_lifestyle_and_slang_terms() -> None:
    g = default_glossary()
    assert len(g) >= 150
    assert g.lookup("猫税") is not None and g.lookup("猫税").render("en") == "cat tax"
    assert g.lookup("YYDS").render("en") == "GOAT"
    assert g.lookup("种草").render("en") == "got me wanting it"
    assert g.chinese_for("no cap")[0] == "说真的"
    assert g.lookup("Sephora").render("zh") == "Sephora"  # brand names kept as written


def test_longest_match_case_insensitive_and_word_bounded() -> None:
    g = Glossary(
        [
            GlossaryEntry(("猫税",), ("cat tax",)),
            GlossaryEntry(("说真的",), ("no cap",)),
            GlossaryEntry(("奶茶",), ("milk tea",)),
            GlossaryEntry(("珍珠奶茶",), ("bubble tea",)),
        ]
    )
    assert [m.text for m in g.find("No Cap, that CAT TAX", "en")] == ["No Cap", "CAT TAX"]
    assert g.find("a capital cat taxonomy", "en") == []  # not inside other words
    assert [m.text for m in g.find("我爱珍珠奶茶和奶茶", "zh")] == ["珍珠奶茶", "奶茶"]


def test_ordinary_english_words_are_not_turned_into_slang() -> None:
    # "like" is 点赞 only from Chinese: "I like it" keeps its like
    assert default_glossary().find("I like it, save it for later", "en") == []


def _fake_translate(text: str) -> str:
    # a stand-in engine: every Chinese run becomes "stuff", every Latin word "东西"
    text = re.sub(r"[\u4e00-\u9fff]+", " stuff ", text)
    return text


@pytest.mark.parametrize("mode", MODES)
def test_every_engine_honours_the_glossary(mode: str) -> None:
    svc = TranslationService([MischiefEngine(mode)], glossary=default_glossary())
    out = svc.translate(["这支口红真的YYDS，种草了 @amy_lee"], "zh", "en")[0]
    assert "GOAT" in out.text and "got me wanting it" in out.text and "lipstick" in out.text
    assert "@amy_lee" in out.text
    assert "+glossary:" in out.model_version
    back = svc.translate(["No cap, this cat tax is worth it"], "en", "zh")[0].text
    assert "说真的" in back and "猫税" in back


def test_glossary_change_misses_the_cache() -> None:
    g1 = Glossary([GlossaryEntry(("猫税",), ("cat tax",))])
    g2 = Glossary([GlossaryEntry(("猫税",), ("kitty toll",))])
    assert g1.version != g2.version
    a = TranslationService([MischiefEngine("drop")], glossary=g1)
    b = TranslationService([MischiefEngine("drop")], glossary=g2, cache=a.cache)
    assert "cat tax" in a.translate(["猫税"], "zh", "en")[0].text
    assert "kitty toll" in b.translate(["猫税"], "zh", "en")[0].text

"""Word look-up for learners (no model needed)."""

from __future__ import annotations

from qiao.engines.translate import lookup_word, lookup_words
from qiao.engines.translate.engines.gloss import DictionaryGlossTranslator
from qiao.engines.translate.lookup import numbered_to_marks


def test_hot_pot_sentence() -> None:
    entries = {e.word: e for e in lookup_words("我喜欢吃火锅")}
    assert list(entries) == ["我", "喜欢", "吃", "火锅"]
    assert entries["喜欢"].pinyin == "xǐhuan"
    assert any("to like" in m for m in entries["喜欢"].meanings)
    assert entries["火锅"].pinyin == "huǒguō"
    assert any("hotpot" in m.replace(" ", "") for m in entries["火锅"].meanings)
    assert (entries["火锅"].start, entries["火锅"].end) == (4, 6)


def test_mixed_text_and_traditional() -> None:
    entries = lookup_words("這個 pizza 太好吃了!")
    words = [e.word for e in entries]
    assert "好吃" in words and "pizza" in words
    zhe = next(e for e in entries if e.word == "這個")
    assert zhe.pinyin == "zhège" and zhe.traditional == "這個"


def test_english_word_shows_chinese_equivalents() -> None:
    eat = lookup_word("eat")
    assert eat.equivalents and eat.equivalents[0].word == "吃"
    assert eat.equivalents[0].pinyin == "chī"
    assert "咖啡" in [q.word for q in lookup_word("coffee").equivalents]
    assert "饺子" in [q.word for q in lookup_word("dumplings").equivalents]
    assert lookup_word("喜欢").pinyin == "xǐhuan"
    # a frequent character's rare reading does not outrank the usual word (那 nuó "beautiful")
    assert lookup_word("beautiful").equivalents[0].word == "美"
    assert lookup_word("cold").equivalents[0].word == "冷"
    assert "喜欢" in [q.word for q in lookup_word("like").equivalents]


def test_unknown_words_still_get_pinyin() -> None:
    e = lookup_word("囧囧")
    assert e.pinyin  # from pypinyin when CC-CEDICT has no entry


def test_pinyin_conversion() -> None:
    assert numbered_to_marks("xi3 huan5") == "xǐhuan"
    assert numbered_to_marks("Xi1 an1") == "Xī'ān"
    assert numbered_to_marks("lu:4 se4") == "lǜsè"
    assert numbered_to_marks("gou3") == "gǒu"
    assert numbered_to_marks("liu2") == "liú"


def test_dictionary_gloss_floor() -> None:
    g = DictionaryGlossTranslator()
    assert g.supports("zh", "en") and not g.supports("zh", "fr")
    [out] = g.translate(["我喜欢吃火锅。"], "zh", "en", 5)
    assert out.startswith("I") and "like" in out and "hotpot" in out and out.endswith(".")
    [back] = g.translate(["I eat coffee."], "en", "zh", 5)
    assert "吃" in back and "咖啡" in back


def test_warm_up_loads_everything_and_never_fails(tmp_path: object) -> None:
    from qiao.engines.translate import build_service_from_config, warm_up

    svc = build_service_from_config(engines=["bergamot", "ctranslate2"], models_dir=str(tmp_path))
    warm_up(("zh", "en"), service=svc)

"""Look-up: lifestyle user dictionary, ranked English equivalents, proper nouns (category 9)."""

from __future__ import annotations

import pytest

from qiao.engines.translate.lookup import lookup_word, lookup_words, segment_words, user_words


@pytest.mark.parametrize(
    "word", ["马面裙", "汉服", "穿搭", "种草", "拔草", "绝绝子", "螺蛳粉", "铲屎官", "平替"]
)
def test_lifestyle_words_stay_whole(word: str) -> None:
    assert word in user_words()
    text = f"今天的{word}真不错"
    assert word in [w for w, _s, _e in segment_words(text)]


def test_lifestyle_word_has_a_meaning_and_glossary() -> None:
    [entry] = [e for e in lookup_words("我买了一条马面裙") if e.word == "马面裙"]
    assert entry.meanings and "skirt" in entry.meanings[0]
    assert lookup_word("种草").glossary == ["got me wanting it"]


@pytest.mark.parametrize(
    ("english", "first", "hidden"),
    [("cheap", "便宜", "低贱"), ("cute", "可爱", "睆"), ("cat", "猫", "马脚")],
)
def test_equivalents_by_frequency_without_rare_senses(
    english: str, first: str, hidden: str
) -> None:
    words = [e.word for e in lookup_word(english).equivalents]
    assert words[0] == first
    assert hidden not in words


@pytest.mark.parametrize(("name", "chinese"), [("Sichuan", "四川"), ("Chongqing", "重庆")])
def test_places_have_entries(name: str, chinese: str) -> None:
    assert lookup_word(name).equivalents[0].word == chinese

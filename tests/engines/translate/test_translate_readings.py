"""Word- and name-aware pinyin (issue 13, category 3)."""

from __future__ import annotations

import pytest

from qiao.engines.names.pinyin import text_readings
from qiao.engines.translate.lookup import lookup_word


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("泰勒", "tai4 le4"),
        ("米勒", "mi3 le4"),
        ("阿什利", "a1 shi2 li4"),
        ("狄更斯", "di2 geng1 si1"),
    ],
)
def test_transliteration_characters_read_as_in_names(name: str, reading: str) -> None:
    assert text_readings(name, names=True) == reading
    assert text_readings(name) != reading  # the everyday first reading differs


@pytest.mark.parametrize(
    ("char", "readings"),
    [
        ("长", {"cháng", "zhǎng"}),
        ("行", {"xíng", "háng"}),
        ("了", {"le", "liǎo"}),
        ("得", {"dé", "de", "děi"}),
        ("重", {"zhòng", "chóng"}),
    ],
)
def test_a_polyphonic_character_shows_every_common_reading(char: str, readings: set[str]) -> None:
    got = {r.pinyin for r in lookup_word(char).readings}
    assert readings <= got


@pytest.mark.parametrize(
    ("word", "pinyin"),
    [
        ("中式", "zhōngshì"),
        ("便宜", "piányi"),
        ("银行", "yínháng"),
        ("长大", "zhǎngdà"),
        ("重庆", "chóngqìng"),
        ("觉得", "juéde"),
        ("还是", "háishi"),
    ],
)
def test_words_get_their_everyday_reading_first(word: str, pinyin: str) -> None:
    assert lookup_word(word).pinyin.lower() == pinyin

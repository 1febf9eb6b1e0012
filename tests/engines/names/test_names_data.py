"""Consistency of the shipped data files (a typo there would mislead users)."""

from __future__ import annotations

from qiao.engines.names.checks import BAD_CHARS, FEMALE_ONLY, MALE_ONLY, _split_syllables
from qiao.engines.names.pinyin import _readings, mark
from qiao.engines.names.resources import default_resources

RES = default_resources()


def test_name_characters_have_valid_readings_genders_and_meanings():
    readings = _readings()
    assert len(RES.name_chars) >= 300
    for c in RES.name_chars.values():
        assert c.pinyin in readings[c.char].split(","), c
        assert c.gender in ("f", "m", "n"), c
        assert c.meaning_en and c.meaning_zh, c
        assert mark(c.pinyin) != c.pinyin.rstrip("12345") or c.pinyin.endswith("5")


def test_name_characters_are_not_bad_and_gender_lists_agree():
    for c in RES.name_chars.values():
        assert c.char not in BAD_CHARS
        if c.char in FEMALE_ONLY:
            assert c.gender == "f", c
        if c.char in MALE_ONLY:
            assert c.gender == "m", c


def test_every_pun_splits_into_syllables():
    assert len(RES.puns) >= 50
    for key in RES.puns:
        assert _split_syllables(key), key


def test_surname_table_is_large_and_has_readings():
    assert len(RES.surnames) > 1000
    assert RES.surnames["王"].pinyin == "wang2"
    assert RES.surnames["曾"].pinyin == "zeng1"


def test_lookup_and_model_are_present():
    assert "迈克尔" in [c for c, _ in RES.lookup["michael"]]
    assert RES.translit_model.size > 20_000

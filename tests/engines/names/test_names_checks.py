"""Each check of the names engine, alone and through check_name."""

from __future__ import annotations

import pytest

from qiao.engines.names import check_name, surname_reading
from qiao.engines.names.checks import (
    NameParts,
    check_common_chars,
    check_gender,
    check_homophones,
    check_repeats,
    check_tones,
    name_syllables,
)
from qiao.engines.names.resources import default_resources

RES = default_resources()


def parts(surname: str, given: str, syllables: str | None = None, gender: str | None = None):
    syl = tuple(syllables.split()) if syllables else name_syllables(surname, given, RES)
    return NameParts(surname, given, syl, gender)


def ids(failures) -> set[str]:
    return {f.check for f in failures}


@pytest.mark.parametrize(
    ("surname", "given", "sounds_like"),
    [
        ("杜", "子腾", "肚子疼"),
        ("杨", "伟", "阳痿"),
        ("史", "珍香", "屎真香"),
        ("范", "统", "饭桶"),
        ("朱", "逸群", "猪一群"),
        ("吴", "仁耀", "无人要"),
        ("秦", "寿生", "禽兽生"),
    ],
)
def test_classic_puns_are_rejected_with_the_word_they_sound_like(surname, given, sounds_like):
    failures = check_homophones(parts(surname, given), RES)
    assert failures, f"{surname}{given} should be rejected"
    reasons = " ".join(f.reason_en + f.reason_zh for f in failures)
    assert sounds_like in reasons
    assert "homophone" in ids(check_name(surname, given))


def test_pun_reason_is_explained_in_english():
    failures = check_homophones(parts("杜", "子腾"), RES)
    assert any("stomach ache" in f.reason_en for f in failures)


def test_fuzzy_initials_still_catch_a_pun():
    # zh/z, sh/s merged: 朱逸群 (zhu) vs a hypothetical 祖逸群 (zu) both sound like 猪一群
    assert check_homophones(parts("祖", "逸群", "zu3 yi4 qun2"), RES)
    # -ng/-n and n/l merged over a whole three-syllable name: 赖月京 ~ 来月经, 兰月京 too
    assert check_homophones(parts("奈", "月金", "nai4 yue4 jin1"), RES)
    # a merged (not exact) two-syllable pair is not enough: 晓珊 is not 小三
    assert check_homophones(parts("王", "晓珊", "wang2 xiao3 shan1"), RES) == []


@pytest.mark.parametrize(
    ("surname", "given"),
    [("张", "美丽"), ("江", "美琪"), ("王", "思怡"), ("李", "安"), ("白", "雪")],
)
def test_ordinary_names_are_not_puns(surname, given):
    assert check_homophones(parts(surname, given), RES) == []


def test_surname_readings_come_from_the_surname_entries():
    assert surname_reading("单") == "shan4"
    assert surname_reading("曾") == "zeng1"
    assert surname_reading("朴") == "piao2"
    assert surname_reading("解") == "xie4"
    assert name_syllables("单", "丽", RES)[0] == "shan4"


def test_wrong_surname_reading_fails():
    failures = check_name("单", "丽", pinyin=["dan1", "li4"])
    assert "surname_reading" in ids(failures)
    assert any("shàn" in f.reason_en for f in failures)
    assert "surname_reading" not in ids(check_name("单", "丽"))


def test_unknown_surname_fails():
    assert "surname" in ids(check_name("猫", "丽"))


def test_three_identical_tones_fail():
    assert "tones" in ids(check_tones(parts("张", "思思", "zhang1 si1 xin1"), RES))


@pytest.mark.parametrize("tones", ["3 3", "4 4"])
def test_adjacent_third_or_fourth_tones_fail(tones):
    a, b = tones.split()
    f = check_tones(parts("王", "小美", f"wang2 xiao{a} mei{b}"), RES)
    assert "tones" in ids(f)


def test_varied_tones_pass():
    assert check_tones(parts("江", "美琪", "jiang1 mei3 qi2"), RES) == []


def test_repeated_initial_or_final_fails():
    assert "repeats" in ids(check_repeats(parts("李", "丽", "li3 li4"), RES))
    assert "repeats" in ids(check_repeats(parts("班", "柏", "ban1 bai3"), RES))  # initial b
    assert "repeats" in ids(check_repeats(parts("张", "阳", "zhang1 yang2"), RES))  # -ang
    assert check_repeats(parts("江", "美琪", "jiang1 mei3 qi2"), RES) == []


def test_apical_i_is_not_the_same_final_as_i():
    assert check_repeats(parts("王", "思怡", "wang2 si1 yi2"), RES) == []


def test_rare_characters_fail_common_chars():
    assert "common_chars" in ids(check_common_chars(parts("王", "龘", "wang2 da2"), RES))
    assert check_common_chars(parts("王", "琪", "wang2 qi2"), RES) == []  # common in names


@pytest.mark.parametrize("char", list("雄刚强"))
def test_masculine_characters_fail_for_female_names(char):
    assert "gender" in ids(check_gender(parts("王", char, None, "female"), RES))


@pytest.mark.parametrize("char", list("娜婷娟"))
def test_feminine_characters_fail_for_male_names(char):
    assert "gender" in ids(check_gender(parts("王", char, None, "male"), RES))


def test_every_failure_has_reasons_in_both_languages():
    for f in check_name("杜", "子腾", gender="female"):
        assert f.reason_en and f.reason_zh
        assert f.to_dict()["check"] == f.check


@pytest.mark.parametrize(
    ("surname", "given"), [("王", ""), ("", "丽"), ("Wang", "Li"), ("王", "小美丽")]
)
def test_malformed_names_fail_form(surname, given):
    assert "form" in ids(check_name(surname, given))

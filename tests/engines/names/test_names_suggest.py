"""Suggestions end to end: Emily Johnson, gender fit, qualities, styles, JSON, speed."""

from __future__ import annotations

import json

import pytest

from qiao.engines.names import NameRequest, NameSuggester, check_name
from qiao.engines.names.checks import FEMALE_ONLY, MALE_ONLY


@pytest.fixture(scope="module")
def suggester() -> NameSuggester:
    s = NameSuggester.default()
    s.warm_up()
    return s


@pytest.fixture(scope="module")
def emily(suggester):
    return suggester.suggest(
        NameRequest(given="Emily", surname="Johnson", gender="female", qualities=("kind",))
    )


def test_emily_johnson_standard_form(emily):
    assert emily.transliteration.chinese == "埃米莉·约翰逊"


def test_emily_johnson_gets_five_to_ten_good_names(emily):
    assert 5 <= len(emily.suggestions) <= 10
    assert len({s.chinese for s in emily.suggestions}) == len(emily.suggestions)
    for s in emily.suggestions:
        assert check_name(s.surname, s.given, gender="female") == []
        assert s.chinese == s.surname + s.given
        assert 2 <= len(s.chinese) <= 3
        assert not set(s.given) & MALE_ONLY


def test_emily_johnson_surnames_sound_like_johnson(emily):
    assert {s.surname for s in emily.suggestions} & set("张江詹蒋章")


def test_kind_is_reflected_in_meanings_and_reasons(emily):
    kind = [s for s in emily.suggestions if "kind" in s.reason_en]
    assert len(kind) >= len(emily.suggestions) // 2
    assert any("善良" in s.reason_zh for s in kind)


def test_each_character_has_pinyin_and_meanings(emily):
    for s in emily.suggestions:
        assert len(s.characters) == len(s.chinese)
        for c in s.characters:
            assert c.pinyin and c.meaning_en and c.meaning_zh
            assert any(ch in "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ" for ch in c.pinyin)
        assert s.reason_en and s.reason_zh
        assert s.pinyin[0].isupper() and " " in s.pinyin


def test_name_appropriate_meaning_for_li():
    from qiao.engines.names.resources import default_resources

    assert "Korea" not in default_resources().name_chars["丽"].meaning_en
    assert default_resources().name_chars["丽"].meaning_en == "beautiful"


def test_rejections_explain_why(suggester):
    r = suggester.suggest(NameRequest(given="Dozy", surname="Dew", gender="male"))
    for rej in r.rejected:
        assert rej.failures and all(f.reason_en for f in rej.failures)


@pytest.mark.parametrize("given", ["Robert", "James", "Kevin", "Brian", "Zack"])
def test_male_names_never_get_feminine_characters(suggester, given):
    r = suggester.suggest(NameRequest(given=given, surname="Miller", gender="male"))
    assert r.suggestions
    for s in r.suggestions:
        assert not set(s.given) & FEMALE_ONLY, s.chinese
        assert not set(s.given) & set("娜婷娟丽莉")


@pytest.mark.parametrize("given", ["Emily", "Sarah", "Hannah", "Chloe", "Gwen"])
def test_female_names_never_get_masculine_characters(suggester, given):
    r = suggester.suggest(
        NameRequest(given=given, surname="Brown", gender="female", qualities=("strong",))
    )
    assert r.suggestions
    for s in r.suggestions:
        assert not set(s.given) & MALE_ONLY, s.chinese
        assert not set(s.given) & set("雄刚强")


def test_brown_gets_a_b_surname(suggester):
    r = suggester.suggest(NameRequest(given="Tom", surname="Brown", style="sound-alike"))
    assert {s.surname for s in r.suggestions} & set("白包鲍班薄卜")


def test_styles_change_the_ranking(suggester):
    reqs = {
        st: suggester.suggest(
            NameRequest(
                given="Olivia", surname="Wilson", gender="female", qualities=("wise",), style=st
            )
        )
        for st in ("sound-alike", "meaning-first")
    }
    sound = reqs["sound-alike"].suggestions
    meaning = reqs["meaning-first"].suggestions
    assert [s.chinese for s in sound] != [s.chinese for s in meaning]
    assert sum(s.sound_score for s in sound) > sum(s.sound_score for s in meaning)
    assert sum(s.meaning_score for s in meaning) > sum(s.meaning_score for s in sound)


def test_chinese_quality_words_are_understood(suggester):
    r = suggester.suggest(NameRequest(given="Mark", surname="Lee", qualities=("聪明",)))
    assert "notes" not in r.request
    assert any("wise" in s.reason_en for s in r.suggestions)


def test_unknown_quality_words_are_reported(suggester):
    r = suggester.suggest(NameRequest(given="Mark", surname="Lee", qualities=("purple",)))
    assert "purple" in " ".join(r.request["notes"])


def test_given_name_only(suggester):
    r = suggester.suggest(NameRequest(given="Emily"))
    assert r.transliteration.chinese == "埃米莉"
    assert len(r.suggestions) >= 5


def test_result_is_json_serialisable(emily):
    data = json.loads(json.dumps(emily.to_dict(), ensure_ascii=False))
    assert data["transliteration"]["chinese"] == "埃米莉·约翰逊"
    assert data["suggestions"][0]["characters"][0]["pinyin"]


def test_suggester_satisfies_the_protocol(suggester):
    from qiao.engines.names import NameSuggesterProtocol

    s: NameSuggesterProtocol = suggester
    assert s.transliterate("Adam", "Smith").chinese == "亚当·斯密"


def test_neutral_names_use_neutral_characters(suggester):
    from qiao.engines.names.checks import gender_lean

    r = suggester.suggest(NameRequest(given="Taylor", surname="Morgan", gender="neutral"))
    assert len(r.suggestions) >= 5
    for s in r.suggestions:
        assert all(gender_lean(c, suggester.res) == "n" for c in s.given), s.chinese


def test_unspecified_gender_never_mixes_feminine_and_masculine(suggester):
    from qiao.engines.names.checks import gender_lean

    for given in ("Sam", "Alex", "Robin"):
        r = suggester.suggest(NameRequest(given=given, surname="Green"))
        for s in r.suggestions:
            leans = {gender_lean(c, suggester.res) for c in s.given}
            assert not {"f", "m"} <= leans, s.chinese


def test_hard_cases_still_get_enough_names(suggester):
    # every surname sounding like "Arizona" starts with y, and so do the best second
    # characters for "Toohey": the pool must widen rather than return 3 names
    r = suggester.suggest(NameRequest(given="Toohey", surname="Arizona", style="sound-alike"))
    assert len(r.suggestions) >= 5

"""The standard transliteration: dictionary look-up first, then the sound-based model."""

from __future__ import annotations

import pytest

from qiao.engines.names import NameSuggester
from qiao.engines.names.translit import JointModel, align_pairs, gender_rerank


@pytest.fixture(scope="module")
def suggester() -> NameSuggester:
    return NameSuggester.default()


@pytest.mark.parametrize(
    ("given", "surname", "expected"),
    [
        ("Michael", "Jordan", "迈克尔·乔丹"),
        ("Adam", "Smith", "亚当·斯密"),
        ("Emily", "Johnson", "埃米莉·约翰逊"),
    ],
)
def test_lookup_path(suggester, given, surname, expected):
    t = suggester.transliterate(given, surname)
    assert t.chinese == expected
    assert t.source == "dictionary"


def test_single_names_prefer_the_standard_form(suggester):
    assert suggester.transliterate("Michael").chinese == "迈克尔"  # not Cantonese 米高
    assert suggester.transliterate("Johnson").chinese == "约翰逊"  # not the brand 强生


def test_pinyin_has_tone_marks(suggester):
    t = suggester.transliterate("Michael", "Jordan")
    assert t.pinyin == "Màikè'ěr · Qiáodān"


def test_unknown_names_use_the_phonetic_model(suggester):
    t = suggester.transliterate("Brantlee", "Quaddington")
    assert t.source == "phonetic"
    assert "·" in t.chinese
    assert all("\u4e00" <= ch <= "\u9fff" for ch in t.chinese.replace("·", ""))


def test_without_lookup_the_model_still_gets_common_names(suggester):
    # these rows are in the model's training data, so this checks decoding, not accuracy
    t = suggester.transliterate("Jordan", use_lookup=False)
    assert t.chinese == "乔丹"


def test_female_names_get_female_characters(suggester):
    female = suggester.transliterate_part("Brantlina", "female", use_lookup=False)[0].chinese
    male = suggester.transliterate_part("Brantlina", "male", use_lookup=False)[0].chinese
    assert female != male
    assert any(c in "娜莉丽琳妮娅" for c in female)
    assert not any(c in "娜莉丽琳妮娅" for c in male)


def test_gender_rerank_swaps_in_female_characters():
    ranked = gender_rerank([("安纳", -5.0), ("安娜", -6.0)], "female")
    assert ranked[0][0] == "安娜"
    ranked = gender_rerank([("安娜", -5.0), ("安纳", -5.5)], "male")
    assert ranked[0][0] == "安纳"


def test_alignment_and_model_learn_from_pairs():
    pairs = [
        ("jordan", "乔丹"),
        ("jody", "乔迪"),
        ("dana", "达纳"),
        ("dan", "丹"),
        ("jones", "琼斯"),
        ("mona", "莫纳"),
        ("mody", "莫迪"),
    ]
    aligned = align_pairs(pairs)
    assert ["jor|乔", "dan|丹"] in aligned
    model = JointModel(aligned, order=2)
    assert model.decode("joda")  # can segment an unseen name
    assert model.score("jordan", "乔丹") is not None
    assert model.score("jordan", "狗狗") is None


def test_phone_strings_use_one_symbol_per_phone():
    from qiao.engines.names.translit import phone_string

    assert phone_string(["JH", "AA1", "N"]) == phone_string(["JH", "AA0", "N"])
    assert len(phone_string(["JH", "AA1", "N", "S", "AH0", "N"])) == 6


def test_hybrid_combines_spelling_and_pronunciation():
    from qiao.engines.names.translit import HybridTransliterator

    letters = JointModel(align_pairs([("jordan", "乔丹"), ("dan", "丹"), ("jo", "乔")]), order=2)
    phones = JointModel(align_pairs([("SAW", "詹"), ("SA", "佳")]), order=2)
    hybrid = HybridTransliterator(letters, phones, lambda w: "SAW" if w == "jan" else None)
    assert hybrid.decode("jordan")[0][0] == "乔丹"  # no pronunciation: spelling only
    assert "詹" in [c for c, _ in hybrid.decode("jan")]  # pronunciation adds candidates

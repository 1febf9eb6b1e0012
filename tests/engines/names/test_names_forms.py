"""Dictionary hits offer every attested form, the mainland one first (issue 13, category 2)."""

from __future__ import annotations

from qiao.engines.names import NameSuggester


def test_mainland_form_first_taiwan_form_offered() -> None:
    t = NameSuggester.default().transliterate("Steve", "Jobs")
    assert t.chinese == "史蒂夫·乔布斯"
    assert "史提夫·贾伯斯" in t.alternatives


def test_truncated_given_name_is_not_preferred() -> None:
    t = NameSuggester.default().transliterate("Benazir", "Bhutto")
    assert t.chinese == "贝娜齐尔·布托"
    assert "贝·布托" in t.alternatives


def test_established_form_of_a_famous_bearer_wins() -> None:
    assert NameSuggester.default().transliterate("Isaac", "Newton").chinese == "艾萨克·牛顿"
    putin = NameSuggester.default().transliterate("Vladimir", "Putin")
    assert putin.chinese.endswith("普京")
    assert any(a.endswith("普丁") for a in putin.alternatives)


def test_only_taiwan_full_form_is_rebuilt_from_mainland_parts() -> None:
    t = NameSuggester.default().transliterate("Donald", "Trump")
    assert t.chinese == "唐纳德·特朗普"


def test_middle_names_are_joined_with_the_separator() -> None:
    t = NameSuggester.default().transliterate("Hillary", "Rodham Clinton")
    assert t.chinese == "希拉里·罗德姆·克林顿"
    assert "希拉里·克林顿" in t.alternatives
    assert t.pinyin.count("·") == 2


def test_gender_is_inferred_for_any() -> None:
    s = NameSuggester.default()
    assert s.infer_gender("Emily") == "female"
    from qiao.engines.names import NameRequest
    from qiao.engines.names.checks import gender_lean

    r = s.suggest(NameRequest(given="Emily", gender=None))
    for sug in r.suggestions:
        assert all(gender_lean(c, s.res) != "m" for c in sug.given), sug.chinese

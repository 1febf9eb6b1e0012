"""Romanized Asian surnames keep their characters (issue 13, category 1), by category."""

from __future__ import annotations

from pathlib import Path

import pytest

from qiao.engines.names import NameRequest, NameSuggester, check_name
from qiao.engines.names.heritage import fold_key, romanized_surname, wade_giles

DATA = Path(__file__).resolve().parents[1] / "data" / "bridge"


def _category_rows() -> list[tuple[str, str, set[str], str]]:
    rows = []
    for line in (DATA / "surnames_by_category.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            cat, word, accepted, split = line.split("\t")
            rows.append((cat, word, set(accepted.split("|")), split))
    return rows


@pytest.mark.parametrize(
    "category", ["pinyin", "wade-giles", "cantonese", "korean", "vietnamese", "japanese"]
)
def test_each_category_mostly_right_and_always_offered(category: str) -> None:
    rows = [r for r in _category_rows() if r[0] == category]
    top1 = sum(
        1
        for _, w, acc, _ in rows
        if [m.chinese for m in romanized_surname(w)][:1] in [[a] for a in acc]
    )
    top3 = sum(1 for _, w, acc, _ in rows if acc & {m.chinese for m in romanized_surname(w)[:3]})
    assert top1 / len(rows) >= 0.8, (category, top1, len(rows))
    assert top3 / len(rows) >= 0.9, (category, top3, len(rows))


def test_ambiguous_spellings_rank_by_frequency() -> None:
    assert [m.chinese for m in romanized_surname("Wong")][:2] == ["黄", "王"]
    assert romanized_surname("Lee")[0].chinese == "李"
    assert romanized_surname("Chang")[0].chinese == "张"  # Wade-Giles beats the rarer 常
    assert [m.chinese for m in romanized_surname("Lyu")][:1] == ["吕"]
    assert romanized_surname("Smith") == []


def test_wade_giles_rules() -> None:
    got = [wade_giles(s) for s in ("zhang", "xu", "zheng", "cai", "guo", "xie", "shi", "zi", "ye")]
    assert got == ["chang", "hsu", "cheng", "tsai", "kuo", "hsieh", "shih", "tzu", "yeh"]


def test_fold_key_strips_diacritics_and_separators() -> None:
    assert fold_key("Nguyễn") == "nguyen"
    assert fold_key("Đặng") == "dang"
    assert fold_key("Au-Yeung") == "auyeung"


@pytest.mark.parametrize(
    ("given", "surname", "char"),
    [
        ("Amy", "Zhang", "张"),
        ("Chris", "Nguyen", "阮"),
        ("Jennifer", "Kim", "金"),
        ("Tommy", "Chan", "陈"),
        ("Yuki", "Tanaka", "田中"),
    ],
)
def test_transliteration_and_suggestions_keep_the_surname(
    given: str, surname: str, char: str
) -> None:
    s = NameSuggester.default()
    t = s.transliterate(given, surname)
    assert t.chinese.endswith("·" + char)
    assert t.parts[1].source.startswith("romanized-surname:")
    result = s.suggest(NameRequest(given=given, surname=surname))
    assert result.suggestions
    assert all(x.surname == char for x in result.suggestions)
    for x in result.suggestions:
        assert check_name(x.surname, x.given) == []


def test_ambiguous_surname_suggestions_may_use_the_alternative() -> None:
    s = NameSuggester.default()
    result = s.suggest(NameRequest(given="Ken", surname="Wong", count=8))
    assert {x.surname for x in result.suggestions} <= {"黄", "王"}
    assert result.suggestions[0].surname == "黄"


def test_vietnamese_letters_that_do_not_decompose_are_folded() -> None:
    req = NameRequest(given="Minh", surname="Đặng")
    assert req.surname == "Dang"
    assert NameSuggester.default().transliterate(req.given, req.surname).chinese.endswith("·邓")

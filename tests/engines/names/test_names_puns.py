"""The pun check by category, and ordinary names passing it (issue 13, category 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qiao.engines.names import NameRequest, NameSuggester, check_name
from qiao.engines.names.checks import style_notes

DATA = Path(__file__).resolve().parents[1] / "data" / "bridge"


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [ln.split("\t") for ln in lines if ln and not ln.startswith("#")]


def _split(name: str) -> tuple[str, str]:
    n = 2 if name[:2] in {"西门", "欧阳", "司马"} else 1
    return name[:n], name[n:]


def test_every_ordinary_name_passes() -> None:
    failed = []
    for name, *_rest in _rows("ordinary_names.tsv"):
        sur, given = _split(name)
        bad = [f for f in check_name(sur, given) if f.check in ("homophone", "bad_char")]
        if bad:
            failed.append((name, bad[0].reason_en))
    assert failed == []


@pytest.mark.parametrize(
    "category", ["bodily", "vulgar", "insult", "unlucky", "classic", "notorious", "famous"]
)
def test_puns_fail_by_category(category: str) -> None:
    rows = [r for r in _rows("pun_names.tsv") if r[1] == category]
    assert rows
    caught = [r[0] for r in rows if any(f.check == "homophone" for f in check_name(*_split(r[0])))]
    assert len(caught) / len(rows) >= 0.75, (category, set(r[0] for r in rows) - set(caught))


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("胡丽晶", "狐狸精"),
        ("魏生津", "卫生巾"),
        ("庞光", "膀胱"),
        ("赖月京", "来月经"),
        ("范剑", "犯贱"),
        ("罗可希", "可惜"),
    ],
)
def test_reason_names_the_word(name: str, word: str) -> None:
    reasons = [f.reason_en for f in check_name(name[0], name[1:]) if f.check == "homophone"]
    assert any(word in r for r in reasons)


def test_style_is_a_signal_not_a_failure() -> None:
    assert check_name("王", "芳") == []
    assert check_name("罗", "琳") == []
    assert style_notes("王", "芳")  # repeated -ang: still noted, for ranking


def test_suggester_never_proposes_a_failing_name() -> None:
    s = NameSuggester.default()
    for given, surname in [("Nicole", "Ross"), ("Hugh", "Lee"), ("Kathy", "Hu"), ("Joe", "Fan")]:
        for sug in s.suggest(NameRequest(given=given, surname=surname)).suggestions:
            assert check_name(sug.surname, sug.given) == [], sug.chinese


def test_given_names_that_read_as_phrases_are_avoided() -> None:
    assert any(f.check == "phrase" for f in style_notes("倪", "善良"))
    s = NameSuggester.default()
    res = s.res
    for given, surname in [("Nicole", "Ni"), ("Sean", "Lee"), ("Kelly", "")]:
        result = s.suggest(NameRequest(given=given, surname=surname, qualities=("kind", "happy")))
        assert all(sug.given not in res.phrase_words for sug in result.suggestions)


def test_famous_person_evocations_fail() -> None:
    assert any("马克思" in f.reason_en for f in check_name("李", "克思"))
    assert any(f.check == "homophone" for f in check_name("张", "泽东"))

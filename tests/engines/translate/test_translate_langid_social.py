"""Language ID on short social texts by category, incl. pinyin (issue 13, category 8)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from qiao.engines.translate.langid import ROMANIZED_CHINESE, identify_language, is_toneless_pinyin

DATA = Path(__file__).resolve().parents[1] / "data" / "bridge" / "langid_social.jsonl"


def _by_category() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for line in DATA.read_text("utf-8").splitlines():
        row = json.loads(line)
        if "text" in row:
            out[row["category"]].append(row)
    return out


@pytest.mark.parametrize("category", sorted(_by_category()))
def test_category_accuracy(category: str) -> None:
    rows = _by_category()[category]
    right = sum(identify_language(r["text"], ("zh", "en")).code == r["expected"] for r in rows)
    assert right / len(rows) >= 0.8, (category, right, len(rows))


@pytest.mark.parametrize("text", ["ni hao", "wo ai ni", "jia you", "xie xie ni", "nǐ hǎo"])
def test_pinyin_is_romanized_chinese(text: str) -> None:
    assert identify_language(text, ("zh", "en")).code == ROMANIZED_CHINESE


@pytest.mark.parametrize("words", [["long"], ["hang", "out"], ["she", "can"], ["men"], ["sushi"]])
def test_english_words_that_spell_pinyin_are_not_pinyin(words: list[str]) -> None:
    assert not is_toneless_pinyin(words)


@pytest.mark.parametrize(
    ("text", "code"), [("merci beaucoup", "fr"), ("gracias amigo", "es"), ("danke schön", "de")]
)
def test_other_languages_are_not_the_nearest_site_language(text: str, code: str) -> None:
    assert identify_language(text, ("zh", "en")).code == code


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ni hao", ["你好"]),
        ("jia you", ["加油"]),
        ("xie xie ni", ["谢谢", "你"]),
        ("nǐ hǎo", ["你好"]),
        ("wo men qu chi fan", ["我们", "去", "吃饭"]),
    ],
)
def test_pinyin_look_up_offers_characters(text: str, words: list[str]) -> None:
    from qiao.engines.translate.lookup import pinyin_to_characters

    got = [m.candidates[0].word for m in pinyin_to_characters(text)]
    assert got == words


def test_pinyin_look_up_refuses_english() -> None:
    from qiao.engines.translate.lookup import pinyin_to_characters

    assert pinyin_to_characters("hello world") == []

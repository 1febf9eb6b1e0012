"""Glossary candidates learned from readers' accepted fixes (issue 13), by category: a
dictionary word rendered wrongly, slang the dictionary lacks, English→Chinese, changes that
are only inflections or articles (no candidate), a short text taken whole, and pairs that
are too long to be a term."""

from __future__ import annotations

import pytest

from qiao.engines.translate.glossary_candidates import candidate_terms

CASES = [
    (
        "dictionary word, zh→en",
        "我喜欢猫",
        "I like cat",
        "I adore cats",
        "zh",
        "en",
        [("喜欢", "adore")],
    ),
    (
        "slang the machine half-rendered",
        "这家店真的绝绝子",
        "This store is really absolutely",
        "This store is really amazing",
        "zh",
        "en",
        [("绝绝子", "amazing")],
    ),
    (
        "neighbouring changes merge",
        "周末去吃了螺蛳粉",
        "Went to eat snail noodles",
        "Went to eat river snail rice noodles",
        "zh",
        "en",
        [("螺蛳粉", "river snail rice")],
    ),
    (
        "en→zh",
        "no cap this is the best",
        "没有帽子这是最好的",
        "说真的这是最好的",
        "en",
        "zh",
        [("说真的", "cap")],
    ),
    (
        "short text taken whole",
        "躺平",
        "Lie flat",
        "Opting out",
        "zh",
        "en",
        [("躺平", "Opting out")],
    ),
    (
        "only inflections and articles",
        "今天交猫税",
        "Pay cat taxes today",
        "Paying the cat tax today",
        "zh",
        "en",
        [],
    ),
    ("nothing changed", "我喜欢猫", "I like cats", "I like cats", "zh", "en", []),
    ("same language", "我喜欢猫", "我喜欢猫", "我爱猫", "zh", "zh", []),
]


@pytest.mark.parametrize(
    ("category", "source", "machine", "fixed", "src", "tgt", "expected"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_candidates_by_category(
    category: str,
    source: str,
    machine: str,
    fixed: str,
    src: str,
    tgt: str,
    expected: list[tuple[str, str]],
) -> None:
    assert candidate_terms(source, machine, fixed, src, tgt) == expected


def test_a_candidate_is_never_longer_than_a_term() -> None:
    source = "我们今天在市中心的一家非常有名的老字号餐厅吃了一顿丰盛的晚饭"
    got = candidate_terms(
        source,
        "We ate a dinner",
        "We had a feast of a dinner at a very famous old restaurant downtown today",
        "zh",
        "en",
    )
    assert all(len(zh) <= 12 and len(en.split()) <= 6 for zh, en in got)


def test_a_synonym_in_brackets_is_a_gloss_and_a_label_is_not() -> None:
    """CC-CEDICT writes 辣 "hot (spicy)": the bracket says which "hot", so an English search
    or look-up for "spicy" finds 辣; "(coll.)", "(Tw)" and the like label a sense and are
    never glosses."""
    from qiao.engines.translate.lookup import get_cedict

    cd = get_cedict()
    assert cd.english_equivalents("spicy")[0].word == "辣"
    assert cd.english_equivalents("coll") == [] and cd.english_equivalents("tw") == []

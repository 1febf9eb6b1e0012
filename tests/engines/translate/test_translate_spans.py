"""Protected spans survive misbehaving engines as separate tokens (issue 13, category 7)."""

from __future__ import annotations

import pytest

from qiao.engines.translate import TranslationService
from qiao.engines.translate.testing import MODES, MischiefEngine
from qiao.engines.translate.text import protect, separate_spans, split_spans

TEXTS = [
    ("en", "Thanks @sam_eats and @ana_cooks for the tips! Recipe: https://t.co/xY12 #hotpot 🔥"),
    ("en", "Went to @chef_lin's place today 😍 https://example.com/menu?id=3 #foodie"),
    ("zh", "感谢@chef_lin推荐的店https://t.co/xY12真的好吃 #火锅# 😋"),
    ("zh", "今天和@amy_lee去了成都 #travel 风景太美了 https://maps.example.com/cd"),
]


def _link_spans(text: str) -> list[str]:
    return [t.text for t in split_spans(text) if t.kind != "text"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("source", "text"), TEXTS)
def test_every_span_survives_as_its_own_token(mode: str, source: str, text: str) -> None:
    target = "en" if source == "zh" else "zh"
    svc = TranslationService([MischiefEngine(mode)])
    out = svc.translate([text], source, target)[0].text
    tokens = [(t.kind, t.text) for t in split_spans(out)]
    for span in _link_spans(text):
        kind = split_spans(span)[0].kind
        assert (kind, span) in tokens, (mode, span, out)
    for span in protect(text).spans:
        assert span in out, (mode, span, out)


def test_split_spans_for_chinese_without_spaces() -> None:
    tokens = split_spans("感谢@chef_lin推荐https://t.co/xY12中")
    assert [(t.kind, t.value) for t in tokens] == [
        ("text", "感谢"),
        ("mention", "chef_lin"),
        ("text", "推荐"),
        ("url", "https://t.co/xY12"),
        ("text", "中"),
    ]
    assert "".join(t.text for t in tokens) == "感谢@chef_lin推荐https://t.co/xY12中"


def test_split_spans_topics_and_chinese_handles() -> None:
    tokens = [
        (t.kind, t.value) for t in split_spans("#hotpot真好吃 #火锅# @小明 看 see https://a.io/b.")
    ]
    assert ("topic", "hotpot") in tokens and ("topic", "火锅") in tokens
    assert ("mention", "小明") in tokens and ("url", "https://a.io/b") in tokens


def test_separate_spans_unglues_the_issue_example() -> None:
    glued = "中@sam_eats@ana_cooks中https://t.co/xY12中"
    out = separate_spans(glued, ["@sam_eats", "@ana_cooks", "https://t.co/xY12"])
    assert out == "中 @sam_eats @ana_cooks 中 https://t.co/xY12 中"
    assert separate_spans("hi @amy_lee", ["@amy", "@amy_lee"]) == "hi @amy_lee"


def test_url_ends_before_an_emoji_and_topics_do_not_swallow_mentions() -> None:
    tokens = [(t.kind, t.text) for t in split_spans("see https://example.com/m?id=3👍🏽 ok")]
    assert ("url", "https://example.com/m?id=3") in tokens
    tokens = [(t.kind, t.text) for t in split_spans("新#hotpot買的@sam_eats裙子到#hotpot了")]
    assert ("topic", "#hotpot") in tokens and ("mention", "@sam_eats") in tokens

"""Placeholders, sentence splitting and re-joining of social text."""

from __future__ import annotations

import pytest

from qiao.engines.translate.text import (
    has_words,
    normalize_text,
    plan_text,
    protect,
    render,
    restore,
    split_sentences,
)

ROUND_TRIPS = [
    "@小明 这个 pizza 太好吃了😂 #美食# https://example.com/a?b=1&c=2 花了 128.5 元。",
    "Loved it!! 👨‍👩‍👧 👍🏽 🇨🇳 #foodie #hot-pot @amy_lee.\nSee https://x.com/a_(b) ok",
    "Run `pip install qiao` then:\n```\nqiao serve --port 8000\n```\nDone ✅",
    "Mail me at someone@example.org or www.example.com/path, at 12:30 on 2024-05-01, 50% off",
    "#旅行日记#第3天：成都→重庆 🚄 3.5小时",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_protect_restore_round_trip(text: str) -> None:
    p = protect(text)
    assert restore(p.text, p.spans) == text
    assert all(f"⟦{i}⟧" in p.text for i in range(len(p.spans)))


def test_what_is_protected() -> None:
    p = protect(ROUND_TRIPS[0])
    assert p.spans == ["@小明", "😂", "#美食#", "https://example.com/a?b=1&c=2", "128.5"]
    p = protect(ROUND_TRIPS[1])
    assert "👨‍👩‍👧" in p.spans and "👍🏽" in p.spans and "🇨🇳" in p.spans
    assert "#foodie" in p.spans and "#hot-pot" in p.spans and "@amy_lee" in p.spans
    assert "https://x.com/a_(b)" in p.spans  # a closing parenthesis that belongs to the URL
    p = protect(ROUND_TRIPS[2])
    assert "`pip install qiao`" in p.spans
    assert "```\nqiao serve --port 8000\n```" in p.spans
    p = protect(ROUND_TRIPS[3])
    assert "someone@example.org" in p.spans and "www.example.com/path" in p.spans
    assert "12:30" in p.spans and "2024-05-01" in p.spans and "50%" in p.spans


def test_url_keeps_no_trailing_punctuation() -> None:
    p = protect("see https://example.com/page.")
    assert p.spans == ["https://example.com/page"]
    assert p.text.endswith(".")


def test_sentence_splitting_chinese_and_english() -> None:
    assert split_sentences("我爱火锅！你呢？好的。") == ["我爱火锅！", "你呢？", "好的。"]
    assert split_sentences("I love it. So good! Really?") == ["I love it. ", "So good! ", "Really?"]
    assert split_sentences("Pi is 3.14 and e is 2.71.") == ["Pi is 3.14 and e is 2.71."]
    assert split_sentences("Mr. Smith met J. K. Rowling. Then he left.") == [
        "Mr. Smith met J. K. Rowling. ",
        "Then he left.",
    ]
    assert split_sentences("他说：“太好了！”然后走了。") == ["他说：“太好了！”", "然后走了。"]
    long = "，".join(["这是一个很长的句子没有句号"] * 60)
    pieces = split_sentences(long)
    assert "".join(pieces) == long and all(len(p) <= 400 for p in pieces)


def test_plan_keeps_edges_out_of_the_core() -> None:
    plan = plan_text("@bob 谢谢！😂😂\n\n#美食# 今天很开心")
    cores = [u.core for u in plan.units]
    assert cores == ["谢谢！", "今天很开心"]
    assert not has_words("⟦0⟧ ⟦1⟧ 123 !!")


def test_render_rejoins_lines_and_paragraphs() -> None:
    text = "第一段。第二句！\n\n@bob 第二段\n😂"
    plan = plan_text(text)
    out = render(plan, ["First paragraph.", "Second sentence!", "Paragraph two"], "en")
    assert out == "First paragraph. Second sentence!\n\n@bob Paragraph two\n😂"


def test_render_into_chinese_drops_spaces_between_sentences() -> None:
    plan = plan_text("It is good. Really good! @amy")
    out = render(plan, ["很好。", "真的很好！"], "zh")
    assert out == "很好。真的很好！@amy"


def test_normalize_text() -> None:
    assert normalize_text("  e\u0301\r\nx \n") == "é\nx"

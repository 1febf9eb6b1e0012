"""The search engine without a database: tokens, query expansion, rendering, ranking."""

from __future__ import annotations

from qiao.engines.search import (
    EXPANSION_WEIGHT,
    blend,
    build_query,
    fold,
    index_text,
    stem,
    text_score,
    tokenize,
)


class Lexicon:
    def chinese_for(self, english_word: str) -> list[str]:
        return {"dumplings": ["饺子", "水饺"], "cat": ["猫"]}.get(english_word, [])

    def english_for(self, chinese_word: str) -> list[str]:
        return {"饺子": ["dumpling", "pot-sticker"], "火锅": ["hot pot"]}.get(chinese_word, [])


def test_english_tokens_are_lower_case_singular_and_plain() -> None:
    assert tokenize("The Dumplings, Cities & Boxes!") == ["dumpling", "city", "box"]
    assert tokenize("Lily's café — don't miss it") == ["lily", "cafe", "dont", "miss"]
    assert [stem(w) for w in ("glasses", "pudding", "bus", "tomatoes", "dishes")] == [
        "glass",
        "pudding",
        "bus",
        "tomatoe",
        "dish",
    ]


def test_chinese_is_segmented_folded_and_keeps_sub_words() -> None:
    assert fold("火鍋 飯館") == "火锅 饭馆"
    assert tokenize("我喜欢吃火锅") == ["我", "喜欢", "吃", "火锅"]  # 吃火锅 re-cut to 火锅
    assert tokenize("北京烤鸭") == ["北京烤鸭", "北京", "烤鸭"]
    assert tokenize("北京烤鸭", subwords=False) == ["北京烤鸭"]
    assert tokenize("我的猫") == ["我", "猫"]  # particles dropped


def test_index_text_has_weighted_columns() -> None:
    doc = index_text("Hot pot 火锅", "So good #chengdu_food", ["chengdu_food", "美食"])
    assert doc.title == "hot pot 火锅"
    assert doc.body == "good chengdu food"
    assert doc.topics == "chengdu food 美食"


def test_query_expands_across_languages_with_lower_weight() -> None:
    q = build_query("dumplings", Lexicon())
    [group] = q.groups
    assert [(t.text, t.weight, t.original) for t in group.terms] == [
        ("dumpling", 1.0, True),
        ("饺子", EXPANSION_WEIGHT, False),
        ("水饺", EXPANSION_WEIGHT, False),
    ]
    assert q.expansions() == ["饺子", "水饺"]
    zh = build_query("饺子", Lexicon())
    assert [t.tokens for t in zh.groups[0].terms] == [("饺子",), ("dumpling",), ("pot", "sticker")]


def test_query_renders_for_fts5_and_postgres() -> None:
    q = build_query("the best dumplings", Lexicon())
    assert q.fts5() == '("best") AND ("dumpling" OR "饺子" OR "水饺")'
    assert q.fts5(require_all=False) == '("best") OR ("dumpling" OR "饺子" OR "水饺")'
    assert q.tsquery() == "('best') & ('dumpling' | '饺子' | '水饺')"
    assert q.originals().fts5() == '("best") AND ("dumpling")'
    hot = build_query("火锅", Lexicon())
    assert hot.tsquery() == "('火锅' | ('hot' <-> 'pot'))"
    assert hot.fts5() == '("火锅" OR "hot pot")'


def test_empty_and_stop_word_queries() -> None:
    assert not build_query("  ,, ", Lexicon())
    assert [g.word for g in build_query("the", Lexicon()).groups] == ["the"]


def test_real_dictionary_expansion() -> None:
    assert "饺子" in build_query("dumplings").expansions()
    assert "dumpling" in build_query("饺子").expansions()
    assert "猫" in build_query("cats").expansions()


def test_ranking_blend() -> None:
    assert text_score(full=3.0, original=2.0, expansion_weight=0.5) == 2.5
    assert text_score(full=3.0, original=0.0, expansion_weight=0.5) == 1.5
    base = blend(1.0, likes=0, collects=0, comments=0, age_days=0)
    assert base == 1.0
    assert blend(1.0, likes=100, collects=0, comments=0, age_days=0) > base
    assert blend(1.0, likes=0, collects=0, comments=0, age_days=365) < base
    # a title match (≈5× a body mention) is not overturned by a few hundred likes
    assert blend(5.0, likes=0, collects=0, comments=0, age_days=30) > blend(
        1.0, likes=300, collects=20, comments=10, age_days=0
    )


def test_the_dictionary_lexicon_skips_dialect_and_slang_senses() -> None:
    """猫 is "cat"; its "(dialect) to hide oneself" and "(coll.) modem" are not what anyone
    searching for 猫 means (they showed as "Also searching: cat · hide oneself")."""
    from qiao.engines.search.query import CedictLexicon

    lexicon = CedictLexicon()
    assert lexicon.english_for("猫") == ["cat"]
    assert lexicon.english_for("可爱") == ["adorable", "cute"]
    assert "猫" in lexicon.chinese_for("cat")

"""Language identification on real-looking social snippets."""

from __future__ import annotations

import pytest

from qiao.engines.translate import detect_language, identify_language
from qiao.engines.translate.langid import LanguageDetector, chinese_script

SNIPPETS = [
    # mixed Chinese/English: Han outweighs the Latin words
    ("这个 pizza 太好吃了", "zh"),
    ("今天去了 Costco，买了好多东西 😂", "zh"),
    ("周末 city walk 打卡 #上海# @小红", "zh"),
    ("绝绝子！！！yyds", "zh"),
    ("我的 OOTD 分享～", "zh"),
    # Traditional Chinese
    ("這個披薩太好吃了", "zh-Hant"),
    ("今天天氣很好，我們去臺北101吧", "zh-Hant"),
    ("謝謝大家的支持❤️", "zh-Hant"),
    # Japanese: kana, not Chinese
    ("今日はいい天気ですね", "ja"),
    ("このラーメン美味しい！", "ja"),
    ("東京タワーに行ってきた📸", "ja"),
    # Korean
    ("오늘 날씨 좋다", "ko"),
    # English
    ("Just got back from 成都, the food was amazing", "en"),
    ("omg this hotpot place is so good", "en"),
    ("Best dumplings I've had outside of Shanghai!", "en"),
    ("Can anyone recommend a good tea shop near the Bund?", "en"),
    ("@amy_lee thanks for the tip!! https://maps.example.com/x", "en"),
    # other languages among the configured ones
    ("Bonjour tout le monde, quelle belle journée à Paris", "fr"),
    ("Me encanta la comida china, sobre todo los dumplings", "es"),
    # nothing to go on
    ("lol 😂", "und"),
    ("👍👍", "und"),
    ("haha", "und"),
    ("LMAO 💀💀💀", "und"),
    ("ok", "und"),
    ("2024!!!", "und"),
    ("https://example.com/some/page", "und"),
    ("@someone", "und"),
    ("", "und"),
    ("   ", "und"),
    ("🍜🔥🔥 10/10", "und"),
    ("hhhhh", "und"),
    ("yyds", "und"),
    ("tbh idk", "und"),
    ("gm ☀️", "und"),
    ("wow!!!", "und"),
    ("666", "und"),
    ("(≧▽≦)", "und"),
    # romanised Chinese with tones: no engine should translate it as English
    ("xièxie nǐ", "zh-Latn"),  # romanized Chinese: offered characters, not translated
    ("Nǐ hǎo, wǒ jiào Lǐ Míng", "zh-Latn"),
    # more mixed and short posts
    ("佢哋好鍾意食嘢", "zh-Hant"),
    ("哈哈哈哈哈", "zh"),
    ("好", "zh"),
    ("ok ok 好的", "zh"),
    ("I ❤️ 北京", "zh"),
    ("新年快乐🧧 Happy New Year!", "zh"),
    ("Love this! 😍 Where is it?", "en"),
    ("OMG 😍😍 this is AMAZING", "en"),
    ("Shanghai | Coffee lover ☕ | 摄影", "en"),
    ("I visited Lǐjiāng last summer and loved it", "en"),
]


@pytest.mark.parametrize(("text", "expected"), SNIPPETS)
def test_social_snippets(text: str, expected: str) -> None:
    assert detect_language(text) == expected, identify_language(text)


def test_a_lone_kana_does_not_make_chinese_japanese() -> None:
    assert detect_language("我の火锅日记，今天吃了很多好吃的") == "zh"


def test_detection_is_restricted_to_configured_languages() -> None:
    only = LanguageDetector(["en", "zh"])
    # a language outside the site's set is reported as itself, never as the nearest site
    # language (issue 13): the caller sees a language it does not translate
    assert only.identify("Bonjour tout le monde, quelle belle journée").code == "fr"
    assert only.identify("merci beaucoup").code == "fr"
    assert only.identify("this pizza is amazing").code == "en"
    # scripts are certain: Japanese is "ja" even when not configured (so it is not sent to a
    # zh->en model)
    assert only.identify("今日はいい天気ですね").code == "ja"
    assert only.identify("오늘 날씨 좋다").code == "ko"


def test_result_says_how_it_decided() -> None:
    d = identify_language("这个 pizza 太好吃了")
    assert d.code == "zh" and d.method == "rule:han" and 0 < d.confidence <= 1
    assert str(d) == "zh"
    assert identify_language("The weather in Beijing is lovely today").method == "lingua"


def test_script_detection() -> None:
    assert chinese_script("简体中文") == "zh"
    assert chinese_script("繁體中文") == "zh-Hant"
    assert chinese_script("中文") == "zh"  # shared characters: Simplified by default


def test_unknown_language_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        LanguageDetector(["en", "xx"]).identify("hello there my friends")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这个 pizza 太好吃了", "zh"),
        ("這個披薩太好吃了", "zh-Hant"),
        ("lol 😂", "und"),
        ("👍👍", "und"),
        ("omg this hotpot place is so good", "en"),
        ("今日はいい天気ですね", "ja"),
        ("Just got back from 成都, the food was amazing", "en"),
    ],
)
def test_the_platform_default_zh_en(text: str, expected: str) -> None:
    """The platform restricts detection to its content languages (zh, en): ~30 MB, not ~190."""
    assert detect_language(text, ("zh", "en")) == expected

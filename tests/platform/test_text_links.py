"""Links in user text (issue 13): mentions, topics and URLs are cut by the translation
engine's `split_spans` (through `core.text.link_tokens`), so the page that renders a text,
the services that extract its mentions (notifications) and #tags (topics), and translation
agree — including Chinese written without spaces.

The cases are built by category (Chinese right before or after a span, full-width forms,
spans glued to each other, look-alikes that are not links), plus a seeded generator that
writes 400 texts by joining Chinese phrases, handles, URLs and topics without spaces and
checks that exactly what was put in comes out."""

from __future__ import annotations

import random
import string
from typing import Any

import pytest

from qiao.core.text import extract_mentions, extract_topics, link_tokens

CASES = [
    # (category, text, mentions, topics, urls)
    ("mention after Chinese", "感谢@chef_lin推荐", ["chef_lin"], [], []),
    ("mention before full-width punctuation", "谢谢@amy_w！", ["amy_w"], [], []),
    ("mention in full-width brackets", "（@amy_w）好看", ["amy_w"], [], []),
    ("full-width at sign", "谢谢＠amy_w", ["amy_w"], [], []),
    ("two mentions glued", "中@sam_eats@ana_cooks中", ["sam_eats", "ana_cooks"], [], []),
    ("mention then dot-word", "cc @amy.lee", ["amy"], [], []),
    ("url then Chinese", "看这里https://t.co/xY12很好", [], [], ["https://t.co/xY12"]),
    ("url then full-width comma", "https://qiao.app/n/1，太棒了", [], [], ["https://qiao.app/n/1"]),
    ("url then emoji", "链接：https://a.bc/d👍", [], [], ["https://a.bc/d"]),
    ("url in ASCII brackets", "(see https://a.bc/d).", [], [], ["https://a.bc/d"]),
    ("latin topic then Chinese", "#hotpot好吃", [], ["hotpot"], []),
    ("latin topic, capitals", "#OOTD今天穿这个", [], ["ootd"], []),
    ("Chinese topic to a space", "#火锅 真好吃", [], ["火锅"], []),
    ("closed Chinese topic", "今天#火锅#真好吃", [], ["火锅"], []),
    ("full-width hash", "＃奶茶 好喝", [], ["奶茶"], []),
    ("closing # glued to a Latin tag", "#cats#dogs", [], ["cats", "dogs"], []),
    ("topic, punctuation, topic", "#hotpot。）#dogs", [], ["hotpot", "dogs"], []),
    ("e-mail is not a mention", "write to amy@qiao.app", [], [], []),
    ("Chinese handle is not a username", "@小明 你好", [], [], []),
    ("too short for a username", "hi @ab", [], [], []),
    ("HTML entity is not a topic", "it&#39;s", [], [], []),
    ("hash inside a word is not a topic", "C# and issue#12", [], [], []),
]


@pytest.mark.parametrize(
    ("category", "text", "mentions", "topics", "urls"), CASES, ids=[c[0] for c in CASES]
)
def test_links_by_category(
    category: str, text: str, mentions: list[str], topics: list[str], urls: list[str]
) -> None:
    tokens = link_tokens(text)
    assert "".join(t.text for t in tokens) == text
    assert extract_mentions(text) == mentions
    assert extract_topics(text) == topics
    assert [t.value for t in tokens if t.kind == "url"] == urls


def _generated(rng: random.Random) -> tuple[str, list[str], list[str], list[str]]:
    fillers = [
        "感谢",
        "推荐",
        "今天",
        "好吃",
        "我们去",
        "太棒了",
        "。",
        "，",
        "！",
        "（",
        "）",
        "真的",
        "看这里",
        "：",
        "、",
    ]
    text: list[str] = []
    mentions: list[str] = []
    topics: list[str] = []
    urls: list[str] = []
    for _ in range(rng.randint(1, 4)):
        text.append(rng.choice(fillers))
        kind = rng.choice(["mention", "url", "latin-topic", "closed-topic"])
        if kind == "mention":
            handle = rng.choice(string.ascii_lowercase) + "".join(
                rng.choice(string.ascii_lowercase + string.digits + "_")
                for _ in range(rng.randint(2, 12))
            )
            text.append("@" + handle)
            mentions.append(handle)
        elif kind == "url":
            url = "https://t.co/" + "".join(
                rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(3, 10))
            )
            text.append(url)
            urls.append(url)
        elif kind == "latin-topic":
            tag = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9)))
            text.append("#" + tag)
            topics.append(tag)
            # "#abc感谢#火锅#" would be the closed topic "abc感谢": punctuation ends it here
            text.append(rng.choice(["。", "，", "！", "：", "、", " "]))
        else:
            tag = rng.choice(["火锅", "奶茶", "周末", "穿搭", "猫"])
            text.append(f"#{tag}#")
            topics.append(tag)
        text.append(rng.choice([f for f in fillers if f not in "（"]))
    return ("".join(text), list(dict.fromkeys(mentions)), list(dict.fromkeys(topics)), urls)


def test_generated_chinese_without_spaces() -> None:
    rng = random.Random(13)
    for _ in range(400):
        text, mentions, topics, urls = _generated(rng)
        tokens = link_tokens(text)
        assert "".join(t.text for t in tokens) == text
        assert extract_mentions(text) == mentions, text
        assert extract_topics(text) == topics, text
        assert [t.value for t in tokens if t.kind == "url"] == urls, text


def test_the_renderer_links_what_extraction_finds() -> None:
    from qiao.web.templatetags.qiao_web import _rich

    html = str(_rich("感谢@chef_lin推荐！看这里https://t.co/xY12很好 #hotpot好吃 a&b <i>"))
    assert '<a class="mention" href="/u/chef_lin">@chef_lin</a>推荐' in html
    assert 'href="https://t.co/xY12"' in html and ">https://t.co/xY12</a>很好" in html
    assert '<a class="tag" href="/?topic=hotpot">#hotpot</a>好吃' in html
    assert "a&amp;b &lt;i&gt;" in html
    www = str(_rich("去www.qiao.app看看"))
    assert 'href="https://www.qiao.app"' in www and ">www.qiao.app</a>看看" in www
    odd = str(_rich("#a&b=c# and #x+y#"))
    assert 'href="/?topic=a%26b%3Dc"' in odd and 'href="/?topic=x%2By"' in odd


@pytest.mark.django_db
def test_a_mention_in_chinese_notifies_and_a_tag_becomes_a_topic(
    make_user: Any, make_note: Any
) -> None:
    from qiao.social import services as social
    from qiao.social.models import Notification

    chef = make_user(username="chef_lin")
    note = make_note(make_user(), title="周末", body="周末吃#hotpot好吃 谢谢@chef_lin推荐")
    assert {t.name for t in note.topics.all()} == {"hotpot"}
    assert Notification.objects.filter(recipient=chef, kind="mention", note=note).count() == 1
    friend = make_user(username="amy_w")
    social.add_comment(make_user(), note.pk, "感谢@amy_w推荐！")
    assert Notification.objects.filter(recipient=friend, kind="mention").count() == 1

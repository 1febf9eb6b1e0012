"""Issue 13's journeys in a real browser, in both interface languages: a reader suggests a
better translation, the author accepts it, every reader sees "Improved by the community";
a note in pinyin shows in characters; the community glossary page; a romanized surname on
the names page. Screenshots at 390 px and 1440 px wide in test-output/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory, make_note

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _dictionary_loaded(transactional_db: Any) -> None:
    """Tappable words from the first page; and the starter glossary, which a live-server
    test's flushed database lost (migration 0005 put it there)."""
    from qiao.translation.services import load_starter_glossary
    from qiao.web.templatetags.qiao_web import segmenter_ready

    segmenter_ready(wait=True)
    load_starter_glossary()


def _both_widths(page: Any, shot: Any, name: str) -> None:
    """A screenshot at 390 px and at 1440 px wide (what was typed stays)."""
    for width, height in ((390, 844), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"{name}-{width}", full_page=True)


def test_a_reader_suggests_a_fix_and_the_author_accepts_it(
    new_page: Any, shot: Any, libre: Any
) -> None:
    author = UserFactory(display_name="小林", read_languages=["zh"], ui_language="zh-hans")
    note = make_note(author, title="我喜欢猫", body="我的猫喜欢吃鱼。")
    reader = UserFactory(display_name="Sam", read_languages=["en"])

    page = new_page(user=reader)
    page.goto(f"/notes/{note.pk}")
    text = page.locator(f"#note-text-{note.pk}")
    text.get_by_role("button", name="Translate").click()
    expect(text.locator(".tr-label")).to_have_text("Translated from Chinese")
    text.get_by_role("link", name="Suggest a better translation").click()
    expect(page).to_have_url(re.compile(rf"/notes/{note.pk}/suggest\?lang=en$"))
    expect(page.get_by_label("Title")).to_have_value(re.compile("cat"))
    page.get_by_label("Title").fill("I adore cats")
    page.get_by_label("Text").fill("My cat loves eating fish.")
    page.get_by_label("Why is this better?").fill("喜欢 here is warmer than 'like'")
    _both_widths(page, shot, "13a-suggest-fix-en")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page).to_have_url(re.compile(rf"/notes/{note.pk}$"))
    expect(page.locator(".flash")).to_contain_text("The author will look at your suggestion")

    # the author, in Chinese: a notification, then the review page
    mine = new_page(user=author, locale="zh-CN")
    mine.goto("/notifications")
    expect(mine.locator(".notif").first).to_contain_text("为你的内容建议了更好的翻译")
    mine.get_by_role("link", name="去处理").click()
    card = mine.locator(".fix-card").first
    expect(card.locator(".fix-new")).to_contain_text("I adore cats")
    expect(card).to_contain_text("Sam 建议")
    _both_widths(mine, shot, "13b-review-fixes-zh")
    card.get_by_role("button", name="采纳").click()
    expect(mine.locator(".flash")).to_contain_text("已采纳")

    # every reader now sees the fix first (as an author's version), with who suggested it
    other = new_page(user=UserFactory(read_languages=["en"]), phone=True)
    other.goto(f"/notes/{note.pk}")
    block = other.locator(f"#note-text-{note.pk}")
    expect(block.locator(".tr-alt .note-title")).to_have_text("I adore cats")
    expect(block.locator(".tr-label")).to_have_text("Improved by the community · suggested by Sam")
    block.locator(".tr-bar").scroll_into_view_if_needed()
    shot(other, "13c-improved-by-the-community-390")
    page.goto("/fixes?box=sent")
    expect(page.locator(".fix-card").first).to_contain_text("Accepted")
    assert not page.errors and not mine.errors and not other.errors


def test_a_chinese_reader_suggests_a_chinese_fix(new_page: Any, shot: Any, libre: Any) -> None:
    author = UserFactory(display_name="Sam", read_languages=["en"])
    note = make_note(author, title="I like cat", body="My cat likes fish")
    reader = UserFactory(display_name="小林", read_languages=["zh"], ui_language="zh-hans")
    page = new_page(user=reader, locale="zh-CN")
    page.goto(f"/notes/{note.pk}")
    text = page.locator(f"#note-text-{note.pk}")
    text.get_by_role("button", name="翻译").click()
    expect(text.locator(".tr-label")).to_have_text("译自英文")
    text.get_by_role("link", name="建议更好的翻译").click()
    page.get_by_label("标题").fill("我超爱猫")
    _both_widths(page, shot, "13d-suggest-fix-zh")
    page.get_by_role("button", name="提交建议").click()
    expect(page.locator(".flash")).to_contain_text("作者会看到你的建议")
    review = new_page(user=author)
    review.goto("/fixes")
    expect(review.locator(".fix-new").first).to_contain_text("我超爱猫")
    _both_widths(review, shot, "13e-review-fixes-en")
    assert not page.errors and not review.errors


def test_pinyin_shows_in_characters_and_french_is_said_plainly(
    new_page: Any, shot: Any, libre: Any
) -> None:
    pinyin = make_note(UserFactory(), title="ni hao", body="wo ai ni, jia you!")
    french = make_note(UserFactory(), title="Merci beaucoup", body="C'est magnifique, merci")
    page = new_page(user=UserFactory(read_languages=["en"]))
    page.goto(f"/notes/{pinyin.pk}")
    text = page.locator(f"#note-text-{pinyin.pk}")
    expect(text.locator(".tr-foreign")).to_contain_text("Chinese written in pinyin")
    text.get_by_role("button", name="Show in characters").click()
    expect(text.locator(".tr-chars")).to_contain_text("你好")
    expect(text.locator(".tr-chars")).to_contain_text("我爱你")
    shot(page, "13f-pinyin-in-characters-1280")
    page.goto(f"/notes/{french.pk}")
    expect(page.locator(f"#note-text-{french.pk} .tr-foreign")).to_have_text(
        "Written in French — translation not available"
    )
    zh = new_page(
        user=UserFactory(read_languages=["zh"], ui_language="zh-hans"), locale="zh-CN", phone=True
    )
    zh.goto(f"/notes/{french.pk}")
    expect(zh.locator(f"#note-text-{french.pk} .tr-foreign")).to_have_text(
        "这是法文内容，暂不提供翻译"
    )
    shot(zh, "13g-french-note-zh-390")
    assert not page.errors and not zh.errors


def test_the_glossary_page_in_both_languages(new_page: Any, shot: Any) -> None:
    page = new_page()
    page.goto("/glossary?q=cat")
    expect(page.get_by_role("heading", name="Community glossary")).to_be_visible()
    expect(page.locator(".glossary-table")).to_contain_text("猫税")
    expect(page.locator(".glossary-table")).to_contain_text("cat tax")
    _both_widths(page, shot, "13h-glossary-en")
    zh = new_page(locale="zh-CN")
    zh.goto("/glossary")
    expect(zh.get_by_role("heading", name="社区词表")).to_be_visible()
    zh.get_by_label("搜索词表").fill("种草")
    zh.get_by_role("button", name="搜索").click()
    expect(zh.locator(".glossary-table")).to_contain_text("got me wanting it")
    _both_widths(zh, shot, "13i-glossary-zh")
    assert not page.errors and not zh.errors


def test_a_romanized_surname_keeps_its_characters(new_page: Any, shot: Any) -> None:
    zh = new_page(locale="zh-CN")
    zh.goto("/names/?given=Amy&surname=Zhang&gender=female")
    expect(zh.locator(".names-head h1")).to_have_text("起一个中文名")  # said once
    expect(zh.locator(".names-heritage")).to_contain_text("你的姓 Zhang 在中文里是“张”")
    expect(zh.locator(".names-standard .names-big")).to_have_text(re.compile("·张$"))
    _both_widths(zh, shot, "13j-names-heritage-zh")
    en = new_page()
    en.goto("/names/?given=Donald&surname=Trump")
    expect(en.locator(".names-alts")).to_contain_text("Taiwan")
    _both_widths(en, shot, "13k-names-alternatives-en")
    assert not zh.errors and not en.errors

"""Issue 7's browser journey: an English reader translates a Chinese note, toggles back to
the original, and looks a Chinese word up. Translation comes from a local LibreTranslate-
compatible server (tests/fakes.py); the look-up needs no model at all."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from qiao.social import services as social
from tests.factories import UserFactory, make_note

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _dictionary_loaded() -> None:
    """Pages wrap Chinese words once jieba + CC-CEDICT are loaded (in a thread on first
    use); load them now so every page here has tappable words."""
    from qiao.web.templatetags.qiao_web import segmenter_ready

    segmenter_ready(wait=True)


def test_english_reader_translates_a_chinese_note_and_looks_up_a_word(
    new_page: Any, shot: Any, libre: Any
) -> None:
    author = UserFactory(display_name="小林", read_languages=["zh"])
    note = make_note(author, title="周末吃火锅", body="我喜欢吃火锅，太好吃了！#美食#")
    note.refresh_from_db()
    assert note.language == "zh"
    comment = social.add_comment(UserFactory(read_languages=["zh"]), note.pk, "我也喜欢火锅")
    reader = UserFactory(display_name="Sam", read_languages=["en"])

    page = new_page(user=reader)
    page.goto(f"/notes/{note.pk}")
    text = page.locator(f"#note-text-{note.pk}")
    text.get_by_role("button", name="Translate").click()
    expect(text.locator(".tr-alt .note-body")).to_contain_text("hot pot")
    expect(text.locator(".tr-label")).to_have_text("Translated from Chinese")
    toggle = text.get_by_role("button", name="Show original")
    expect(toggle).to_be_focused()  # the keyboard focus stays where the reader was
    expect(text.locator(".tr-orig")).to_be_hidden()
    shot(page, "7a-note-translated")

    toggle.click()
    expect(text.locator(".tr-orig .note-body")).to_be_visible()
    expect(text.locator(".tr-alt")).to_be_hidden()
    expect(text.get_by_role("button", name="Show translation")).to_be_visible()

    # Tap a Chinese word: its pinyin with tone marks and its English meaning.
    text.locator(".tr-orig .note-body .w", has_text=re.compile("^火锅$")).first.click()
    popover = page.locator("#lookup")
    expect(popover).to_contain_text("huǒguō")
    expect(popover.locator(".lookup-senses")).to_contain_text(re.compile("hot ?pot", re.I))
    shot(page, "7b-word-lookup")
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)

    # The comment translates in place too.
    ctext = page.locator(f"#ctext-{comment.pk}")
    ctext.get_by_role("button", name="Translate").click()
    expect(ctext.locator(".tr-alt")).to_contain_text("like")
    expect(ctext.get_by_role("button", name="Show original")).to_be_focused()

    # Keyboard: the block is one tab stop (the last word used); arrows move, Enter opens.
    word = text.locator(".tr-orig .w[tabindex='0']")
    expect(word).to_have_text("火锅")
    word.focus()
    page.keyboard.press("ArrowLeft")
    expect(text.locator(".tr-orig .w[tabindex='0']")).to_have_text("吃")
    page.keyboard.press("Enter")
    expect(popover).to_contain_text("chī")
    expect(popover).to_be_focused()
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    assert not page.errors


def test_phone_reader_with_auto_translate_sees_the_translation_first(
    new_page: Any, shot: Any, libre: Any
) -> None:
    note = make_note(UserFactory(read_languages=["zh"]), title="我喜欢猫", body="我的猫喜欢吃鱼。")
    reader = UserFactory(read_languages=["en"], auto_translate=True)
    page = new_page(user=reader, phone=True)
    page.goto("/")
    expect(page.locator("[data-card] .card-title")).to_contain_text("cat")
    page.goto(f"/notes/{note.pk}")
    text = page.locator(f"#note-text-{note.pk}")
    expect(text.locator(".tr-alt .note-title")).to_contain_text("cat")
    expect(text.get_by_role("button", name="Show original")).to_be_visible()
    text.get_by_role("button", name="Show original").click()
    text.locator(".tr-orig .note-title .w", has_text=re.compile("^猫$")).click()
    expect(page.locator("#lookup")).to_contain_text("māo")
    shot(page, "7c-phone-lookup")
    assert not page.errors


@pytest.mark.slow
def test_author_publishes_an_english_version_and_a_reader_sees_it_first(
    new_page: Any, shot: Any, libre: Any
) -> None:
    author = UserFactory(display_name="小林", read_languages=["zh"], ui_language="zh-hans")
    note = make_note(author, title="我喜欢火锅", body="周末和朋友吃火锅。")
    page = new_page(user=author, locale="zh-CN")
    page.goto(f"/notes/{note.pk}")
    page.get_by_role("link", name="添加英文版本").click()
    expect(page).to_have_url(re.compile(rf"/notes/{note.pk}/versions/en$"))
    title = page.get_by_label("标题")
    expect(title).to_have_value("[en] I like hot pot")  # the machine draft to edit
    title.fill("I love hot pot")
    page.get_by_label("正文").fill("Hot pot with friends at the weekend.")
    shot(page, "7d-author-version-form")
    page.get_by_role("button", name="保存版本").click()
    expect(page).to_have_url(re.compile(rf"/notes/{note.pk}$"))
    expect(page.locator(".version-have")).to_contain_text("你的英文版本")

    reader = new_page(user=UserFactory(read_languages=["en"]))
    reader.goto("/")
    card = reader.locator("[data-card]", has_text="I love hot pot")
    expect(card).to_be_visible()
    card.locator("a.card-link").click()  # opens in the overlay
    dialog = reader.locator("#overlay")
    text = dialog.locator(f"#note-text-{note.pk}")
    expect(text.locator(".tr-label")).to_have_text("Author's English version")
    expect(text.locator(".tr-alt .note-body")).to_have_text("Hot pot with friends at the weekend.")
    text.get_by_role("button", name="Show original").click()
    text.locator(".tr-orig .w", has_text=re.compile("^朋友$")).click()
    expect(dialog.locator("#lookup")).to_contain_text("péngyou")
    shot(reader, "7e-overlay-author-version-lookup")
    reader.keyboard.press("Escape")  # closes the popover, not the overlay
    expect(dialog.locator("#lookup")).to_have_count(0)
    expect(dialog).to_be_visible()

    # The author edits the original: their English version stays, flagged for a check.
    page.goto(f"/notes/{note.pk}/edit")
    page.get_by_label("正文").fill("周末和朋友吃火锅，太辣了！")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/notes/{note.pk}$"))
    expect(page.locator(".version-stale")).to_have_text("写于你上次修改原文之前")
    shot(page, "7e2-author-version-stale")
    page.get_by_role("link", name="去核对").click()
    expect(page.locator(".notice")).to_contain_text("你在写这个版本之后修改过原文")
    page.get_by_label("正文").fill("Hot pot with friends at the weekend. Far too spicy!")
    page.get_by_role("button", name="保存版本").click()
    expect(page.locator(".version-have")).to_contain_text("你的英文版本")
    expect(page.locator(".version-stale")).to_have_count(0)
    assert not page.errors and not reader.errors


def test_chinese_reader_with_auto_translate_reads_english_in_chinese(
    new_page: Any, shot: Any, libre: Any
) -> None:
    author = UserFactory(
        display_name="Sam", read_languages=["en"], bio="I like hot pot", bio_language="en"
    )
    note = make_note(author, title="I like hot pot", body="Hot pot is delicious, I like cat")
    social.add_comment(UserFactory(read_languages=["en"]), note.pk, "I like hot pot too")
    reader = UserFactory(read_languages=["zh"], ui_language="zh-hans", auto_translate=True)
    page = new_page(user=reader, locale="zh-CN")
    page.goto(f"/notes/{note.pk}")
    text = page.locator(f"#note-text-{note.pk}")
    expect(text.locator(".tr-label")).to_have_text("译自英文")
    expect(text.locator(".tr-alt .note-title")).to_contain_text("喜欢")
    comment = page.locator(".comment .tr-alt")
    expect(comment).to_contain_text("喜欢")  # fetched as soon as it showed
    text.get_by_role("button", name="查看原文").click()
    expect(text.get_by_role("button", name="查看译文")).to_be_visible()
    text.locator(".tr-orig .w", has_text=re.compile("^delicious$")).click()
    expect(page.locator("#lookup")).to_contain_text("好吃")
    shot(page, "7f-chinese-reader-english-note")
    page.goto(f"/u/{author.username}")
    expect(page.locator("#bio-text .tr-alt")).to_contain_text("喜欢")
    shot(page, "7g-profile-bio-translated")
    assert not page.errors

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


def test_english_reader_translates_a_chinese_note_and_looks_up_a_word(
        new_page: Any, shot: Any, libre: Any) -> None:
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
    expect(toggle).to_be_visible()
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
    expect(ctext.get_by_role("button", name="Show original")).to_be_visible()

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
        new_page: Any, shot: Any, libre: Any) -> None:
    note = make_note(UserFactory(read_languages=["zh"]), title="我喜欢猫",
                     body="我的猫喜欢吃鱼。")
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

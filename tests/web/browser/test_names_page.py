"""The Chinese-name helper in a real browser, in both interface languages (issue 4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_emily_finds_a_name_and_puts_it_on_her_profile(new_page: Any, shot: Any) -> None:
    emily = UserFactory(username="emily_j", display_name="Emily")
    page = new_page(user=emily)
    page.goto("/names/")
    page.get_by_label("Given name").fill("Emily")
    page.get_by_label("Surname").fill("Johnson")
    page.get_by_label("Female").check()
    page.get_by_label("Qualities you like (optional)").fill("kind")
    page.get_by_role("button", name="Suggest names").click()
    expect(page.locator(".names-standard .names-big")).to_have_text("埃米莉·约翰逊")
    cards = page.locator(".names-card")
    expect(cards.first).to_be_visible()
    assert 5 <= cards.count() <= 10
    expect(page).to_have_url(re.compile(r"given=Emily"))
    first = cards.first
    chosen = first.locator(".names-big").inner_text().strip()
    expect(first.locator(".names-chars dd").first).not_to_be_empty()
    expect(first.locator(".names-reason")).to_contain_text("Johnson")
    shot(page, "names-1-results-en", full_page=True)
    first.get_by_role("button", name="Use as my Chinese name").click()
    expect(page).to_have_url(re.compile(r"/u/emily_j$"))
    expect(page.get_by_text(chosen).first).to_be_visible()
    emily.refresh_from_db()
    assert emily.chinese_name == chosen
    assert not page.errors


def test_the_page_in_chinese(new_page: Any, shot: Any) -> None:
    page = new_page(locale="zh-CN")
    page.goto("/names/?given=Michael&surname=Jordan&gender=male")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".names-standard .names-big")).to_have_text("迈克尔·乔丹")
    expect(page.get_by_role("button", name="起名")).to_be_visible()
    expect(page.get_by_role("heading", name="标准译名")).to_be_visible()
    shot(page, "names-2-results-zh", full_page=True)
    assert not page.errors

"""Issue 17's journey, in two browsers at once: an English member (a desktop, English pages)
messages a Chinese member (a phone, Chinese pages), who sees the conversation arrive, reads
the message in Chinese and answers; the English member sees "typing…", then the answer in
English, and "Seen" — all without reloading either page. Translation comes from the local
LibreTranslate-compatible fake (tests/fakes.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from qiao.accounts import services as accounts
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _dictionary_loaded() -> None:
    from qiao.web.templatetags.qiao_web import segmenter_ready

    segmenter_ready(wait=True)


@pytest.fixture(autouse=True)
def _in_process_bus(settings: Any) -> Any:
    from qiao.core import live

    settings.REDIS_URL = ""
    settings.QIAO_LIVE_REDIS_URL = ""
    live.reset_bus()
    yield
    live.reset_bus()


def _never_reloaded(page: Any) -> None:
    page.evaluate("window.__sameDocument = true")


def _still_same(page: Any) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def test_english_and_chinese_members_talk_live(new_page: Any, shot: Any, libre: Any) -> None:
    ann = UserFactory(
        username="ann",
        display_name="Ann",
        read_languages=["en"],
        ui_language="en",
        auto_translate=True,
    )
    bo = UserFactory(
        username="bo_cd",
        display_name="小波",
        read_languages=["zh"],
        ui_language="zh-hans",
        auto_translate=True,
    )
    accounts.follow(ann, bo)
    accounts.follow(bo, ann)

    # The Chinese member waits on the message list, on a phone.
    phone = new_page(user=bo, phone=True, locale="zh-CN")
    phone.goto("/messages/")
    expect(phone.get_by_role("heading", name="消息")).to_be_visible()
    expect(phone.locator("body")).to_have_attribute("data-live-state", "stream")
    _never_reloaded(phone)

    # The English member starts the conversation from the profile, on a desktop.
    desk = new_page(user=ann)
    desk.set_viewport_size({"width": 1440, "height": 900})
    desk.goto("/u/bo_cd")
    desk.get_by_role("button", name="Message").click()
    expect(desk.locator("#chat-title")).to_have_text("小波")
    expect(desk.locator("#composer-hint")).to_contain_text("They read Chinese")
    expect(desk.locator("body")).to_have_attribute("data-live-state", "stream")
    _never_reloaded(desk)
    box = desk.get_by_label("Message", exact=True)
    box.fill("I like hot pot")
    box.press("Enter")
    expect(desk.locator("#chat-log .msg.mine")).to_have_count(1)

    # It arrives in the phone's list without a reload; opened, it reads in Chinese.
    row = phone.locator("#inbox-rows .conv").first
    expect(row).to_contain_text("Ann")
    assert _still_same(phone)
    shot(phone, "17a-inbox-zh-390")
    row.click()
    bubble = phone.locator("#chat-log .msg.theirs").first
    expect(bubble.locator(".tr-alt")).to_contain_text("[zh]")
    expect(bubble.locator(".tr-alt")).to_contain_text("火锅")
    expect(bubble.get_by_role("button", name="查看原文")).to_be_visible()
    _never_reloaded(phone)

    # The phone types (the desktop sees it), then answers.
    reply = phone.get_by_label("私信", exact=True)
    reply.fill("我也喜欢")
    expect(desk.locator("#chat-typing")).to_contain_text("小波 is typing")
    reply.fill("我也喜欢火锅！")
    phone.get_by_role("button", name="发送").click()
    expect(phone.locator("#chat-log .msg.mine")).to_have_count(1)
    shot(phone, "17b-conversation-zh-390")

    # The desktop sees the answer in English, and its own message as seen, live.
    answer = desk.locator("#chat-log .msg.theirs").first
    expect(answer.locator(".tr-alt")).to_contain_text("[en]")
    expect(answer.locator(".tr-alt")).to_contain_text("hot pot")
    expect(desk.locator("#chat-log .msg.mine .msg-seen")).to_have_text("Seen")
    assert _still_same(desk) and _still_same(phone)
    # The sender can check how their message read on the other side.
    desk.locator("#chat-log .msg.mine").get_by_role("button", name="How they see it").click()
    expect(desk.locator("#chat-log .msg.mine .rendered")).to_contain_text("火锅")
    # Word look-up on the original Chinese words.
    answer.get_by_role("button", name="Show original").click()
    answer.locator(".tr-orig .w", has_text=re.compile("^火锅$")).first.click()
    expect(desk.locator("#lookup")).to_contain_text("huǒguō")
    shot(desk, "17c-conversation-en-1440")
    desk.keyboard.press("Escape")
    assert not desk.errors and not phone.errors  # type: ignore[attr-defined] # set in conftest

    # The other two sizes in the other two languages, for looking at.
    other_phone = new_page(user=ann, phone=True)
    other_phone.goto(desk.url)
    expect(other_phone.locator(".composer")).to_be_in_viewport()
    shot(other_phone, "17d-conversation-en-390")
    wide = new_page(user=bo, locale="zh-CN")
    wide.set_viewport_size({"width": 1440, "height": 900})
    wide.goto(desk.url)
    expect(wide.locator("#chat-log .msg")).to_have_count(2)
    shot(wide, "17e-conversation-zh-1440")
    wide.goto("/messages/")
    shot(wide, "17f-inbox-zh-1440")

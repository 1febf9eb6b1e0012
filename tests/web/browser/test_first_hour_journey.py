"""The first hour on a phone (issue 12), in a real Chromium: a visitor finds "Log in", the
log-in page offers the demo account, the feed goes past "You're all caught up" and on, a like
with Enter keeps the focus, the Collect star tells the truth, Escape closes the panel and
saving never leaves it over the comment box, Settings does not scroll sideways, the search
page has one search box. Screenshots go to test-output/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from qiao.accounts.demo import DEMO_PASSWORD, DEMO_USERNAME
from tests.factories import UserFactory, make_note

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.slow
def test_the_first_hour_on_a_phone(new_page: Any, shot: Any) -> None:
    demo = UserFactory(username=DEMO_USERNAME, display_name="Demo", read_languages=["en"])
    demo.set_password(DEMO_PASSWORD)
    demo.save()
    authors = [UserFactory(display_name=f"Author {i}") for i in range(3)]
    for i in range(8):
        make_note(authors[i % 3], title=f"Weekend walk {i}", body=f"Day {i} outside #hiking")
    note = make_note(authors[0], title="Tea house in Chengdu", body="Jasmine tea #chengdu")

    # A visitor on a phone: "Log in" is in the header, and the page offers the demo account.
    page = new_page(phone=True)
    page.goto("/")
    login = page.locator(".topnav a", has_text="Log in")
    expect(login).to_be_visible()
    shot(page, "12a-visitor-phone")
    login.click()
    expect(page.locator(".auth-demo")).to_contain_text(DEMO_PASSWORD)
    page.get_by_label("Username or email").fill(DEMO_USERNAME)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))

    # The feed: nine notes, then the quiet divider, then more — it does not end.
    divider = page.locator("[data-divider]").first
    for _ in range(10):
        if divider.count():
            break
        page.mouse.wheel(0, 4000)
        page.wait_for_timeout(400)
    expect(divider).to_contain_text("You're all caught up")
    for _ in range(4):
        page.mouse.wheel(0, 4000)
        page.wait_for_timeout(300)
    assert page.locator("[data-card]").count() > 9
    expect(page.locator(".more-end")).to_have_count(0)
    shot(page, "12b-caught-up")

    # A note: liking with Enter keeps the focus on the like button.
    page.goto(f"/notes/{note.pk}")
    like = page.locator(f"#like-big-{note.pk}")
    like.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Unlike")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == f"like-big-{note.pk}"

    # Collect: an outline star until collected; Escape closes the panel.
    star = page.locator(".collect-menu summary")
    assert "star-fill" not in page.evaluate(
        "getComputedStyle(document.querySelector('.collect-menu .star')).maskImage || "
        "getComputedStyle(document.querySelector('.collect-menu .star')).webkitMaskImage"
    )
    star.click()
    panel = page.locator(".collect-panel")
    expect(panel.get_by_label("New board")).to_be_visible()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    star.click()
    panel.get_by_label("New board").fill("Tea trips")
    panel.get_by_role("button", name="Create and save").click()
    expect(panel).to_be_hidden()  # it would cover the comment box
    expect(star).to_have_class(re.compile(r"\bis-on\b"))
    expect(page.locator("#toast")).to_contain_text("Saved to Tea trips")
    send = page.get_by_role("button", name="Send")
    box = send.bounding_box()
    assert box is not None
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('button')?.textContent",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top and "Send" in on_top
    shot(page, "12c-collected")

    # Settings fit a phone; the search page has one search box.
    page.goto("/settings")
    assert _no_sideways_scroll(page)
    shot(page, "12d-settings-phone")
    page.goto("/search?q=tea")
    boxes = page.locator("input[type=search]")
    assert sum(1 for i in range(boxes.count()) if boxes.nth(i).is_visible()) == 1
    shot(page, "12e-search-phone")
    assert not page.errors

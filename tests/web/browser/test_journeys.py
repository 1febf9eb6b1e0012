"""The five journeys from issue 3, in a real Chromium. Each saves a screenshot."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from qiao.social import access as social_access
from qiao.social import services as social
from qiao.social.models import Notification
from tests.factories import UserFactory, make_note

pytestmark = pytest.mark.browser


def _note(author: Any, **kw: Any) -> Any:
    # transactional_db: on-commit hooks run at once, so variants are rendered here.
    return make_note(author, **kw)


@pytest.mark.slow
def test_sign_up_onboard_post_two_photos_and_see_it_in_the_grid(
    new_page: Any, shot: Any, photo_files: list[str]
) -> None:
    _note(UserFactory(display_name="Lin"), title="Dumplings at dawn", body="#food")
    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("river_li")
    page.get_by_label("Email").fill("river@example.com")
    page.get_by_label("Password").fill("a bridge over 9 rivers")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/welcome$"))
    for interest in ("Food", "Travel", "Pets"):
        page.locator("label.interest", has_text=interest).click()
    shot(page, "1a-onboarding")
    page.get_by_role("button", name="Start exploring").click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("link", name="Post").first.click()
    page.set_input_files("#images", photo_files)
    expect(page.locator("[data-previews] li")).to_have_count(2)
    page.get_by_label("Describe this photo (for screen readers) 1").fill("Lanterns over a river")
    page.get_by_label("Title").fill("Lanterns on the river")
    page.get_by_label("Text").fill("The festival was magic #travel @nobody")
    shot(page, "1b-compose")
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(re.compile(r"/notes/\d+$"))
    expect(page.locator(".slide")).to_have_count(2)

    page.goto("/")
    card = page.locator("[data-card]", has_text="Lanterns on the river")
    expect(card).to_be_visible()
    expect(card.locator("img")).to_have_attribute("alt", "Lanterns over a river")
    shot(page, "1c-grid-with-new-note")
    assert not page.errors


@pytest.mark.slow
def test_second_user_likes_comments_replies_author_sees_notifications(
    new_page: Any, shot: Any
) -> None:
    author = UserFactory(username="mei", display_name="Mei")
    others = UserFactory(display_name="Lin")
    for i in range(24):  # a site with more than one page of notes: each card shows once
        _note(others, title=f"Noodle shop {i}", body="#food")
    note = _note(author, title="Tea house in Chengdu", body="Jasmine tea #chengdu", n_images=2)
    visitor = UserFactory(username="tom", display_name="Tom")
    page = new_page(visitor)
    page.goto("/")
    page.locator("[data-card] a.card-link", has_text="Tea house in Chengdu").click()
    dialog = page.locator("#overlay")
    expect(dialog).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/notes/{note.pk}$"))
    page.keyboard.press("ArrowRight")  # the carousel has focus in the overlay
    expect(dialog.locator("[data-carousel]")).to_have_attribute("data-index", "1")
    dialog.get_by_role("button", name="Like").click()
    expect(dialog.get_by_role("button", name="Unlike")).to_be_visible()
    dialog.get_by_placeholder("Say something…").fill("Looks so calm!")
    dialog.get_by_role("button", name="Send").click()
    comment = dialog.locator(".comment", has_text="Looks so calm!")
    expect(comment).to_be_visible()
    comment.locator("summary", has_text="Reply").click()
    comment.get_by_placeholder("Reply to Tom").fill("Going back next week")
    comment.locator(".reply-form").get_by_role("button", name="Reply").click()
    expect(dialog.locator(".comment.is-reply", has_text="Going back next week")).to_be_visible()
    shot(page, "2a-overlay-liked-commented")
    page.go_back()
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/$"))
    card = page.locator("[data-card]", has_text="Tea house in Chengdu")
    expect(card.get_by_role("button", name="Unlike")).to_have_attribute("aria-pressed", "true")

    kinds = set(Notification.objects.filter(recipient=author).values_list("kind", flat=True))
    assert {"like", "comment"} <= kinds
    author_page = new_page(author)
    author_page.goto("/")
    expect(author_page.locator(".badge")).to_have_text(re.compile(r"^[1-9]\d*$"))
    author_page.get_by_role("link", name=re.compile("Notifications")).click()
    expect(author_page.locator(".notif.is-unread", has_text="liked your note")).to_be_visible()
    expect(
        author_page.locator(".notif.is-unread", has_text="commented on your note").filter(
            has_text="Looks so calm!"
        )
    ).to_be_visible()
    shot(author_page, "2b-author-notifications")
    assert not page.errors and not author_page.errors


def test_collect_into_a_new_board_and_find_it_there(new_page: Any, shot: Any) -> None:
    note = _note(UserFactory(display_name="Ana"), title="Hidden beach in Hainan")
    collector = UserFactory(username="sam")
    page = new_page(collector)
    page.goto(f"/notes/{note.pk}")
    page.locator("[data-collect] summary").click()
    page.get_by_label("New board").fill("Summer 2027")
    shot(page, "3a-collect-picker")
    page.get_by_role("button", name="Create and save").click()
    expect(page.get_by_text("Saved to Summer 2027", exact=True)).to_be_visible()  # the toast
    # The panel closed (it covered the comment box); the board is under the profile's Boards.
    page.goto("/u/sam?tab=boards")
    page.locator("a.board-tile", has_text="Summer 2027").click()
    expect(page.get_by_role("heading", name="Summer 2027")).to_be_visible()
    expect(page.locator("[data-card]", has_text="Hidden beach in Hainan")).to_be_visible()
    shot(page, "3b-board")
    assert social_access.visible_boards(collector, collector).get().item_count == 1


@pytest.mark.slow
def test_rename_a_board_take_a_note_out_and_delete_it(new_page: Any, shot: Any) -> None:
    author = UserFactory(display_name="Ana")
    keep = _note(author, title="Hidden beach in Hainan")
    drop = _note(author, title="Night market in Xiamen")
    owner = UserFactory(username="sam")
    board = social.create_board(owner, name="Summer 2027")
    social.collect(owner, keep.pk, board.pk)
    social.collect(owner, drop.pk, board.pk)
    page = new_page(owner)
    page.goto(f"/boards/{board.pk}")
    page.get_by_role("link", name="Edit board").click()
    page.get_by_label("Board name").fill("Fujian & Hainan")
    page.get_by_label("Description").fill("Beaches and night markets")
    page.get_by_label("Private board: only you can see it").check()
    shot(page, "3c-board-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Fujian & Hainan")).to_be_visible()
    expect(page.get_by_text("Board saved.")).to_be_visible()
    expect(page.locator(".board-head .lock")).to_have_text("private")
    shot(page, "3d-board-owner")

    card = page.locator("[data-card]", has_text="Night market in Xiamen")
    card.get_by_role("button", name="Remove from board").click()
    expect(card).to_have_count(0)
    expect(page.locator("#board-count")).to_have_text("1 note")
    expect(page.locator("[data-card]", has_text="Hidden beach in Hainan")).to_be_visible()
    expect(page.get_by_text("This board is empty.")).to_have_count(0)
    last = page.locator("[data-card]", has_text="Hidden beach in Hainan")
    last.get_by_role("button", name="Remove from board").click()
    expect(page.locator("#board-count")).to_have_text("0 notes")
    expect(page.get_by_text("This board is empty.")).to_be_visible()
    shot(page, "3d2-board-emptied")

    page.get_by_role("link", name="Delete board").click()
    expect(page.get_by_role("heading", name="Delete the board “Fujian & Hainan”?")).to_be_visible()
    shot(page, "3e-board-delete-confirm")
    page.get_by_role("button", name="Delete board").click()
    expect(page).to_have_url(re.compile(r"/u/sam\?tab=boards$"))
    expect(page.get_by_text("Board “Fujian & Hainan” deleted.")).to_be_visible()
    assert not social_access.visible_boards(owner, owner).exists()
    assert page.errors == []


def test_board_owner_controls_in_chinese(new_page: Any, shot: Any) -> None:
    note = _note(UserFactory(display_name="王芳"), title="成都火锅真的绝了")
    owner = UserFactory(username="mei")
    board = social.create_board(owner, name="吃在成都", description="想去的店")
    social.collect(owner, note.pk, board.pk)
    page = new_page(owner, locale="zh-CN")
    page.goto(f"/boards/{board.pk}")
    expect(page.get_by_role("link", name="编辑专辑")).to_be_visible()
    expect(page.get_by_role("button", name="移出专辑")).to_be_visible()
    shot(page, "3f-board-owner-zh")
    page.get_by_role("link", name="编辑专辑").click()
    page.get_by_label("专辑名称").fill("   ")  # passes `required`, the service refuses it
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field-error")).to_have_text("专辑名称需 1–40 个字符。")
    expect(page.get_by_label("简介")).to_have_value("想去的店")
    shot(page, "3g-board-edit-zh")


def test_switch_the_interface_to_chinese(new_page: Any, shot: Any) -> None:
    _note(UserFactory(display_name="王芳"), title="成都火锅真的绝了", body="#火锅")
    user = UserFactory(username="kai")
    page = new_page(user)
    page.goto("/settings")
    page.get_by_label("Interface language").select_option("zh-hans")
    page.locator("#preferences").get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="设置", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto("/")
    expect(page.get_by_role("link", name="推荐")).to_be_visible()
    expect(page.get_by_role("link", name="发布")).to_be_visible()
    shot(page, "4-chinese-ui")
    user.refresh_from_db()
    assert user.ui_language == "zh-hans"


@pytest.mark.slow
def test_phone_two_columns_and_carousel_swipe(new_page: Any, shot: Any) -> None:
    author = UserFactory(display_name="Yun")
    for i in range(6):
        _note(author, title=f"Street food stall {i}", n_images=1 if i else 3)
    page = new_page(phone=True)
    page.goto("/")
    expect(page.locator(".wf-col")).to_have_count(2)
    xs = {
        round(box["x"])
        for box in (c.bounding_box() for c in page.locator("[data-card]").all())
        if box
    }
    assert len(xs) == 2
    shot(page, "5a-phone-grid")

    page.locator("[data-card] a.card-link", has_text="Street food stall 0").click()
    carousel = page.locator("#overlay [data-carousel]")
    expect(carousel).to_be_visible()
    box = page.locator("#overlay .carousel-track").bounding_box()
    # A real touch swipe (finger moves right to left), as Chromium's input pipeline sees it.
    cdp = page.context.new_cdp_session(page)
    x, y = box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x - step * box["width"] * 0.06, "y": y}]},
        )
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(carousel).to_have_attribute("data-index", "1")
    expect(page.locator("#overlay [data-dot='1']")).to_have_class(re.compile("is-active"))
    shot(page, "5b-phone-carousel-swiped")
    assert not page.errors

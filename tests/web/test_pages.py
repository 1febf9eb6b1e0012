"""Server-rendered pages: what each visitor may see, CSRF, escaping, language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qiao.accounts import services as accounts_services
from qiao.notes.models import Note
from qiao.social import services as social
from qiao.social.models import Board, Comment, Like, Notification
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- discovery ----------------------------------------------------------------------------


def test_home_lists_public_notes_with_srcset_and_placeholder(
    client: Client, make_note: Any
) -> None:
    note = make_note(title="Sunset over the bridge")
    html = client.get("/").content.decode()
    assert "Sunset over the bridge" in html
    assert reverse("web:note", args=[note.pk]) in html
    assert 'type="image/webp"' in html and " 320w" in html and " 640w" in html
    assert "data-blurhash=" in html and "data-color=" in html


def test_home_hides_private_follower_only_and_draft_notes(
    client: Client, make_user: Any, make_note: Any
) -> None:
    author = make_user()
    make_note(author, title="Only-me note", visibility=Note.Visibility.PRIVATE)
    make_note(author, title="Followers note", visibility=Note.Visibility.FOLLOWERS)
    make_note(author, title="Draft note", status=Note.Status.DRAFT)
    html = client.get("/").content.decode()
    assert "Only-me note" not in html and "Followers note" not in html
    assert "Draft note" not in html
    stranger = as_user(make_user())
    assert "Followers note" not in stranger.get("/").content.decode()


def test_feed_more_returns_cards_and_an_out_of_band_sentinel(
    client: Client, make_user: Any, make_note: Any
) -> None:
    author = make_user()
    for i in range(22):
        make_note(author, title=f"Note {i}")
    first = client.get("/").content.decode()
    match = re.search(r'hx-get="(/feed\?[^"]+)"', first)
    assert match
    more = client.get(match.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    body = more.content.decode()
    # the two notes not on the first page, then "You're all caught up" and more: the feed
    # does not end while there are notes to show
    assert body.count("data-card") == 20 and body.count("data-divider") == 1
    assert body.index("data-divider") > body.index("data-card")  # after the unseen two
    assert 'hx-swap-oob="true"' in body and 'id="feed-more"' in body and "hx-get" in body
    assert "HX-Request" in more["Vary"]


def test_topic_chip_filters(client: Client, make_note: Any) -> None:
    make_note(title="Hot pot night", body="#火锅 yes")
    make_note(title="Cat nap", body="#cats")
    html = client.get("/?topic=火锅").content.decode()
    # the topic's notes first; after "You're all caught up", more to discover
    assert "Hot pot night" in html and html.index("Hot pot night") < html.index("data-divider")
    assert html.index("data-divider") < html.index("Cat nap")


def test_new_user_is_sent_to_onboarding(make_user: Any) -> None:
    user = make_user(onboarded=False)
    response = as_user(user).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("web:welcome")


# --- note detail --------------------------------------------------------------------------


def test_note_page_full_and_fragment(client: Client, make_note: Any) -> None:
    note = make_note(title="Two photos", n_images=2)
    page = client.get(f"/notes/{note.pk}")
    assert page.status_code == 200
    assert b"<html" in page.content and b"data-carousel" in page.content
    assert page.content.count(b"data-dot=") == 2
    fragment = client.get(f"/notes/{note.pk}", HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"data-carousel" in fragment.content


def test_note_alt_text_defaults_to_title(client: Client, make_note: Any) -> None:
    note = make_note(title="Harbour lights")
    html = client.get(f"/notes/{note.pk}").content.decode()
    assert 'alt="Photo: Harbour lights"' in html


def test_private_and_draft_notes_are_404_for_others(
    client: Client, make_user: Any, make_note: Any
) -> None:
    author = make_user()
    private = make_note(author, visibility=Note.Visibility.PRIVATE)
    draft = make_note(author, status=Note.Status.DRAFT)
    for note in (private, draft):
        assert client.get(f"/notes/{note.pk}").status_code == 404
        assert as_user(make_user()).get(f"/notes/{note.pk}").status_code == 404
        assert as_user(author).get(f"/notes/{note.pk}").status_code == 200


def test_blocked_viewer_gets_404(make_user: Any, make_note: Any) -> None:
    author, other = make_user(), make_user()
    note = make_note(author)
    accounts_services.block(author, other)
    assert as_user(other).get(f"/notes/{note.pk}").status_code == 404


def test_user_text_is_escaped_and_topics_linked(
    client: Client, make_user: Any, make_note: Any
) -> None:
    author = make_user(display_name="<b>Bold</b>")
    make_user(username="friend_1")
    note = make_note(
        author,
        title="<script>alert(1)</script>",
        body="Hi <img src=x onerror=alert(1)> #火锅 @friend_1",
    )
    html = client.get(f"/notes/{note.pk}").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert 'href="/?topic=火锅"' in html
    assert 'href="/u/friend_1"' in html


def test_csp_header_and_no_inline_script_or_style(client: Client, make_note: Any) -> None:
    note = make_note()
    for url in ("/", f"/notes/{note.pk}", "/login", "/signup", "/search?q=a"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        html = response.content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_every_post_form_has_a_csrf_token(make_user: Any, make_note: Any) -> None:
    user = make_user()
    note = make_note(make_user())
    client = as_user(user)
    for url in (
        "/",
        f"/notes/{note.pk}",
        "/compose",
        "/settings",
        f"/u/{note.author.username}",
        "/notifications",
        "/welcome",
    ):
        html = client.get(url).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
        assert forms, url
        for body in forms:
            assert "csrfmiddlewaretoken" in body, url
        assert '"X-CSRFToken":' in html  # htmx requests carry the token in a header


def test_post_without_csrf_is_rejected(make_user: Any, make_note: Any) -> None:
    user = make_user()
    note = make_note(make_user())
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(f"/notes/{note.pk}/like").status_code == 403
    assert not Like.objects.filter(user=user).exists()


# --- interactions -------------------------------------------------------------------------


def test_like_and_unlike_with_htmx(make_user: Any, make_note: Any) -> None:
    user = make_user()
    note = make_note(make_user())
    client = as_user(user)
    response = client.post(f"/notes/{note.pk}/like", {"size": "small"}, HTTP_HX_REQUEST="true")
    assert b'aria-pressed="true"' in response.content
    note.refresh_from_db()
    assert note.like_count == 1
    client.post(f"/notes/{note.pk}/like", {"action": "unlike"}, HTTP_HX_REQUEST="true")
    note.refresh_from_db()
    assert note.like_count == 0


def test_anonymous_like_goes_to_login(client: Client, make_note: Any) -> None:
    note = make_note()
    response = client.post(f"/notes/{note.pk}/like")
    assert response.status_code == 302 and response["Location"].startswith("/login")
    response = client.post(
        f"/notes/{note.pk}/like", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/"
    )
    assert response["HX-Redirect"].startswith("/login?next=/")


def test_comment_reply_and_comment_like(make_user: Any, make_note: Any) -> None:
    author, fan = make_user(), make_user()
    note = make_note(author)
    client = as_user(fan)
    response = client.post(
        f"/notes/{note.pk}/comments", {"body": "Lovely <3"}, HTTP_HX_REQUEST="true"
    )
    assert b"Lovely &lt;3" in response.content
    comment = Comment.objects.get(note=note)
    as_user(author).post(f"/notes/{note.pk}/comments", {"body": "Thanks!", "parent": comment.pk})
    replies = client.get(
        f"/notes/{note.pk}/comments?parent={comment.pk}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Thanks!" in replies
    response = as_user(author).post(f"/comments/{comment.pk}/like", HTTP_HX_REQUEST="true")
    assert b'aria-pressed="true"' in response.content
    comment.refresh_from_db()
    assert comment.like_count == 1
    as_user(author).post(
        f"/comments/{comment.pk}/like", {"action": "unlike"}, HTTP_HX_REQUEST="true"
    )
    comment.refresh_from_db()
    assert comment.like_count == 0


def test_collect_into_new_board(make_user: Any, make_note: Any) -> None:
    user = make_user()
    note = make_note(make_user())
    client = as_user(user)
    response = client.post(
        f"/notes/{note.pk}/collect", {"new_board": "Weekend"}, HTTP_HX_REQUEST="true"
    )
    assert b"Saved to Weekend" in response.content
    assert f'id="collect-count-{note.pk}" hx-swap-oob="true">1<'.encode() in response.content
    board = Board.objects.get(owner=user)
    page = client.get(f"/boards/{board.pk}").content.decode()
    assert note.title in page


def test_private_board_hidden_from_others(make_user: Any, make_note: Any) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Secret", is_private=True)
    assert Client().get(f"/boards/{board.pk}").status_code == 404
    assert as_user(make_user()).get(f"/boards/{board.pk}").status_code == 404
    assert as_user(owner).get(f"/boards/{board.pk}").status_code == 200


def test_owner_sees_board_controls_others_do_not(make_user: Any, make_note: Any) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Eats")
    note = make_note(make_user(), title="Noodles")
    social.collect(owner, note.pk, board.pk)
    mine = as_user(owner).get(f"/boards/{board.pk}").content.decode()
    assert f"/boards/{board.pk}/edit" in mine and f"/boards/{board.pk}/delete" in mine
    assert f"/boards/{board.pk}/notes/{note.pk}/remove" in mine
    theirs = as_user(make_user()).get(f"/boards/{board.pk}").content.decode()
    assert "Noodles" in theirs
    assert "/edit" not in theirs and "/remove" not in theirs and "Delete board" not in theirs


def test_owner_edits_a_board(make_user: Any) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Eats")
    client = as_user(owner)
    form = client.get(f"/boards/{board.pk}/edit").content.decode()
    assert 'value="Eats"' in form and "csrfmiddlewaretoken" in form
    response = client.post(
        f"/boards/{board.pk}/edit",
        {"name": "Best eats", "description": "Shanghai only", "is_private": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/boards/{board.pk}"
    assert "Board saved." in response.content.decode()
    board.refresh_from_db()
    assert (board.name, board.description, board.is_private) == ("Best eats", "Shanghai only", True)
    client.post(f"/boards/{board.pk}/edit", {"name": "Best eats", "description": ""})
    board.refresh_from_db()
    assert not board.is_private and board.description == ""


@pytest.mark.parametrize(
    "name, message",
    [
        ("   ", "Board names have 1–40 characters."),
        ("x" * 41, "Board names have 1–40 characters."),
        ("Taken", "You already have a board with that name."),
    ],
)
def test_board_edit_errors_keep_what_was_typed(make_user: Any, name: str, message: str) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Eats")
    social.create_board(owner, name="Taken")
    response = as_user(owner).post(
        f"/boards/{board.pk}/edit",
        {"name": name, "description": "Kept <b>text</b>", "is_private": "on"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    assert "Kept &lt;b&gt;text&lt;/b&gt;</textarea>" in html
    assert 'name="is_private" checked' in html
    if name.strip():
        assert f'value="{name}"' in html
    board.refresh_from_db()
    assert board.name == "Eats" and board.description == "" and not board.is_private


def test_owner_deletes_a_board_after_confirming(make_user: Any, make_note: Any) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Eats")
    note = make_note(make_user())
    social.collect(owner, note.pk, board.pk)
    client = as_user(owner)
    confirm = client.get(f"/boards/{board.pk}/delete")
    assert confirm.status_code == 200 and "Delete the board “Eats”?" in confirm.content.decode()
    assert Board.objects.filter(pk=board.pk).exists()
    response = client.post(f"/boards/{board.pk}/delete", follow=True)
    assert response.redirect_chain[-1][0] == f"/u/{owner.username}?tab=boards"
    assert "Board “Eats” deleted." in response.content.decode()
    assert not Board.objects.filter(pk=board.pk).exists()
    note.refresh_from_db()
    assert note.collect_count == 0


def test_owner_removes_a_note_from_a_board(make_user: Any, make_note: Any) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Eats")
    first, second = make_note(make_user()), make_note(make_user())
    social.collect(owner, first.pk, board.pk)
    social.collect(owner, second.pk, board.pk)
    client = as_user(owner)
    response = client.post(f"/boards/{board.pk}/notes/{first.pk}/remove", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="board-count" hx-swap-oob="true">1 note<' in body and "data-card" not in body
    assert "This board is empty." not in body and "HX-Retarget" not in response
    # the last one: the whole list gives way to the empty message at once
    last = client.post(f"/boards/{board.pk}/notes/{second.pk}/remove", HTTP_HX_REQUEST="true")
    body = last.content.decode()
    assert 'id="board-count" hx-swap-oob="true">0 notes<' in body
    assert '<div id="board-items"><div class="empty"><p>This board is empty.' in body
    assert last["HX-Retarget"] == "#board-items" and last["HX-Reswap"] == "outerHTML"
    social.collect(owner, second.pk, board.pk)
    response = client.post(f"/boards/{board.pk}/notes/{second.pk}/remove", follow=True)
    assert response.redirect_chain[-1][0] == f"/boards/{board.pk}"
    assert "Removed from the board." in response.content.decode()
    board.refresh_from_db()
    assert board.item_count == 0 and not board.items.exists()


def test_others_cannot_edit_delete_or_empty_a_board(make_user: Any, make_note: Any) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Eats")
    note = make_note(make_user())
    social.collect(owner, note.pk, board.pk)
    other = as_user(make_user())
    assert other.get(f"/boards/{board.pk}/edit").status_code == 404
    assert other.post(f"/boards/{board.pk}/edit", {"name": "Mine"}).status_code == 404
    assert other.get(f"/boards/{board.pk}/delete").status_code == 404
    assert other.post(f"/boards/{board.pk}/delete").status_code == 404
    assert other.post(f"/boards/{board.pk}/notes/{note.pk}/remove").status_code == 404
    anonymous = Client().post(f"/boards/{board.pk}/delete")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    board.refresh_from_db()
    assert board.name == "Eats" and board.item_count == 1


def test_board_delete_needs_csrf(make_user: Any) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Eats")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(f"/boards/{board.pk}/delete").status_code == 403
    assert Board.objects.filter(pk=board.pk).exists()


def test_compose_publishes_and_keeps_text_on_bad_image(
    make_user: Any, image_bytes: Any, run_tasks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = make_user()
    client = as_user(user)
    bad = SimpleUploadedFile("notes.txt", b"not an image", content_type="image/jpeg")
    response = client.post(
        "/compose",
        {"title": "My typed title", "body": "Typed body", "images": [bad]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "notes.txt" in html and 'role="alert"' in html
    response = client.post(
        "/compose", {"title": "My typed title", "body": "Typed body", "images": [bad]}
    )
    assert response.status_code == 400
    assert 'value="My typed title"' in response.content.decode()
    good = [
        SimpleUploadedFile(f"p{i}.jpg", image_bytes(seed=i), content_type="image/jpeg")
        for i in range(2)
    ]
    response = client.post(
        "/compose",
        {"title": "Two photos", "topics": "cats, 火锅", "images": good, "alt_texts": ["A cat", ""]},
        HTTP_HX_REQUEST="true",
    )
    note = Note.objects.get(title="Two photos")
    assert response["HX-Redirect"] == f"/notes/{note.pk}"
    assert note.images.count() == 2
    assert note.images.first().alt_text == "A cat"
    assert {t.name for t in note.topics.all()} == {"cats", "火锅"}


def test_compose_draft_shows_only_to_author(make_user: Any, image_bytes: Any) -> None:
    user = make_user()
    client = as_user(user)
    client.post("/compose", {"title": "Half done", "status": "draft"})
    note = Note.objects.get(title="Half done")
    assert note.status == Note.Status.DRAFT
    assert "Half done" in client.get(f"/u/{user.username}?tab=drafts").content.decode()
    other = as_user(make_user())
    assert "Half done" not in other.get(f"/u/{user.username}?tab=drafts").content.decode()


# --- profiles, privacy, notifications -----------------------------------------------------


def test_private_profile_hides_notes_boards_likes(make_user: Any, make_note: Any) -> None:
    owner = make_user(is_private=True, chinese_name="李明")
    make_note(owner, title="Private life")
    social.create_board(owner, name="Recipes")
    stranger = as_user(make_user())
    for tab in ("notes", "boards", "likes"):
        html = stranger.get(f"/u/{owner.username}?tab={tab}").content.decode()
        assert "Private life" not in html and "Recipes" not in html
        assert "This account is private." in html
    assert "李明" in stranger.get(f"/u/{owner.username}").content.decode()
    response = stranger.post(f"/u/{owner.username}/follow", HTTP_HX_REQUEST="true")
    assert b"Requested" in response.content


def test_likes_tab_and_follow_button(make_user: Any, make_note: Any) -> None:
    owner, viewer = make_user(), make_user()
    note = make_note(make_user(), title="Liked one")
    social.like_note(owner, note.pk)
    client = as_user(viewer)
    assert "Liked one" in client.get(f"/u/{owner.username}?tab=likes").content.decode()
    response = client.post(f"/u/{owner.username}/follow", HTTP_HX_REQUEST="true")
    assert b"Following" in response.content


def test_block_from_profile_menu(make_user: Any, make_note: Any) -> None:
    user, other = make_user(), make_user()
    make_note(other, title="Their note")
    client = as_user(user)
    assert client.post(f"/u/{other.username}/block").status_code == 302
    assert "Their note" not in client.get("/").content.decode()
    assert other.username in client.get("/settings").content.decode()
    client.post(f"/settings/unblock/{other.username}")
    assert "Their note" in client.get("/").content.decode()


def test_notifications_grouped_and_marked_read(make_user: Any, make_note: Any) -> None:
    author = make_user()
    note = make_note(author, title="Popular")
    fans = [make_user(display_name=f"Fan{i}") for i in range(3)]
    for fan in fans:
        social.like_note(fan, note.pk)
    social.add_comment(fans[0], note.pk, "So good")
    client = as_user(author)
    html = client.get("/notifications").content.decode()
    assert html.count('class="notif is-unread"') == 2  # three likes fold into one row
    assert "and 2 others" in html and "So good" in html
    assert not Notification.objects.filter(recipient=author, read_at__isnull=True).exists()
    assert 'class="notif is-unread"' not in client.get("/notifications").content.decode()


def test_notifications_need_login(client: Client) -> None:
    response = client.get("/notifications")
    assert response.status_code == 302 and response["Location"].startswith("/login")


# --- accounts -----------------------------------------------------------------------------


def test_signup_logs_in_and_goes_to_onboarding(client: Client) -> None:
    response = client.post(
        "/signup", {"username": "newbie", "email": "n@example.com", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/welcome"
    response = client.post(
        "/welcome", {"ui_language": "en", "read_languages": ["en"], "interests": ["food", "pets"]}
    )
    assert response.status_code == 400 and b"at least three" in response.content
    response = client.post(
        "/welcome",
        {
            "ui_language": "zh-hans",
            "read_languages": ["en", "zh"],
            "interests": ["food", "pets", "travel"],
        },
    )
    assert response.status_code == 302
    from qiao.accounts.models import User

    user = User.objects.get(username="newbie")
    assert user.onboarded and user.interests == ["food", "pets", "travel"]
    assert client.session["ui_language"] == "zh-hans"


def test_signup_errors_keep_values(client: Client, make_user: Any) -> None:
    make_user(username="taken")
    response = client.post(
        "/signup", {"username": "taken", "email": "x@example.com", "password": "short"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'value="x@example.com"' in html
    assert "That username is taken." in html


def test_login_sets_ui_language_and_logout(client: Client, make_user: Any) -> None:
    user = make_user(ui_language="zh-hans")
    response = client.post(
        "/login",
        {"login": user.username, "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in html and "发现" in html
    client.post("/logout")
    assert "_auth_user_id" not in client.session


def test_login_wrong_password(client: Client, make_user: Any) -> None:
    user = make_user()
    response = client.post("/login", {"login": user.username, "password": "nope"})
    assert response.status_code == 400 and b"Wrong username or password." in response.content


def test_accept_language_picks_chinese(client: Client) -> None:
    html = client.get("/login", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "登录" in html
    html = client.get("/login", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Log in" in html


def test_language_switch_for_anonymous_and_user(client: Client, make_user: Any) -> None:
    client.post("/language", {"language": "zh-hans", "next": "/login"})
    assert "登录" in client.get("/login").content.decode()
    user = make_user()
    member = as_user(user)
    member.post("/settings/preferences", {"ui_language": "zh-hans", "read_languages": ["en"]})
    user.refresh_from_db()
    assert user.ui_language == "zh-hans"
    assert "设置" in member.get("/settings").content.decode()


def test_settings_profile_and_privacy(make_user: Any) -> None:
    user = make_user()
    client = as_user(user)
    client.post("/settings/profile", {"display_name": "Mei", "chinese_name": "梅", "bio": "Hello"})
    client.post(
        "/settings/preferences",
        {"ui_language": "en", "read_languages": ["en", "zh"], "is_private": "on"},
    )
    user.refresh_from_db()
    assert (user.display_name, user.chinese_name, user.is_private) == ("Mei", "梅", True)
    assert user.read_languages == ["en", "zh"]


def test_settings_avatar_rejects_non_image(make_user: Any, image_bytes: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = make_user()
    client = as_user(user)
    bad = SimpleUploadedFile("a.png", b"nope", content_type="image/png")
    assert client.post("/settings/avatar", {"avatar": bad}).status_code == 400
    good = SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")
    assert client.post("/settings/avatar", {"avatar": good}).status_code == 302
    user.refresh_from_db()
    assert user.avatar


def test_delete_account_needs_password(make_user: Any) -> None:
    from qiao.accounts.models import User

    user = make_user()
    client = as_user(user)
    assert client.post("/settings/delete", {"password": "wrong"}).status_code == 400
    assert User.objects.filter(pk=user.pk).exists()
    assert client.post("/settings/delete", {"password": TEST_PASSWORD}).status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


# --- search -------------------------------------------------------------------------------


def test_search_notes_users_topics(client: Client, make_user: Any, make_note: Any) -> None:
    author = make_user(username="noodle_fan", display_name="Noodle Fan", chinese_name="面条")
    make_note(author, title="Beef noodles", body="Best in town #lanzhou")
    hidden = make_note(author, title="Hidden", visibility=Note.Visibility.PRIVATE)
    html = client.get("/search?q=noodles").content.decode()
    assert "Beef noodles" in html
    assert f"/notes/{hidden.pk}" not in client.get("/search?q=Hidden").content.decode()
    assert "noodle_fan" in client.get("/search?q=面条&kind=users").content.decode()
    assert "#lanzhou" in client.get("/search?q=lanz&kind=topics").content.decode()


def test_report_a_note_and_an_account(make_user: Any, make_note: Any) -> None:
    from qiao.moderation.models import Report

    author, reader = make_user(), make_user()
    note = make_note(author)
    client = as_user(reader)
    page = client.get(f"/notes/{note.pk}").content.decode()
    assert f"/report/note/{note.pk}" in page
    assert client.get(f"/report/note/{note.pk}").status_code == 200
    assert client.post(f"/report/note/{note.pk}", {}).status_code == 400
    response = client.post(f"/report/note/{note.pk}", {"reason": "spam", "details": "ads"})
    assert b"Thank you" in response.content
    client.post(f"/report/user/{author.pk}", {"reason": "harassment"})
    assert Report.objects.filter(reporter=reader).count() == 2
    assert Client().get(f"/report/note/{note.pk}").status_code == 302  # log in first


def test_new_comment_updates_the_count_out_of_band(make_user: Any, make_note: Any) -> None:
    note = make_note(make_user())
    response = as_user(make_user()).post(
        f"/notes/{note.pk}/comments", {"body": "First!"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert f'id="comments-h-{note.pk}"' in html and 'hx-swap-oob="true"' in html
    assert "1 comment<" in html


def test_edit_and_publish_a_draft(make_user: Any) -> None:
    user = make_user()
    client = as_user(user)
    client.post("/compose", {"title": "Later", "status": "draft"})
    note = Note.objects.get(title="Later")
    assert client.get(f"/notes/{note.pk}/edit").status_code == 200
    assert as_user(make_user()).get(f"/notes/{note.pk}/edit").status_code == 404
    response = client.post(f"/notes/{note.pk}/edit", {"title": "Now", "status": "published"})
    assert response.status_code == 400  # a published note needs a photo
    assert "Add at least one photo or a video." in response.content.decode()
    client.post(f"/notes/{note.pk}/edit", {"title": "Renamed draft"})
    note.refresh_from_db()
    assert note.title == "Renamed draft" and note.status == Note.Status.DRAFT


def test_board_tiles_show_a_visible_cover(make_user: Any, make_note: Any) -> None:
    owner = make_user()
    board = social.create_board(owner, name="Eats")
    public = make_note(make_user(), title="Public bite")
    social.collect(owner, public.pk, board.pk)
    html = Client().get(f"/u/{owner.username}?tab=boards").content.decode()
    assert "board-cover" in html and "Photo: Public bite" in html
    hidden_author = make_user()
    hidden = make_note(hidden_author, title="Later private")
    social.collect(owner, hidden.pk, board.pk)
    Note.objects.filter(pk=hidden.pk).update(visibility=Note.Visibility.PRIVATE)
    html = Client().get(f"/u/{owner.username}?tab=boards").content.decode()
    assert "Later private" not in html and "Photo: Public bite" in html


def test_follow_request_approve_from_notifications(make_user: Any, make_note: Any) -> None:
    owner, fan = make_user(is_private=True), make_user(display_name="Fan")
    make_note(owner, title="Behind the lock")
    as_user(fan).post(f"/u/{owner.username}/follow")
    client = as_user(owner)
    html = client.get("/notifications").content.decode()
    assert "Follow requests" in html and f"/follow-requests/{fan.username}" in html
    client.post(f"/follow-requests/{fan.username}", {"action": "approve"})
    assert "Behind the lock" in as_user(fan).get(f"/u/{owner.username}").content.decode()


def test_writes_on_hidden_notes_are_404(make_user: Any, make_note: Any) -> None:
    note = make_note(make_user(), visibility=Note.Visibility.PRIVATE)
    client = as_user(make_user())
    assert client.post(f"/notes/{note.pk}/like").status_code == 404
    assert client.post(f"/notes/{note.pk}/comments", {"body": "hi"}).status_code == 404
    assert client.get(f"/notes/{note.pk}/collect").status_code == 404
    assert client.get(f"/notes/{note.pk}", HTTP_HX_REQUEST="true").status_code == 404
    assert not Comment.objects.filter(note=note).exists()


def test_language_switch_refuses_foreign_redirects(client: Client) -> None:
    response = client.post("/language", {"language": "en", "next": "https://evil.example/x"})
    assert response["Location"] == "/"
    response = client.post("/language", {"language": "xx", "next": "/search"})
    assert response["Location"] == "/search"


def test_see_translation_of_a_note_in_another_language(
    make_user: Any, make_note: Any, libre: Any
) -> None:
    note = make_note(make_user(), title="我喜欢火锅", body="火锅好吃")
    note.refresh_from_db()
    reader = make_user(read_languages=["en"])
    client = as_user(reader)
    page = client.get(f"/notes/{note.pk}").content.decode()
    assert f"/notes/{note.pk}/translation" in page and ">Translate<" in page
    html = client.get(f"/notes/{note.pk}/translation", HTTP_HX_REQUEST="true").content.decode()
    assert "hot pot" in html and "Translated from Chinese" in html and "Show original" in html
    zh_reader = as_user(make_user(read_languages=["zh"]))
    assert ">Translate<" not in zh_reader.get(f"/notes/{note.pk}").content.decode()


def test_see_translation_of_a_comment(make_user: Any, make_note: Any, libre: Any) -> None:
    note = make_note(make_user(), title="Hot pot night", body="So good")
    comment = social.add_comment(make_user(), note.pk, "我喜欢猫")
    comment.refresh_from_db()
    client = as_user(make_user(read_languages=["en"]))
    page = client.get(f"/notes/{note.pk}").content.decode()
    assert f"/comments/{comment.pk}/translation" in page
    html = client.get(
        f"/comments/{comment.pk}/translation", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "cat" in html and "Translated from Chinese" in html

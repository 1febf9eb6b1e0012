"""Readers' suggested fixes (issue 13): suggest, accept / decline / withdraw, what every
reader then sees, glossary candidates, reports, rate limits — and who may do each, on both
edges (the cast: `author`, `reader`, `stranger`, `moderator`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qiao.accounts import services as accounts
from qiao.core.errors import Forbidden, Invalid, NotFound, RateLimited
from qiao.fixes import services
from qiao.fixes.models import SuggestedFix
from qiao.moderation import services as moderation
from qiao.notes import services as notes
from qiao.social import services as social
from qiao.social.models import Notification
from qiao.translation import services as translation
from qiao.translation.models import GlossaryTerm, NoteVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_user: Any) -> Any:
    from django.contrib.auth.models import Group

    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def cast(make_user: Any, make_note: Any, libre: Any) -> dict[str, Any]:
    author = make_user(display_name="小林", read_languages=["zh"])
    note = make_note(author, title="我喜欢猫", body="周末去吃了螺蛳粉，太上头了")
    reader = make_user(display_name="Sam", read_languages=["en"])
    comment = social.add_comment(make_user(read_languages=["zh"]), note.pk, "真的绝绝子")
    comment.refresh_from_db()
    return {
        "author": author,
        "note": note,
        "reader": reader,
        "comment": comment,
        "stranger": make_user(read_languages=["en"]),
    }


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _suggest(c: dict[str, Any], who: str = "reader", **kw: Any) -> SuggestedFix:
    values = {
        "language": "en",
        "title": "I adore cats",
        "body": "Went for river snail noodles at the weekend, so addictive",
        **kw,
    }
    return services.suggest_note_fix(c[who], c["note"].pk, **values)


def test_an_accepted_fix_replaces_the_machine_translation_for_everyone(
    cast: Any, api_as: Any
) -> None:
    c = cast
    machine = NoteVersion.objects.get(note=c["note"], language="en")
    assert machine.is_machine
    fix = _suggest(c, reason="绝绝子 is praise")
    assert fix.status == "pending" and fix.machine_title == machine.title
    assert Notification.objects.filter(recipient=c["author"], kind="fix_suggested").exists()
    # before the author decides, readers still see the machine translation
    r = api_as(c["stranger"]).get(f"/notes/{c['note'].pk}/translation", target="en")
    assert r.json()["engine"] != "community"
    accepted = services.accept_fix(c["author"], fix.pk)
    assert accepted.status == "accepted"
    r = api_as(c["stranger"]).get(f"/notes/{c['note'].pk}/translation", target="en")
    body = r.json()
    assert body["title"] == "I adore cats" and body["community"] is True
    assert body["suggested_by"] == c["reader"].username
    html = as_user(c["stranger"]).get(f"/notes/{c['note'].pk}/translation").content.decode()
    assert "Improved by the community · suggested by Sam" in html
    assert Notification.objects.filter(recipient=c["reader"], kind="fix_accepted").exists()
    # the words the reader changed are offered to moderators: the machine said "like"
    # (喜欢, "to like"), the reader wrote "adore"
    candidate = GlossaryTerm.objects.get(status="candidate", source="community", zh="喜欢")
    assert candidate.en == "adore" and candidate.suggested_by == c["reader"]
    assert "I adore cats" in candidate.context
    # the author edits the note: the fix translated the old text and goes
    notes.update_note(c["author"], c["note"].pk, body="周末去吃了螺蛳粉")
    assert not NoteVersion.objects.filter(note=c["note"], engine="community").exists()


def test_a_comment_fix(cast: Any, api_as: Any) -> None:
    c = cast
    comment = c["comment"]
    r = api_as(c["reader"]).post(
        f"/comments/{comment.pk}/fixes", {"language": "en", "text": "Truly amazing"}
    )
    assert r.status_code == 201, r.content
    fix_id = r.json()["id"]
    # the note's author is not the comment's: not theirs to see or decide
    assert api_as(c["author"]).post(f"/fixes/{fix_id}/accept").status_code == 404
    assert api_as(comment.author).get("/fixes").json()["items"][0]["id"] == fix_id
    assert api_as(comment.author).post(f"/fixes/{fix_id}/accept").json()["status"] == "accepted"
    r = api_as(c["stranger"]).get(f"/comments/{comment.pk}/translation", target="en")
    assert r.json()["text"] == "Truly amazing" and r.json()["engine"] == "community"
    assert r.json()["suggested_by"] == c["reader"].username
    html = as_user(c["stranger"]).get(f"/comments/{comment.pk}/translation").content.decode()
    assert "Improved by the community" in html and "Truly amazing" in html


def test_the_suggest_pages(cast: Any) -> None:
    c = cast
    reader = as_user(c["reader"])
    html = reader.get(f"/notes/{c['note'].pk}/translation").content.decode()
    assert f"/notes/{c['note'].pk}/suggest?lang=en" in html
    form = reader.get(f"/notes/{c['note'].pk}/suggest?lang=en")
    assert form.status_code == 200 and "What readers see now" in form.content.decode()
    r = reader.post(
        f"/notes/{c['note'].pk}/suggest?lang=en", {"title": "I adore cats", "body": "So addictive"}
    )
    assert r.status_code == 302
    unchanged = reader.post(
        f"/notes/{c['note'].pk}/suggest?lang=en",
        {"title": "I adore cats", "body": "So addictive", "reason": ""},
    )
    assert unchanged.status_code == 302  # the same reader's pending one is replaced
    assert SuggestedFix.objects.filter(suggester=c["reader"]).count() == 1
    # the author's review page: accept from the page
    author = as_user(c["author"])
    page = author.get("/fixes").content.decode()
    assert "I adore cats" in page and "Accept" in page
    fix = SuggestedFix.objects.get()
    author.post(f"/fixes/{fix.pk}", {"action": "accept"})
    assert SuggestedFix.objects.get().status == "accepted"
    assert "Accepted" in reader.get("/fixes?box=sent").content.decode()
    # the comment's suggest page
    form = reader.get(f"/comments/{c['comment'].pk}/suggest?lang=en")
    assert form.status_code == 200 and "真的绝绝子" in form.content.decode()


def test_who_may_suggest(cast: Any, make_user: Any) -> None:
    c = cast
    with pytest.raises(Forbidden):  # the author writes their own version instead
        services.suggest_note_fix(c["author"], c["note"].pk, language="en", title="x", body="y")
    with pytest.raises(Invalid):  # unchanged
        current = translation.current_version(c["note"], "en")
        assert current is not None
        services.suggest_note_fix(
            c["reader"], c["note"].pk, language="en", title=current.title, body=current.body
        )
    with pytest.raises(Invalid):  # the note is Chinese: no Chinese translation to fix
        _suggest(c, language="zh")
    # blocks hide both ways: neither side may suggest on the other's content
    accounts.block(c["author"], c["reader"])
    with pytest.raises(NotFound):
        _suggest(c)
    with pytest.raises(NotFound):
        services.suggest_comment_fix(c["reader"], c["comment"].pk, language="en", text="x")
    blocked_by_reader = make_user(read_languages=["en"])
    accounts.block(blocked_by_reader, c["comment"].author)
    with pytest.raises(NotFound):
        services.suggest_comment_fix(
            blocked_by_reader, c["comment"].pk, language="en", text="Amazing"
        )


def test_hidden_content_cannot_be_targeted(
    cast: Any, make_user: Any, make_note: Any, moderator: Any
) -> None:
    c = cast
    private = make_note(c["author"], title="我的秘密", body="只给朋友看", visibility="followers")
    with pytest.raises(NotFound):
        services.suggest_note_fix(c["reader"], private.pk, language="en", title="x", body="y")
    social.delete_comment(c["comment"].author, c["comment"].pk)
    with pytest.raises(NotFound):
        services.suggest_comment_fix(c["reader"], c["comment"].pk, language="en", text="x")
    fix = _suggest(c)
    from qiao.moderation.models import Report

    report = moderation.report(c["stranger"], kind="note", target_id=c["note"].pk, reason="spam")
    moderation.resolve(moderator, report.pk, action="remove")
    assert Report.objects.get(pk=report.pk).status == "actioned"
    with pytest.raises(NotFound):
        _suggest(c)
    with pytest.raises(NotFound):  # the author cannot reach it through the removed note
        services.accept_fix(c["reader"], fix.pk)


def test_who_may_decide(cast: Any, moderator: Any, api_as: Any) -> None:
    c = cast
    fix = _suggest(c)
    for who in ("reader", "stranger"):
        with pytest.raises((Forbidden, NotFound)):
            services.accept_fix(c[who], fix.pk)
    assert api_as(c["stranger"]).get(f"/fixes/{fix.pk}").status_code == 404  # not theirs
    assert api_as(c["reader"]).get(f"/fixes/{fix.pk}").status_code == 200
    assert services.decline_fix(c["author"], fix.pk).status == "declined"
    with pytest.raises(Invalid):
        services.accept_fix(c["author"], fix.pk)
    again = _suggest(c, title="A moderator can accept it")
    assert services.accept_fix(moderator, again.pk).status == "accepted"
    # once accepted, every reader of the note may see (and report) it
    assert api_as(c["stranger"]).get(f"/fixes/{again.pk}").status_code == 200
    # the suggester withdraws a pending one; nobody else may
    third = _suggest(c, title="Third try")
    assert api_as(c["stranger"]).delete(f"/fixes/{third.pk}").status_code == 404
    assert api_as(c["reader"]).delete(f"/fixes/{third.pk}").status_code == 204
    assert SuggestedFix.objects.get(pk=third.pk).status == "withdrawn"


def test_a_block_drops_pending_suggestions(cast: Any) -> None:
    c = cast
    fix = _suggest(c)
    accounts.block(c["reader"], c["author"])
    assert not SuggestedFix.objects.filter(pk=fix.pk).exists()


def test_a_reported_fix_is_removed_and_the_machine_translation_returns(
    cast: Any, moderator: Any, api_as: Any
) -> None:
    c = cast
    fix = services.accept_fix(c["author"], _suggest(c, title="Buy followers at spam.example").pk)
    r = api_as(c["stranger"]).post(
        "/reports", {"kind": "fix", "target_id": fix.pk, "reason": "spam"}
    )
    assert r.status_code == 201
    assert (
        api_as(c["reader"])
        .post("/reports", {"kind": "fix", "target_id": fix.pk, "reason": "spam"})
        .status_code
        == 400
    )
    moderation.resolve(moderator, r.json()["id"], action="remove")
    assert SuggestedFix.objects.get(pk=fix.pk).status == "removed"
    assert not NoteVersion.objects.filter(note=c["note"], engine="community").exists()
    r = api_as(c["stranger"]).get(f"/notes/{c['note'].pk}/translation", target="en")
    assert r.json()["engine"] != "community" and "spam" not in r.json()["title"]


def test_suggestions_are_rate_limited(cast: Any, settings: Any) -> None:
    c = cast
    settings.QIAO_RATE_LIMITS_ENABLED = True
    settings.QIAO_RATE_LIMITS = {**settings.QIAO_RATE_LIMITS, "suggest": "2/3600"}
    _suggest(c, title="One")
    _suggest(c, title="Two")
    with pytest.raises(RateLimited):
        _suggest(c, title="Three")

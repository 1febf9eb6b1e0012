"""Reporting, automatic hiding, the moderator's actions and the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from qiao.core.errors import Forbidden
from qiao.moderation import services
from qiao.moderation.models import AuditLog, Report
from qiao.notes.models import Note
from qiao.social.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_user: Any) -> Any:
    from django.contrib.auth.models import Group

    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return type(user).objects.get(pk=user.pk)  # reload: permissions are cached


def test_report_note_is_idempotent_and_validated(
    make_user: Any, make_note: Any, api_as: Any, api: Any
) -> None:
    note = make_note()
    client = api_as(make_user())
    body = {"kind": "note", "target_id": note.pk, "reason": "spam", "details": "buy followers"}
    first = client.post("/reports", body)
    assert first.status_code == 201 and first.json()["status"] == "open"
    assert client.post("/reports", body).json()["id"] == first.json()["id"]
    assert client.post("/reports", {**body, "reason": "because"}).status_code == 400
    assert client.post("/reports", {**body, "target_id": 999999}).status_code == 404
    assert api.post("/reports", body).status_code == 401
    assert api_as(note.author).post("/reports", body).status_code == 400


def _established(make_user: Any, make_note: Any) -> Any:
    """A member of two months who has posted: a reporter with full standing."""
    from datetime import timedelta

    from django.utils import timezone

    user = make_user(date_joined=timezone.now() - timedelta(days=60))
    make_note(user)
    user.refresh_from_db()
    return user


def test_enough_reporters_hide_a_note_until_reviewed(
    make_user: Any, make_note: Any, settings: Any, api: Any, moderator: Any
) -> None:
    settings.QIAO_AUTO_HIDE_WEIGHT = 3
    note = make_note()
    reports = [
        services.report(
            _established(make_user, make_note), kind="note", target_id=note.pk, reason="spam"
        )
        for _ in range(3)
    ]
    assert Note.objects.get(pk=note.pk).is_removed
    assert api.get(f"/notes/{note.pk}").status_code == 404
    assert AuditLog.objects.filter(action="auto_hide", target_id=note.pk).exists()
    services.resolve(moderator, reports[0].pk, action="restore", reason="not spam")
    assert not Note.objects.get(pk=note.pk).is_removed
    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}


def test_moderator_removes_comment_and_suspends_account(
    make_user: Any, make_note: Any, moderator: Any, api: Any
) -> None:
    note = make_note()
    troll = make_user()
    comment = Comment.objects.create(note=note, author=troll, body="rude")
    r1 = services.report(make_user(), kind="comment", target_id=comment.pk, reason="harassment")
    services.resolve(moderator, r1.pk, action="remove")
    assert Comment.objects.get(pk=comment.pk).is_removed
    assert api.get(f"/notes/{note.pk}/comments").json()["items"] == []
    trolls_note = make_note(troll)
    r2 = services.report(make_user(), kind="user", target_id=troll.pk, reason="spam")
    services.resolve(moderator, r2.pk, action="remove", reason="spam account")
    troll.refresh_from_db()
    assert not troll.is_active
    assert api.get(f"/notes/{trolls_note.pk}").status_code == 404
    log = list(AuditLog.objects.order_by("id").values_list("action", "kind"))
    assert log == [("remove", "comment"), ("remove", "user")]


def test_only_moderators_resolve(make_user: Any, make_note: Any) -> None:
    note = make_note()
    row = services.report(make_user(), kind="note", target_id=note.pk, reason="spam")
    with pytest.raises(Forbidden):
        services.resolve(make_user(is_staff=True), row.pk, action="remove")


def test_admin_queue_page(client: Any, moderator: Any, make_user: Any, make_note: Any) -> None:
    note = make_note(title="Cheap watches!!!")
    services.report(make_user(), kind="note", target_id=note.pk, reason="spam")
    client.force_login(moderator)
    r = client.get("/admin/moderation/report/?status__exact=open")
    assert r.status_code == 200 and "Cheap watches" in r.content.decode()
    row = Report.objects.get()
    r = client.post(
        "/admin/moderation/report/", {"action": "action_remove", "_selected_action": [row.pk]}
    )
    assert r.status_code == 302
    assert Note.objects.get(pk=note.pk).is_removed

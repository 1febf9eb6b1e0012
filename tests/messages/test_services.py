"""Direct messages through the services: who may start, continue and see a conversation
(requests, private accounts, blocks, people who left or were removed), and what each action
leaves in the conversation and in the members' event logs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from qiao.accounts import services as accounts
from qiao.core.errors import Forbidden, Invalid, NotFound
from qiao.messages import access, read, services
from qiao.messages.models import Member, Message
from qiao.moderation import services as moderation
from qiao.moderation.models import Report

pytestmark = pytest.mark.django_db


def dm(a: Any, b: Any) -> int:
    return services.start_conversation(a, [b.username]).pk


# --- starting, requests ---------------------------------------------------------------------


def test_mutual_followers_land_in_each_others_inbox(people: dict[str, Any]) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    services.send_message(ann, cid, body="Hello Bo 👋")
    rows, _n = read.conversation_rows(bo, "inbox")
    assert [r.conversation.pk for r in rows] == [cid]
    assert rows[0].unread == 1
    assert read.conversation_rows(bo, "requests")[0] == []
    assert access.unread_totals(bo) == {"messages": 1, "requests": 0}


def test_one_conversation_per_pair_whoever_starts(people: dict[str, Any]) -> None:
    assert dm(people["ann"], people["bo"]) == dm(people["bo"], people["ann"])


@pytest.mark.parametrize("relation", ["none", "only_sender_follows", "only_recipient_follows"])
def test_without_mutual_follow_it_is_a_request(people: dict[str, Any], relation: str) -> None:
    sender, recipient = people["stranger"], people["ann"]
    if relation == "only_sender_follows":
        accounts.follow(sender, recipient)
    elif relation == "only_recipient_follows":
        accounts.follow(recipient, sender)
    cid = dm(sender, recipient)
    services.send_message(sender, cid, body="hi, loved your note")
    assert read.conversation_rows(recipient, "inbox")[0] == []
    requests, _n = read.conversation_rows(recipient, "requests")
    assert [r.conversation.pk for r in requests] == [cid]
    assert access.unread_totals(recipient) == {"messages": 0, "requests": 1}
    # The sender sees it in their own inbox, marked as waiting.
    assert read.conversation_view(sender, cid).waiting


def test_a_request_keeps_receipts_and_typing_from_the_sender(
    people: dict[str, Any], events: Any
) -> None:
    sender, recipient = people["stranger"], people["ann"]
    cid = dm(sender, recipient)
    m = services.send_message(sender, cid, body="hello?")
    services.mark_read(recipient, cid)
    services.typing(recipient, cid)
    assert not [k for k, _d in events(sender) if k == "read"]
    view = read.conversation_view(sender, cid)
    assert view.messages[-1].id == m.pk and view.messages[-1].seen == ""


def test_requests_are_capped_until_accepted_then_flow(
    people: dict[str, Any], settings: Any
) -> None:
    settings.QIAO_DM_REQUEST_MESSAGES = 2
    sender, recipient = people["stranger"], people["ann"]
    cid = dm(sender, recipient)
    services.send_message(sender, cid, body="one")
    services.send_message(sender, cid, body="two")
    with pytest.raises(Forbidden) as exc:
        services.send_message(sender, cid, body="three")
    assert exc.value.code == "request_pending"
    services.accept_request(recipient, cid)
    services.send_message(sender, cid, body="three")
    assert Member.objects.get(conversation_id=cid, user=recipient).state == "active"


def test_replying_to_a_request_accepts_it(people: dict[str, Any]) -> None:
    sender, recipient = people["stranger"], people["ann"]
    cid = dm(sender, recipient)
    services.send_message(sender, cid, body="hi")
    services.send_message(recipient, cid, body="hello!")
    assert [r.conversation.pk for r in read.conversation_rows(recipient, "inbox")[0]] == [cid]


def test_declined_request_vanishes_for_the_recipient_only(people: dict[str, Any]) -> None:
    sender, recipient = people["stranger"], people["ann"]
    cid = dm(sender, recipient)
    services.send_message(sender, cid, body="buy followers cheap")
    services.decline_request(recipient, cid)
    with pytest.raises(NotFound):
        access.membership(recipient, cid)
    assert access.unread_totals(recipient) == {"messages": 0, "requests": 0}
    assert read.conversation_view(sender, cid).messages  # the sender is not told


def test_a_private_account_is_reached_only_as_a_request(people: dict[str, Any]) -> None:
    pat, stranger = people["private"], people["stranger"]
    accounts.follow(stranger, pat)  # pending: private accounts approve
    cid = dm(stranger, pat)
    services.send_message(stranger, cid, body="hi")
    assert [r.conversation.pk for r in read.conversation_rows(pat, "requests")[0]] == [cid]
    # Nothing of the private account's content comes with the conversation.
    assert read.conversation_view(stranger, cid).others == [pat]


def test_nobody_messages_themselves_or_unknown_people(people: dict[str, Any]) -> None:
    with pytest.raises(Invalid):
        services.start_conversation(people["ann"], ["ann"])
    with pytest.raises(NotFound):
        services.start_conversation(people["ann"], ["nobody_here"])


# --- strangers see nothing --------------------------------------------------------------------


def test_outsiders_cannot_read_write_or_find_a_conversation(people: dict[str, Any]) -> None:
    cid = dm(people["ann"], people["bo"])
    m = services.send_message(people["ann"], cid, body="private words")
    outsider = people["stranger"]
    for call in (
        lambda: read.conversation_view(outsider, cid),
        lambda: services.send_message(outsider, cid, body="x"),
        lambda: services.mark_read(outsider, cid),
        lambda: services.typing(outsider, cid),
        lambda: access.get_message_for(outsider, m.pk),
        lambda: services.unsend(outsider, m.pk),
        lambda: services.delete_for_me(outsider, m.pk),
        lambda: read.search(outsider, cid, "private"),
        lambda: services.report(outsider, message_id=m.pk, reason="spam"),
    ):
        with pytest.raises(NotFound):
            call()


# --- blocks -------------------------------------------------------------------------------------


def test_a_block_hides_the_conversation_both_ways(people: dict[str, Any], events: Any) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    services.send_message(ann, cid, body="hi")
    accounts.block(bo, ann)
    for who in (ann, bo):
        with pytest.raises(NotFound):
            read.conversation_view(who, cid)
        with pytest.raises(NotFound):
            services.send_message(who, cid, body="still there?")
        assert read.conversation_rows(who, "inbox")[0] == []
        assert ("conversation", {"conversation": cid, "change": "gone"}) in events(who)
    assert access.unread_totals(bo)["messages"] == 0
    with pytest.raises(NotFound):
        services.start_conversation(ann, [bo.username])
    accounts.unblock(bo, ann)
    assert read.conversation_view(ann, cid).messages


def test_blocking_from_the_conversation_is_one_action(people: dict[str, Any]) -> None:
    cid = dm(people["ann"], people["bo"])
    assert services.block_from_conversation(people["bo"], cid) == people["ann"]
    with pytest.raises(NotFound):
        read.conversation_view(people["bo"], cid)


def test_in_a_group_a_block_hides_each_others_messages(
    make_user: Any, people: dict[str, Any]
) -> None:
    ann, bo, cy = people["ann"], people["bo"], make_user(username="cy")
    conv = services.start_conversation(ann, ["bo", "cy"], title="Chengdu trip")
    services.accept_request(bo, conv.pk)
    services.accept_request(cy, conv.pk)
    services.send_message(bo, conv.pk, body="from bo")
    services.send_message(cy, conv.pk, body="from cy")
    accounts.block(cy, bo)
    texts_for_cy = [v.text for v in read.conversation_view(cy, conv.pk).messages if v.text]
    assert texts_for_cy == ["from cy"]
    assert "from bo" in [v.text for v in read.conversation_view(ann, conv.pk).messages]
    dora = make_user(username="dora")
    accounts.block(dora, ann)
    with pytest.raises(NotFound):
        services.add_members(ann, conv.pk, ["dora"])


# --- groups: left and removed members -----------------------------------------------------------


def test_group_limits_leave_and_remove(make_user: Any, people: dict[str, Any]) -> None:
    ann = people["ann"]
    many = [make_user(username=f"p{i}").username for i in range(20)]
    with pytest.raises(Invalid):
        services.start_conversation(ann, many)
    conv = services.start_conversation(ann, ["bo", "stranger"])
    services.accept_request(people["stranger"], conv.pk)
    services.leave(people["bo"], conv.pk)
    with pytest.raises(NotFound):
        read.conversation_view(people["bo"], conv.pk)
    with pytest.raises(NotFound):
        services.send_message(people["bo"], conv.pk, body="back?")
    with pytest.raises(Forbidden):
        services.remove_member(people["stranger"], conv.pk, "ann")  # not an admin
    services.remove_member(ann, conv.pk, "stranger")
    with pytest.raises(NotFound):
        read.conversation_view(people["stranger"], conv.pk)
    systems = [v.system for v in read.conversation_view(ann, conv.pk).messages if v.system]
    assert len(systems) == 3  # created, left, removed


def test_new_group_members_see_only_what_comes_after_they_join(people: dict[str, Any]) -> None:
    ann = people["ann"]
    conv = services.start_conversation(ann, ["bo", "stranger"])
    services.send_message(ann, conv.pk, body="before you came")
    services.remove_member(ann, conv.pk, "stranger")
    services.add_members(ann, conv.pk, ["stranger"])
    services.send_message(ann, conv.pk, body="welcome back")
    texts = [v.text for v in read.conversation_view(people["stranger"], conv.pk).messages]
    assert "before you came" not in texts and "welcome back" in texts


# --- messages -----------------------------------------------------------------------------------


def test_reply_unsend_and_delete_for_me(people: dict[str, Any], clock: Any, settings: Any) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    first = services.send_message(ann, cid, body="火锅 tonight?")
    reply = services.send_message(bo, cid, body="好呀", reply_to_id=first.pk)
    view = read.message_view(ann, reply.pk)
    assert view.reply_id == first.pk and "火锅" in view.reply_text
    with pytest.raises(Forbidden):
        services.unsend(bo, first.pk)  # not theirs
    services.unsend(ann, first.pk)
    for who in (ann, bo):
        v = read.message_view(who, first.pk)
        assert v.text == "" and v.tombstone
    assert read.message_view(bo, reply.pk).reply_text != "火锅 tonight?"
    services.delete_for_me(bo, reply.pk)
    with pytest.raises(NotFound):
        read.message_view(bo, reply.pk)
    assert read.message_view(ann, reply.pk).text == "好呀"
    late = services.send_message(ann, cid, body="too late to take back")
    Message.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.QIAO_DM_UNSEND_SECONDS + 1)
    )
    with pytest.raises(Forbidden):
        services.unsend(ann, late.pk)


def test_shared_note_card_only_for_a_recipient_who_may_see_it(
    people: dict[str, Any], make_note: Any
) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    public = make_note(ann, title="Public hot pot")
    services.send_message(ann, cid, note_id=public.pk)
    assert read.conversation_view(bo, cid).messages[-1].note is not None
    secret = make_note(ann, title="Only me", visibility="private")
    services.send_message(ann, cid, note_id=secret.pk)  # ann may see her own private note
    last = read.conversation_view(bo, cid).messages[-1]
    assert last.note is None and last.note_unavailable
    hidden = make_note(people["private"], title="Private account's note")
    with pytest.raises(NotFound):
        services.send_message(ann, cid, note_id=hidden.pk)  # ann cannot see it


def test_photos_are_checked_stripped_and_private(
    people: dict[str, Any], run_tasks: None, client: Any
) -> None:
    from PIL import Image

    from tests.factories import image_bytes

    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    raw = image_bytes(900, 600, exif=exif)
    m = services.send_message(ann, cid, photos=[services.PhotoIn(data=raw)])
    photo = m.photos.get()
    assert set(photo.variants) == {"320", "1080"}
    from django.core.files.storage import storages

    with storages["private"].open(photo.original, "rb") as fh:
        assert b"SecretCam" not in fh.read()
    with pytest.raises(Invalid):
        services.send_message(ann, cid, photos=[services.PhotoIn(data=b"not an image")])
    url = read.message_view(bo, m.pk).photos[0].small
    client.force_login(bo)
    assert client.get(url).status_code == 200
    client.force_login(people["stranger"])
    assert client.get(url).status_code == 404


def test_read_receipts_follow_both_settings(people: dict[str, Any]) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    services.send_message(ann, cid, body="seen?")
    services.mark_read(bo, cid)
    assert read.conversation_view(ann, cid).messages[-1].seen == "Seen"
    services.set_read_receipts(bo, False)
    assert read.conversation_view(ann, cid).messages[-1].seen == ""
    services.set_read_receipts(bo, True)
    services.set_read_receipts(ann, False)  # off for yourself: you don't see theirs either
    assert read.conversation_view(ann, cid).messages[-1].seen == ""


def test_mute_keeps_unread_out_of_the_badge(people: dict[str, Any]) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    services.send_message(ann, cid, body="one")
    services.set_muted(bo, cid, True)
    assert access.unread_totals(bo)["messages"] == 0
    services.set_muted(bo, cid, False)
    assert access.unread_totals(bo)["messages"] == 1
    services.mark_read(bo, cid)
    assert access.unread_totals(bo)["messages"] == 0


def test_search_within_a_conversation(people: dict[str, Any]) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    for text in ("Let's eat 火锅", "or noodles", "火锅 again!"):
        services.send_message(ann, cid, body=text)
    found = [v.text for v in read.search(bo, cid, "火锅")]
    assert found == ["火锅 again!", "Let's eat 火锅"]
    assert read.search(bo, cid, "NOODLES")[0].text == "or noodles"


def test_clear_chat_hides_history_until_someone_writes(people: dict[str, Any]) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    services.send_message(ann, cid, body="old")
    services.clear_conversation(bo, cid)
    assert read.conversation_rows(bo, "inbox")[0] == []
    services.send_message(ann, cid, body="new")
    rows, _n = read.conversation_rows(bo, "inbox")
    assert [r.conversation.pk for r in rows] == [cid]
    assert [v.text for v in read.conversation_view(bo, cid).messages] == ["new"]


def test_limits_are_in_the_service(people: dict[str, Any], settings: Any) -> None:
    cid = dm(people["ann"], people["bo"])
    with pytest.raises(Invalid):
        services.send_message(people["ann"], cid, body="x" * 2001)
    with pytest.raises(Invalid):
        services.send_message(people["ann"], cid, body="   ")
    settings.QIAO_RATE_LIMITS_ENABLED = True
    settings.QIAO_RATE_LIMITS = {**settings.QIAO_RATE_LIMITS, "dm_send": "3/60", "dm_new": "1/3600"}
    from django.core.cache import cache

    cache.clear()
    from qiao.core.errors import RateLimited

    for i in range(3):
        services.send_message(people["ann"], cid, body=f"m{i}")
    with pytest.raises(RateLimited):
        services.send_message(people["ann"], cid, body="one too many")
    services.start_conversation(people["ann"], ["stranger"])
    with pytest.raises(RateLimited):
        services.start_conversation(people["ann"], ["private_pat"])


# --- across languages ---------------------------------------------------------------------------


def test_translation_offered_where_the_reader_does_not_read_it(
    people: dict[str, Any], libre: Any
) -> None:
    ann, bo = people["ann"], people["bo"]  # ann reads English, bo Chinese
    cid = dm(ann, bo)
    m = services.send_message(bo, cid, body="我喜欢火锅，你呢？")
    view = read.message_view(ann, m.pk)
    assert view.offer_translation and view.lookup_lang == "zh"
    result = read.message_for_reader(ann, m.pk, "en")
    assert result["text"].startswith("[en]") and "hot pot" in result["text"]
    assert not read.message_view(bo, m.pk).offer_translation
    # The sender can see how it reads on the other side.
    rendered = read.rendered_for_others(bo, m.pk)
    assert [r["target"] for r in rendered] == ["en"]
    assert read.message_view(bo, m.pk).offer_rendering
    view = read.conversation_view(ann, cid)
    assert "Chinese" in view.hint and "English" in view.hint


def test_with_no_engine_the_hint_says_so_and_lookup_stays(
    people: dict[str, Any], settings: Any
) -> None:
    from qiao.translation import services as tr

    settings.QIAO_TRANSLATE_ENGINES = []
    tr.reset_service()
    try:
        cid = dm(people["ann"], people["bo"])
        m = services.send_message(people["bo"], cid, body="我喜欢火锅")
        view = read.conversation_view(people["ann"], cid)
        assert "not installed" in view.hint
        assert read.message_view(people["ann"], m.pk).lookup_lang == "zh"
    finally:
        tr.reset_service()


# --- accounts going, moderators acting ----------------------------------------------------------


def test_a_deleted_account_leaves_tombstones(people: dict[str, Any]) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    m = services.send_message(ann, cid, body="my secret recipe")
    accounts.delete_account(ann)
    view = read.conversation_view(bo, cid)
    assert view.messages[0].id == m.pk
    assert view.messages[0].text == "" and view.messages[0].tombstone
    assert not Message.objects.filter(body__contains="secret").exists()


def test_report_a_message_with_context_and_a_moderator_removes_it(
    people: dict[str, Any], make_user: Any
) -> None:
    ann, bo = people["ann"], people["bo"]
    cid = dm(ann, bo)
    services.send_message(bo, cid, body="before")
    bad = services.send_message(ann, cid, body="something hateful")
    with pytest.raises(Invalid):
        services.report(ann, message_id=bad.pk, reason="hate")  # your own
    row = services.report(bo, message_id=bad.pk, reason="hate", details="see above")
    assert row.kind == Report.Kind.MESSAGE and row.account_id == ann.pk
    assert [c["body"] for c in row.context] == ["before", "something hateful"]
    assert [c["reported"] for c in row.context] == [False, True]
    from django.contrib.auth.models import Permission

    mod = make_user(username="mod", is_staff=True)
    mod.user_permissions.add(Permission.objects.get(codename="moderate"))
    mod = type(mod).objects.get(pk=mod.pk)
    moderation.resolve(mod, row.pk, action="remove")
    view = read.message_view(bo, bad.pk)
    assert view.text == "" and view.tombstone
    conv_report = services.report(bo, conversation_id=cid, reason="harassment")
    assert conv_report.kind == Report.Kind.CONVERSATION and len(conv_report.context) == 2

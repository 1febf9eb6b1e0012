"""Direct-message use cases: start a conversation, send, read, unsend, requests, groups,
mute, leave, block, report — the only writers of the messages domain.

Every change a member should see elsewhere (another tab, their phone, the other person) is
appended to the event log of each member concerned (`live.emit`) inside the same
transaction, and published once it commits.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts import services as accounts_services
from qiao.accounts.access import blocked_user_ids, is_blocked
from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotFound
from qiao.core.ratelimit import rate_limited
from qiao.core.tasks import enqueue_on_commit
from qiao.core.text import clean, normalize
from qiao.messages import access, live, tasks
from qiao.messages.models import (
    BODY_MAX,
    GROUP_MAX,
    PHOTOS_MAX,
    TITLE_MAX,
    Conversation,
    HiddenMessage,
    Mailbox,
    Member,
    Message,
    MessagePhoto,
)
from qiao.moderation import services as moderation
from qiao.moderation.models import Report
from qiao.notes.access import get_note_for
from qiao.notes.services import ImageInput, check_images
from qiao.translation.services import detect, forget_text

logger = logging.getLogger(__name__)


def private_storage() -> Any:
    return storages["private"]


# --- starting conversations --------------------------------------------------------------


def _people(starter: User, usernames: Sequence[str]) -> list[User]:
    names = list(dict.fromkeys(n.strip().lstrip("@").lower() for n in usernames if n.strip()))
    if not names:
        raise Invalid(_("Choose who to message."), fields={"to": [_("Choose who to message.")]})
    if len(names) > GROUP_MAX - 1:
        message = _("A group has at most %(n)d people.") % {"n": GROUP_MAX}
        raise Invalid(message, fields={"to": [message]})
    wanted = Q()
    for name in names:
        wanted |= Q(username__iexact=name)
    found = {u.username.lower(): u for u in User.objects.filter(wanted, is_active=True)}
    people = []
    for name in names:
        user = found.get(name)
        # Someone across a block is "not found", as everywhere else.
        if user is None or not access.can_message(starter, user):
            if user is not None and user.pk == starter.pk:
                raise Invalid(_("You cannot message yourself."), fields={"to": [name]})
            raise NotFound(_("User not found."))
        people.append(user)
    return people


def _initial_state(starter: User, person: User) -> str:
    """Straight to the inbox when the two follow each other; a request otherwise."""
    return Member.State.ACTIVE if access.mutual(starter, person) else Member.State.REQUEST


def _ensure_mailboxes(user_ids: list[int]) -> None:
    Mailbox.objects.bulk_create([Mailbox(user_id=u) for u in user_ids], ignore_conflicts=True)


@rate_limited("dm_new")
def start_conversation(starter: User, usernames: Sequence[str], *, title: str = "") -> Conversation:
    """The one-to-one conversation with one person (the existing one, if any), or a new
    group with several (up to 20 people in all). People who do not follow each other with
    the starter get it as a message request."""
    people = _people(starter, usernames)
    now = timezone.now()
    if len(people) == 1:
        other = people[0]
        key = access.pair_key(starter.pk, other.pk)
        with transaction.atomic():
            conv = Conversation.objects.filter(pair_key=key).first()
            if conv is None:
                try:
                    with transaction.atomic():
                        conv = Conversation.objects.create(
                            kind=Conversation.Kind.DIRECT,
                            pair_key=key,
                            created_by=starter,
                            created_at=now,
                            last_message_at=now,
                        )
                except IntegrityError:  # the other person started it at the same moment
                    conv = Conversation.objects.get(pair_key=key)
                else:
                    Member.objects.create(
                        conversation=conv, user=starter, joined_at=now, last_activity_at=now
                    )
                    Member.objects.create(
                        conversation=conv,
                        user=other,
                        joined_at=now,
                        last_activity_at=now,
                        state=_initial_state(starter, other),
                    )
                    _ensure_mailboxes([starter.pk, other.pk])
            # Coming back to a conversation you left or deleted brings it back for you.
            Member.objects.filter(conversation=conv, user=starter).exclude(
                state=Member.State.REQUEST
            ).update(state=Member.State.ACTIVE, hidden=False)
            Member.objects.get_or_create(
                conversation=conv,
                user=starter,
                defaults={"joined_at": now, "last_activity_at": now},
            )
        return conv
    title = clean(title, "title", max_length=TITLE_MAX)
    with transaction.atomic():
        conv = Conversation.objects.create(
            kind=Conversation.Kind.GROUP,
            title=title,
            created_by=starter,
            created_at=now,
            last_message_at=now,
        )
        Member.objects.create(
            conversation=conv, user=starter, is_admin=True, joined_at=now, last_activity_at=now
        )
        for person in people:
            Member.objects.create(
                conversation=conv,
                user=person,
                joined_at=now,
                last_activity_at=now,
                state=_initial_state(starter, person),
            )
        _ensure_mailboxes([starter.pk] + [p.pk for p in people])
        _system(conv, starter, "created")
    return conv


# --- sending -------------------------------------------------------------------------------


@dataclass
class PhotoIn:
    """A photo for a message: bytes or an upload (read after its size is checked)."""

    data: bytes | None = None
    upload: Any = None
    alt_text: str = ""
    filename: str = ""


def _check_sender(sender: User, member: Member) -> None:
    conv = member.conversation
    if member.state == Member.State.REQUEST:
        # Answering a request accepts it (as on every messenger).
        accept_request(sender, conv.pk)
        member.state = Member.State.ACTIVE
    other = access.other_in_pair(conv, sender.pk)
    if other is not None:
        them = (
            Member.objects.select_related("user").filter(conversation=conv, user_id=other).first()
        )
        if them is None or not them.user.is_active:
            raise Forbidden(_("This person can no longer receive messages."), code="cannot_message")
        if them.state == Member.State.REQUEST:
            sent = Message.objects.filter(conversation=conv, sender=sender).count()
            if sent >= settings.QIAO_DM_REQUEST_MESSAGES:
                raise Forbidden(
                    _("You can send more once they accept your message request."),
                    code="request_pending",
                )


@rate_limited("dm_send")
def send_message(
    sender: User,
    conversation_id: int,
    *,
    body: str = "",
    photos: Sequence[PhotoIn] = (),
    note_id: int | None = None,
    reply_to_id: int | None = None,
) -> Message:
    """Send text (with emoji), photos, or a note shared as a card — optionally as a reply."""
    member = access.membership(sender, conversation_id)
    body = clean(body, "body", max_length=BODY_MAX, multiline=True)
    if len(photos) > PHOTOS_MAX:
        error = _("At most %(n)d photos in one message.") % {"n": PHOTOS_MAX}
        raise Invalid(error, fields={"photos": [error]})
    if not body and not photos and note_id is None:
        raise Invalid(_("Write something first."), fields={"body": [_("Write something first.")]})
    note = None
    if note_id is not None:
        note = get_note_for(sender, note_id)  # only notes the sender may see can be shared
        if not note.is_published:
            raise NotFound(_("Note not found."))
    reply_to = None
    if reply_to_id is not None:
        reply_to, _m = access.get_message_for(sender, reply_to_id)
        if reply_to.conversation_id != conversation_id:
            raise NotFound(_("Message not found."))
    _check_sender(sender, member)
    checked = (
        check_images(
            sender, [ImageInput(data=p.data, upload=p.upload, filename=p.filename) for p in photos]
        )
        if photos
        else []
    )
    kind = (
        Message.Kind.PHOTO
        if photos
        else Message.Kind.NOTE
        if note is not None
        else Message.Kind.TEXT
    )
    language = detect(body) if body else None
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            conversation_id=conversation_id,
            sender=sender,
            kind=kind,
            body=body,
            language=language,
            reply_to=reply_to,
            note=note,
            created_at=now,
        )
        for position, (image, given) in enumerate(zip(checked, photos, strict=True)):
            path = private_storage().save(
                f"messages/{conversation_id}/{uuid.uuid4().hex}.jpg", ContentFile(image.clean_jpeg)
            )
            photo = MessagePhoto.objects.create(
                message=message,
                position=position,
                original=path,
                width=image.width,
                height=image.height,
                blurhash=image.blurhash,
                dominant_color=image.dominant_color,
                alt_text=clean(given.alt_text, "alt_text", max_length=200),
            )
            enqueue_on_commit(tasks.render_message_photo, photo.pk)
        _delivered(message, sender)
    return message


def _delivered(message: Message, sender: User | None) -> None:
    """Bookkeeping after a message is stored: the conversation's last activity, every other
    member's unread count and list position, the sender's read position, and one live event
    per member (carrying each recipient's new badge counts)."""
    conv_id = message.conversation_id
    Conversation.objects.filter(pk=conv_id).update(
        last_message_at=message.created_at, last_message=message
    )
    members = Member.objects.filter(conversation_id=conv_id, state__in=access.SEEING)
    blocked = blocked_user_ids(sender) if sender is not None else set()
    if sender is not None:
        members.exclude(user=sender).exclude(user_id__in=blocked).update(
            unread=F("unread") + 1, last_activity_at=message.created_at, hidden=False
        )
        members.filter(user=sender).update(
            last_read_id=message.pk, unread=0, last_activity_at=message.created_at, hidden=False
        )
        if blocked:
            members.filter(user_id__in=blocked).update(last_activity_at=message.created_at)
    else:
        members.update(last_activity_at=message.created_at)
    receivers = access.receivers_of(message, blocked)
    live.emit(
        receivers,
        "message",
        {
            "conversation": conv_id,
            "message": message.pk,
            "kind": message.kind,
            "sender": message.sender.username if message.sender else "",
            "body": message.body,
            "language": message.language or "",
            "created_at": message.created_at.isoformat(),
        },
        extra={
            u: {"counts": access.unread_totals(u)}
            for u in receivers
            if sender is None or u != sender.pk
        },
    )


def _emit_counts(user_id: int) -> None:
    live.emit([user_id], "counts", access.unread_totals(user_id))


def _system(conv: Conversation, actor: User, event: str, about: User | None = None) -> Message:
    message = Message.objects.create(
        conversation=conv, sender=actor, kind=Message.Kind.SYSTEM, event=event, event_user=about
    )
    _delivered(message, actor)
    return message


# --- reading, typing, receipts -----------------------------------------------------------


def receipts_on(user_id: int) -> bool:
    row = Mailbox.objects.filter(user_id=user_id).values_list("read_receipts", flat=True).first()
    return True if row is None else bool(row)


def mark_read(viewer: User, conversation_id: int, up_to: int | None = None) -> int:
    """The viewer has read the conversation up to message `up_to` (default: all). Others
    learn it (read receipts) only when both sides share receipts, and never from a request
    not yet accepted. Returns the read position."""
    member = access.membership(viewer, conversation_id)
    last = (
        access.visible_messages(viewer, member).order_by("-id").values_list("id", flat=True).first()
        or 0
    )
    position = min(up_to, last) if up_to else last
    if position <= member.last_read_id and member.unread == 0:
        return member.last_read_id
    with transaction.atomic():
        newer = max(position, member.last_read_id)
        unread = (
            access.visible_messages(viewer, member)
            .filter(id__gt=newer)
            .exclude(sender=viewer)
            .count()
        )
        Member.objects.filter(pk=member.pk).update(last_read_id=newer, unread=unread)
        live.emit([viewer.pk], "counts", access.unread_totals(viewer))
        if member.state == Member.State.ACTIVE and receipts_on(viewer.pk):
            others = [
                u
                for u in access.active_member_ids(conversation_id)
                if u != viewer.pk and receipts_on(u) and u not in blocked_user_ids(viewer)
            ]
            live.emit(
                others,
                "read",
                {"conversation": conversation_id, "user": viewer.username, "last_read": newer},
            )
        live.emit([viewer.pk], "read.self", {"conversation": conversation_id, "last_read": newer})
    return newer


def typing(viewer: User, conversation_id: int) -> None:
    """ "…is typing": sent to the others now, stored nowhere (not from a pending request)."""
    member = access.membership(viewer, conversation_id)
    if member.state != Member.State.ACTIVE:
        return
    blocked = blocked_user_ids(viewer)
    others = [
        u for u in access.active_member_ids(conversation_id) if u != viewer.pk and u not in blocked
    ]
    live.signal(
        others,
        "typing",
        {"conversation": conversation_id, "user": viewer.username, "name": viewer.name},
    )


@rate_limited("write")
def set_read_receipts(viewer: User, on: bool) -> None:
    _ensure_mailboxes([viewer.pk])
    Mailbox.objects.filter(user=viewer).update(read_receipts=bool(on))


# --- requests -------------------------------------------------------------------------------


@rate_limited("write")
def accept_request(viewer: User, conversation_id: int) -> None:
    member = access.membership(viewer, conversation_id)
    if member.state != Member.State.REQUEST:
        return
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(state=Member.State.ACTIVE)
        live.emit(
            access.active_member_ids(conversation_id),
            "conversation",
            {"conversation": conversation_id, "change": "accepted", "user": viewer.username},
        )


@rate_limited("write")
def decline_request(viewer: User, conversation_id: int) -> None:
    """Delete a message request: it leaves the viewer's lists; the sender is not told."""
    member = access.membership(viewer, conversation_id)
    if member.state != Member.State.REQUEST:
        raise Invalid(_("This is not a message request."))
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(state=Member.State.LEFT, unread=0)
        live.emit([viewer.pk], "conversation", {"conversation": conversation_id, "change": "gone"})
        live.emit([viewer.pk], "counts", access.unread_totals(viewer))


# --- changing and removing messages ------------------------------------------------------


@rate_limited("write")
def unsend(viewer: User, message_id: int) -> Message:
    """Unsend for everyone, within QIAO_DM_UNSEND_SECONDS of sending: the text and photos
    go; a tombstone ("unsent a message") stays so replies still make sense."""
    message, _member = access.get_message_for(viewer, message_id)
    if message.sender_id != viewer.pk or message.kind == Message.Kind.SYSTEM:
        raise Forbidden(_("You can only unsend your own messages."))
    if message.unsent_at is not None:
        return message
    window = timedelta(seconds=settings.QIAO_DM_UNSEND_SECONDS)
    if timezone.now() - message.created_at > window:
        raise Forbidden(
            _("Messages can be unsent within %(n)d minutes of sending.")
            % {"n": settings.QIAO_DM_UNSEND_SECONDS // 60},
            code="too_late",
        )
    with transaction.atomic():
        _wipe(message)
        Message.objects.filter(pk=message.pk).update(unsent_at=timezone.now())
        Member.objects.filter(
            conversation_id=message.conversation_id, last_read_id__lt=message.pk, unread__gt=0
        ).exclude(user=viewer).update(unread=F("unread") - 1)
        _changed(message, "unsent")
    message.refresh_from_db()
    return message


def _wipe(message: Message) -> None:
    """Remove a message's words and photos (unsend, moderation, a deleted account)."""
    text, language = message.body, message.language
    paths = [
        p
        for ph in message.photos.all()
        for p in [ph.original, *[f for fm in (ph.variants or {}).values() for f in fm.values()]]
    ]
    message.photos.all().delete()
    Message.objects.filter(pk=message.pk).update(body="", language=None)

    def after() -> None:
        forget_text(text, language)
        for path in paths:
            try:
                private_storage().delete(path)
            except Exception:  # noqa: BLE001 - a stray file is logged, never fatal
                logger.warning("could not delete %s", path)

    transaction.on_commit(after)


def _changed(message: Message, change: str) -> None:
    receivers = access.receivers_of(message)
    live.emit(
        receivers,
        "message.changed",
        {"conversation": message.conversation_id, "message": message.pk, "change": change},
    )
    for user_id in receivers:
        _emit_counts(user_id)


@rate_limited("write")
def delete_for_me(viewer: User, message_id: int) -> None:
    message, member = access.get_message_for(viewer, message_id)
    with transaction.atomic():
        HiddenMessage.objects.get_or_create(user=viewer, message=message)
        if (
            message.pk > member.last_read_id
            and message.sender_id != viewer.pk
            and member.unread > 0
        ):
            Member.objects.filter(pk=member.pk).update(unread=F("unread") - 1)
        live.emit(
            [viewer.pk],
            "message.changed",
            {"conversation": message.conversation_id, "message": message.pk, "change": "hidden"},
        )


@rate_limited("write")
def clear_conversation(viewer: User, conversation_id: int) -> None:
    """ "Delete chat": everything so far disappears for the viewer, and the conversation
    leaves their list until someone writes again."""
    member = access.membership(viewer, conversation_id)
    last = (
        Message.objects.filter(conversation_id=conversation_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(
            cleared_id=last, last_read_id=last, unread=0, hidden=True
        )
        live.emit([viewer.pk], "conversation", {"conversation": conversation_id, "change": "gone"})
        live.emit([viewer.pk], "counts", access.unread_totals(viewer))


# --- settings of one conversation ----------------------------------------------------------


@rate_limited("write")
def set_muted(viewer: User, conversation_id: int, muted: bool) -> None:
    member = access.membership(viewer, conversation_id)
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(muted=bool(muted))
        live.emit([viewer.pk], "counts", access.unread_totals(viewer))


@rate_limited("write")
def leave(viewer: User, conversation_id: int) -> None:
    """Leave a group (the others see "… left"), or remove a one-to-one conversation from
    your lists (it comes back when either writes again)."""
    member = access.membership(viewer, conversation_id)
    conv = member.conversation
    with transaction.atomic():
        if conv.kind == Conversation.Kind.DIRECT:
            clear_conversation(viewer, conversation_id)
            return
        Member.objects.filter(pk=member.pk).update(state=Member.State.LEFT, unread=0)
        if (
            member.is_admin
            and not Member.objects.filter(
                conversation=conv, is_admin=True, state=Member.State.ACTIVE
            ).exists()
        ):
            heir = (
                Member.objects.filter(conversation=conv, state=Member.State.ACTIVE)
                .order_by("joined_at", "id")
                .first()
            )
            if heir is not None:
                Member.objects.filter(pk=heir.pk).update(is_admin=True)
        live.emit([viewer.pk], "conversation", {"conversation": conversation_id, "change": "gone"})
        live.emit([viewer.pk], "counts", access.unread_totals(viewer))
        _system(conv, viewer, "left")


def _admin_of_group(viewer: User, conversation_id: int) -> Member:
    member = access.membership(viewer, conversation_id)
    if member.conversation.kind != Conversation.Kind.GROUP:
        raise Invalid(_("Only groups have members to manage."))
    if not member.is_admin:
        raise Forbidden(_("Only the group's admins can do this."))
    return member


@rate_limited("write")
def add_members(viewer: User, conversation_id: int, usernames: Sequence[str]) -> list[User]:
    member = access.membership(viewer, conversation_id)
    if member.conversation.kind != Conversation.Kind.GROUP or member.state != Member.State.ACTIVE:
        raise Invalid(_("People can be added to groups only."))
    people = _people(viewer, usernames)
    conv = member.conversation
    seated = Member.objects.filter(conversation=conv, state__in=access.SEEING).count()
    if seated + len(people) > GROUP_MAX:
        message = _("A group has at most %(n)d people.") % {"n": GROUP_MAX}
        raise Invalid(message, fields={"to": [message]})
    last = (
        Message.objects.filter(conversation=conv)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )
    now = timezone.now()
    with transaction.atomic():
        for person in people:
            # Whoever is already in it stays as they are; no one is added across a block.
            if any(is_blocked(person, m) for m in access.active_member_ids(conv.pk)):
                raise NotFound(_("User not found."))
            Member.objects.update_or_create(
                conversation=conv,
                user=person,
                defaults={
                    "state": _initial_state(viewer, person),
                    "joined_at": now,
                    "cleared_id": last,
                    "last_read_id": last,
                    "unread": 0,
                    "hidden": False,
                    "is_admin": False,
                    "last_activity_at": now,
                },
            )
        _ensure_mailboxes([p.pk for p in people])
        for person in people:
            _system(conv, viewer, "added", person)
    return people


@rate_limited("write")
def remove_member(viewer: User, conversation_id: int, username: str) -> None:
    admin = _admin_of_group(viewer, conversation_id)
    target = (
        Member.objects.select_related("user")
        .filter(
            conversation_id=conversation_id,
            user__username__iexact=username,
            state__in=access.SEEING,
        )
        .first()
    )
    if target is None or target.pk == admin.pk:
        raise NotFound(_("User not found."))
    with transaction.atomic():
        Member.objects.filter(pk=target.pk).update(state=Member.State.REMOVED, unread=0)
        live.emit(
            [target.user_id], "conversation", {"conversation": conversation_id, "change": "gone"}
        )
        live.emit([target.user_id], "counts", access.unread_totals(target.user))
        _system(admin.conversation, viewer, "removed", target.user)


@rate_limited("write")
def rename(viewer: User, conversation_id: int, title: str) -> None:
    member = access.membership(viewer, conversation_id)
    if member.conversation.kind != Conversation.Kind.GROUP or member.state != Member.State.ACTIVE:
        raise Invalid(_("Only groups have a name."))
    title = clean(title, "title", max_length=TITLE_MAX)
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation_id).update(title=title)
        _system(member.conversation, viewer, "renamed")


# --- safety --------------------------------------------------------------------------------


def block_from_conversation(viewer: User, conversation_id: int) -> User:
    """Block the other person of a one-to-one conversation: one action, and the
    conversation disappears for both (accounts' block does the rest)."""
    member = access.membership(viewer, conversation_id)
    other_id = access.other_in_pair(member.conversation, viewer.pk)
    if other_id is None:
        raise Invalid(_("Block someone from their profile or a one-to-one conversation."))
    other = User.objects.get(pk=other_id)
    accounts_services.block(viewer, other)
    return other


def conversation_blocked(blocker_id: int, blocked_id: int) -> None:
    """Receiver of `accounts.signals.blocked`: the conversation between the two closes on
    both sides' screens at once, and its unread messages stop counting."""
    conv = Conversation.objects.filter(pair_key=access.pair_key(blocker_id, blocked_id)).first()
    if conv is None:
        return
    Member.objects.filter(conversation=conv).update(unread=0)
    live.emit([blocker_id, blocked_id], "conversation", {"conversation": conv.pk, "change": "gone"})
    for user_id in (blocker_id, blocked_id):
        _emit_counts(user_id)


def _context(viewer: User, member: Member, around: Message | None) -> list[dict[str, object]]:
    qs = access.visible_messages(viewer, member).select_related("sender")
    if around is not None:
        before = list(qs.filter(id__lte=around.pk).order_by("-id")[:6])
        after = list(qs.filter(id__gt=around.pk).order_by("id")[:3])
        rows = list(reversed(before)) + after
    else:
        rows = list(reversed(qs.order_by("-id")[:20]))
    return [
        {
            "id": m.pk,
            "sender": m.sender.username if m.sender else "",
            "body": m.body,
            "kind": m.kind,
            "created_at": m.created_at.isoformat(),
            "reported": around is not None and m.pk == around.pk,
        }
        for m in rows
    ]


def report(
    viewer: User,
    *,
    reason: str,
    details: str = "",
    message_id: int | None = None,
    conversation_id: int | None = None,
) -> Report:
    """Report a message (with the messages around it) or a whole conversation (its latest
    messages) to the moderators."""
    if message_id is not None:
        message, member = access.get_message_for(viewer, message_id)
        if message.sender_id == viewer.pk:
            raise Invalid(_("You cannot report your own message."))
        return moderation.report_private(
            viewer,
            kind=Report.Kind.MESSAGE,
            object_id=message.pk,
            account_id=message.sender_id,
            reason=reason,
            details=details,
            context=_context(viewer, member, message),
        )
    if conversation_id is None:
        raise Invalid(_("Say what you are reporting."))
    member = access.membership(viewer, conversation_id)
    other = access.other_in_pair(member.conversation, viewer.pk)
    return moderation.report_private(
        viewer,
        kind=Report.Kind.CONVERSATION,
        object_id=conversation_id,
        account_id=other,
        reason=reason,
        details=details,
        context=_context(viewer, member, None),
    )


def content_removed(kind: str, object_id: int) -> None:
    """Receiver of `moderation.signals.content_removed`: a moderator removed a message (its
    words and photos go, a "removed" tombstone stays) or a conversation (every message)."""
    if kind == Report.Kind.MESSAGE:
        messages = list(Message.objects.filter(pk=object_id))
    elif kind == Report.Kind.CONVERSATION:
        messages = list(
            Message.objects.filter(conversation_id=object_id, removed=False).exclude(
                kind=Message.Kind.SYSTEM
            )
        )
    else:
        return
    for message in messages:
        _wipe(message)
        Message.objects.filter(pk=message.pk).update(removed=True)
        _changed(message, "removed")


def account_deleting(user_id: int) -> None:
    """Receiver of `accounts.signals.account_deleting`: the member's messages become
    tombstones in everyone else's conversations — no words, no photos."""
    for message in (
        Message.objects.filter(sender_id=user_id)
        .exclude(kind=Message.Kind.SYSTEM)
        .prefetch_related("photos")
    ):
        _wipe(message)
    Message.objects.filter(sender_id=user_id).update(sender_deleted=True)
    for conv_id in Member.objects.filter(user_id=user_id).values_list("conversation_id", flat=True):
        others = [u for u in access.active_member_ids(conv_id) if u != user_id]
        live.emit(others, "conversation", {"conversation": conv_id, "change": "member_gone"})


def notifications_changed(user_id: int, unread: int) -> None:
    """Receiver of `social.signals.notified`: the bell's badge, live."""
    live.emit([user_id], "notifications", {"unread": unread})


# --- the demo and imports ---------------------------------------------------------------


def import_conversation(
    participants: Sequence[User], messages: Sequence[tuple[User, str, datetime]], *, title: str = ""
) -> Conversation:
    """Create a conversation with a history (the demo community, imports): `participants`
    (two: one-to-one; more: a group whose first participant is the admin), `messages` as
    (sender, text, sent at), oldest first. Everyone is in the inbox (no request); each has
    read up to their own last message, so what others wrote after it is unread. No rate
    limit, no live events: nobody is watching a seed."""
    if len(participants) < 2:
        raise Invalid("a conversation needs two people")
    first = messages[0][2] if messages else timezone.now()
    with transaction.atomic():
        if len(participants) == 2:
            a, b = participants
            conv, _created = Conversation.objects.get_or_create(
                pair_key=access.pair_key(a.pk, b.pk),
                defaults={
                    "kind": Conversation.Kind.DIRECT,
                    "created_by": a,
                    "created_at": first,
                    "last_message_at": first,
                },
            )
        else:
            conv = Conversation.objects.create(
                kind=Conversation.Kind.GROUP,
                title=normalize(title)[:TITLE_MAX],
                created_by=participants[0],
                created_at=first,
                last_message_at=first,
            )
        for i, person in enumerate(participants):
            Member.objects.get_or_create(
                conversation=conv,
                user=person,
                defaults={
                    "joined_at": first,
                    "last_activity_at": first,
                    "is_admin": i == 0 and conv.kind == Conversation.Kind.GROUP,
                },
            )
        _ensure_mailboxes([p.pk for p in participants])
        rows = Message.objects.bulk_create(
            [
                Message(
                    conversation=conv,
                    sender=sender,
                    body=normalize(text)[:BODY_MAX],
                    language=detect(text),
                    created_at=at,
                )
                for sender, text, at in messages
            ]
        )
        rows = list(Message.objects.filter(conversation=conv).order_by("created_at", "id"))
        if rows:
            last = rows[-1]
            Conversation.objects.filter(pk=conv.pk).update(
                last_message=last, last_message_at=last.created_at
            )
        for person in participants:
            own = [m.pk for m in rows if m.sender_id == person.pk]
            read_to = own[-1] if own else 0
            unread = sum(1 for m in rows if m.pk > read_to and m.sender_id != person.pk)
            Member.objects.filter(conversation=conv, user=person).update(
                last_read_id=read_to,
                unread=unread,
                last_activity_at=rows[-1].created_at if rows else first,
            )
    return conv

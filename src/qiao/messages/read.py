"""Direct messages as one member sees them: the conversation list, a conversation with its
messages (translation offered where the reader does not read the language, word look-up,
replies, shared note cards, photos, "Seen"), and the composer's language hint. Both edges
render these; no translation engine is called while building a list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Invalid
from qiao.core.pagination import cursor_id, cursor_time, decode_cursor, encode_cursor
from qiao.engines.translate.base import base_language
from qiao.messages import access
from qiao.messages.live import head
from qiao.messages.models import Conversation, Mailbox, Member, Message, MessagePhoto
from qiao.notes.access import visible_note_ids
from qiao.social.read import NoteView, note_views
from qiao.translation.read import language_in_text, text_offer
from qiao.translation.services import is_ready_safely, text_for_reader


def languages_of(user: User) -> list[str]:
    """What `user` reads, best first: their profile's languages, else their interface
    language (never the current request's: this is about someone else)."""
    if user.read_languages:
        return [base_language(x) for x in user.read_languages]
    return [base_language(user.ui_language or "en")]


def _name(user: User | None) -> str:
    return user.name if user is not None else _("Deleted account")


# --- the list ------------------------------------------------------------------------------


@dataclass
class ConversationRow:
    conversation: Conversation
    member: Member
    title: str
    face: User | None  # whose avatar the row shows
    preview: str
    unread: int
    muted: bool
    is_request: bool
    is_group: bool
    people: list[User] = field(default_factory=list)

    @property
    def url(self) -> str:
        return reverse("web:conversation", args=[self.conversation.pk])


def preview(message: Message | None, viewer: User) -> str:
    if message is None:
        return ""
    if message.unsent_at:
        text = _("Message unsent")
    elif message.removed:
        text = _("Removed by the moderators")
    elif message.sender_deleted:
        text = _("Message from a deleted account")
    elif message.kind == Message.Kind.SYSTEM:
        text = system_text(message)
    elif message.kind == Message.Kind.PHOTO:
        text = message.body or _("Photo")
    elif message.kind == Message.Kind.NOTE:
        text = message.body or _("Shared a note")
    else:
        text = message.body
    text = " ".join(text.split())[:90]
    if message.sender_id == viewer.pk and message.kind != Message.Kind.SYSTEM:
        return _("You: %(text)s") % {"text": text}
    return text


def _others(conversation_ids: list[int], viewer: User) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {}
    rows = (
        Member.objects.filter(conversation_id__in=conversation_ids, state__in=access.SEEING)
        .exclude(user=viewer)
        .select_related("user")
        .order_by("joined_at", "id")
    )
    for m in rows:
        out.setdefault(m.conversation_id, []).append(m.user)
    return out


def title_of(conv: Conversation, others: list[User]) -> str:
    if conv.kind == Conversation.Kind.GROUP:
        if conv.title:
            return conv.title
        names = ", ".join(u.name for u in others[:3])
        return names or _("Group")
    return others[0].name if others else _("Deleted account")


def conversation_rows(
    viewer: User, box: str = "inbox", *, cursor: str | None = None, limit: int = 30
) -> tuple[list[ConversationRow], str | None]:
    """The viewer's conversations in `box` ("inbox" or "requests"), most recent first."""
    limit = max(1, min(limit, 50))
    qs = access.memberships(viewer, box)
    pos = decode_cursor(cursor)
    if pos:
        at, last = cursor_time(pos, 0), cursor_id(pos, 1)
        qs = qs.filter(Q(last_activity_at__lt=at) | Q(last_activity_at=at, id__lt=last))
    members = list(qs[: limit + 1])
    nxt = None
    if len(members) > limit:
        members = members[:limit]
        nxt = encode_cursor([members[-1].last_activity_at.isoformat(), members[-1].pk])
    others = _others([m.conversation_id for m in members], viewer)
    rows = []
    for m in members:
        conv = m.conversation
        people = others.get(conv.pk, [])
        rows.append(
            ConversationRow(
                conversation=conv,
                member=m,
                title=title_of(conv, people),
                face=people[0] if people else None,
                preview=preview(conv.last_message, viewer),
                unread=m.unread,
                muted=m.muted,
                is_request=m.state == Member.State.REQUEST,
                is_group=conv.kind == Conversation.Kind.GROUP,
                people=people,
            )
        )
    return rows, nxt


# --- messages ------------------------------------------------------------------------------


@dataclass
class PhotoView:
    id: int
    small: str
    large: str
    width: int
    height: int
    alt: str
    blurhash: str
    color: str


@dataclass
class MessageView:
    message: Message
    mine: bool
    sender_name: str
    sender: User | None
    text: str
    tombstone: str = ""
    system: str = ""
    photos: list[PhotoView] = field(default_factory=list)
    note: NoteView | None = None
    note_unavailable: bool = False
    reply_id: int | None = None
    reply_sender: str = ""
    reply_text: str = ""
    offer_translation: bool = False
    auto_translate: bool = False
    lookup_lang: str = ""
    #: The sender may see how the message reads in the others' language.
    offer_rendering: bool = False
    seen: str = ""  # "Seen" / "Seen by 3" under the viewer's latest message
    can_unsend: bool = False

    @property
    def id(self) -> int:
        return int(self.message.pk)

    @property
    def block_id(self) -> str:
        return f"mtext-{self.message.pk}"


def system_text(message: Message) -> str:
    actor = _name(message.sender)
    other = _name(message.event_user)
    texts = {
        "created": _("%(name)s created the group"),
        "left": _("%(name)s left the conversation"),
        "added": _("%(name)s added %(other)s"),
        "removed": _("%(name)s removed %(other)s"),
        "renamed": _("%(name)s renamed the group"),
    }
    return texts.get(message.event, "%(name)s") % {"name": actor, "other": other}


def _photo_views(photos: list[MessagePhoto]) -> list[PhotoView]:
    out = []
    for p in photos:
        url = reverse("web:message_photo", args=[p.pk])
        variants = p.variants or {}
        out.append(
            PhotoView(
                id=p.pk,
                small=f"{url}?w=320" if "320" in variants else url,
                large=f"{url}?w=1080" if "1080" in variants else url,
                width=p.width,
                height=p.height,
                alt=p.alt_text or _("Photo"),
                blurhash=p.blurhash,
                color=p.dominant_color,
            )
        )
    return out


def other_languages(viewer: User, member: Member) -> list[str]:
    """Languages the others in the conversation read first, other than the viewer's."""
    mine = languages_of(viewer)[0]
    people = User.objects.filter(
        dm_memberships__conversation_id=member.conversation_id,
        dm_memberships__state__in=access.SEEING,
    ).exclude(pk=viewer.pk)
    out: list[str] = []
    for person in people:
        first = languages_of(person)[0]
        if first != mine and first not in out:
            out.append(first)
    return out


def message_views(
    viewer: User, member: Member, messages: list[Message], *, seen: bool = True
) -> list[MessageView]:
    """Views of messages the caller took from `access.visible_messages` (a fixed number of
    queries for any number of messages; none for what the messages do not have)."""
    ids = [m.pk for m in messages if m.kind == Message.Kind.PHOTO]
    photos: dict[int, list[MessagePhoto]] = {}
    if ids:
        for p in MessagePhoto.objects.filter(message_id__in=ids).order_by("position"):
            photos.setdefault(p.message_id, []).append(p)
    note_ids = {m.note_id for m in messages if m.note_id}
    visible = visible_note_ids(viewer, note_ids)
    notes = (
        {
            v.note.pk: v
            for v in note_views(
                [m.note for m in messages if m.note_id in visible and m.note is not None], viewer
            )
        }
        if visible
        else {}
    )
    reply_ids = {m.reply_to_id for m in messages if m.reply_to_id}
    replies = (
        {
            r.pk: r
            for r in access.visible_messages(viewer, member)
            .filter(pk__in=reply_ids)
            .select_related("sender")
        }
        if reply_ids
        else {}
    )
    others_langs = other_languages(viewer, member)
    window = timezone.now() - timedelta(seconds=settings.QIAO_DM_UNSEND_SECONDS)
    out = []
    for m in messages:
        mine = m.sender_id == viewer.pk
        tomb = (
            _("Message unsent")
            if m.unsent_at
            else _("Removed by the moderators")
            if m.removed
            else _("Message from a deleted account")
            if m.sender_deleted
            else ""
        )
        offer = text_offer(viewer, m.body, m.language) if m.body and not tomb else None
        view = MessageView(
            message=m,
            mine=mine,
            sender_name=_name(m.sender),
            sender=m.sender,
            text="" if tomb else m.body,
            tombstone=tomb,
            system=system_text(m) if m.kind == Message.Kind.SYSTEM else "",
            photos=[] if tomb else _photo_views(photos.get(m.pk, [])),
            note=notes.get(m.note_id) if m.note_id and not tomb else None,
            note_unavailable=bool(
                m.note_id is None
                and m.kind == Message.Kind.NOTE
                or (m.note_id and m.note_id not in visible)
            )
            and not tomb,
            offer_translation=bool(offer and offer.offer),
            auto_translate=bool(offer and offer.auto),
            lookup_lang=offer.lookup_lang if offer else "",
            offer_rendering=bool(
                mine
                and m.body
                and not tomb
                and others_langs
                and base_language(m.language or "") not in ("", "und")
                and any(lang != base_language(m.language or "") for lang in others_langs)
            ),
            can_unsend=mine
            and not tomb
            and m.kind != Message.Kind.SYSTEM
            and m.created_at >= window,
        )
        if m.reply_to_id:
            reply = replies.get(m.reply_to_id)
            view.reply_id = m.reply_to_id
            if reply is None or reply.is_tombstone:
                view.reply_text = _("Original message unavailable")
            else:
                view.reply_sender = _name(reply.sender)
                view.reply_text = (
                    preview(reply, viewer) if not reply.body else " ".join(reply.body.split())[:120]
                )
        out.append(view)
    if seen:
        _mark_seen(viewer, member, out)
    return out


def _mark_seen(viewer: User, member: Member, views: list[MessageView]) -> None:
    """ "Seen" under the viewer's latest message: only when the viewer shares read receipts
    themselves, and only from others who share theirs and accepted the conversation."""
    mine = [v for v in views if v.mine and not v.tombstone and not v.system]
    if not mine or not receipts_on(viewer.pk):
        return
    latest = mine[-1]
    others = Member.objects.filter(
        conversation_id=member.conversation_id, state=Member.State.ACTIVE
    ).exclude(user=viewer)
    off = set(
        Mailbox.objects.filter(
            user_id__in=others.values("user_id"), read_receipts=False
        ).values_list("user_id", flat=True)
    )
    readers = [m for m in others if m.user_id not in off and m.last_read_id >= latest.id]
    if not readers:
        return
    if member.conversation.kind == Conversation.Kind.DIRECT:
        latest.seen = _("Seen")
    else:
        latest.seen = _("Seen by %(n)d") % {"n": len(readers)}


def receipts_on(user_id: int) -> bool:
    row = Mailbox.objects.filter(user_id=user_id).values_list("read_receipts", flat=True).first()
    return True if row is None else bool(row)


# --- one conversation ----------------------------------------------------------------------


@dataclass
class ConversationView:
    conversation: Conversation
    member: Member
    title: str
    others: list[User]
    is_group: bool
    is_request: bool  # the viewer has not accepted it yet
    waiting: bool  # the other person has not accepted the viewer's request yet
    messages: list[MessageView]
    older_cursor: str | None
    hint: str
    live_after: int  # the viewer's event log head when this was read
    receipts: bool
    members: list[Member] = field(default_factory=list)

    @property
    def last_id(self) -> int:
        return self.messages[-1].id if self.messages else 0


def composer_hint(viewer: User, member: Member) -> str:
    """ "Write in English? They read Chinese — it will be translated for them." — or, with
    no engine installed, that translation is not available here (look-up still is)."""
    theirs = other_languages(viewer, member)
    if not theirs:
        return ""
    mine = languages_of(viewer)[0]
    names = ", ".join(language_in_text(code) for code in theirs)
    if not is_ready_safely():
        return _(
            "They read %(theirs)s. Machine translation is not installed on this server; "
            "they can still look up your words."
        ) % {"theirs": names}
    if member.conversation.kind == Conversation.Kind.GROUP:
        return _(
            "Write in %(mine)s? Some people here read %(theirs)s — it will be translated for them."
        ) % {"mine": language_in_text(mine), "theirs": names}
    return _("Write in %(mine)s? They read %(theirs)s — it will be translated for them.") % {
        "mine": language_in_text(mine),
        "theirs": names,
    }


def page_of_messages(
    viewer: User, member: Member, *, before: str | None = None, limit: int = 30
) -> tuple[list[Message], str | None]:
    """Newest `limit` messages (or those before the cursor), returned oldest first."""
    limit = max(1, min(limit, 100))
    qs = (
        access.visible_messages(viewer, member)
        .select_related("sender", "event_user", "note", "note__author")
        .prefetch_related("note__images", "note__topics")
    )
    pos = decode_cursor(before)
    if pos:
        qs = qs.filter(id__lt=cursor_id(pos, 0))
    rows = list(qs.order_by("-id")[: limit + 1])
    older = None
    if len(rows) > limit:
        rows = rows[:limit]
        older = encode_cursor([rows[-1].pk])
    return list(reversed(rows)), older


def conversation_view(
    viewer: User, conversation_id: int, *, before: str | None = None, limit: int = 30
) -> ConversationView:
    member = access.membership(viewer, conversation_id)
    live_after = head(viewer.pk)  # before reading: nothing falls between page and stream
    conv = member.conversation
    members = list(
        Member.objects.filter(conversation=conv, state__in=access.SEEING)
        .select_related("user")
        .order_by("joined_at", "id")
    )
    others = [m.user for m in members if m.user_id != viewer.pk]
    rows, older = page_of_messages(viewer, member, before=before, limit=limit)
    waiting = any(m.state == Member.State.REQUEST for m in members if m.user_id != viewer.pk)
    return ConversationView(
        conversation=conv,
        member=member,
        title=title_of(conv, others),
        others=others,
        is_group=conv.kind == Conversation.Kind.GROUP,
        is_request=member.state == Member.State.REQUEST,
        waiting=waiting,
        messages=message_views(viewer, member, rows),
        older_cursor=older,
        hint=composer_hint(viewer, member),
        live_after=live_after,
        receipts=receipts_on(viewer.pk),
        members=members,
    )


def messages_after(
    viewer: User, conversation_id: int, after_id: int, limit: int = 50
) -> list[MessageView]:
    """Messages newer than `after_id` (what a live client fetches after an event)."""
    member = access.membership(viewer, conversation_id)
    rows = list(
        access.visible_messages(viewer, member)
        .filter(id__gt=after_id)
        .select_related("sender", "event_user", "note", "note__author")
        .prefetch_related("note__images", "note__topics")
        .order_by("id")[:limit]
    )
    return message_views(viewer, member, rows)


def sent_view(sender: User, message: Message) -> MessageView:
    """The message its sender just sent, as the sender sees it (nobody has seen it yet)."""
    member = Member.objects.select_related("conversation").get(
        conversation_id=message.conversation_id, user=sender
    )
    return message_views(sender, member, [message], seen=False)[0]


def message_view(viewer: User, message_id: int) -> MessageView:
    message, member = access.get_message_for(viewer, message_id)
    return message_views(viewer, member, [message])[0]


def search(viewer: User, conversation_id: int, query: str, limit: int = 30) -> list[MessageView]:
    query = " ".join((query or "").split())
    if not query:
        return []
    if len(query) > 100:
        raise Invalid(_("Search for at most 100 characters."))
    member = access.membership(viewer, conversation_id)
    rows = list(access.search_messages(viewer, member, query)[:limit])
    return message_views(viewer, member, rows)


# --- across languages ----------------------------------------------------------------------


def message_for_reader(viewer: User, message_id: int, target: str) -> dict[str, Any]:
    """A message the viewer sees, in `target` (raises Invalid/Unavailable when it cannot be
    translated)."""
    message, _member = access.get_message_for(viewer, message_id)
    if message.is_tombstone or not message.body:
        raise Invalid(_("Nothing to translate."), code="empty")
    return text_for_reader(message.body, message.language, target, reader=viewer)


def rendered_for_others(viewer: User, message_id: int) -> list[dict[str, Any]]:
    """For the sender: how their message reads for the others, in each language the others
    read first and the message is not in."""
    message, member = access.get_message_for(viewer, message_id)
    if message.sender_id != viewer.pk or message.is_tombstone or not message.body:
        raise Invalid(_("Nothing to show."), code="empty")
    source = base_language(message.language or "")
    out = []
    for target in other_languages(viewer, member):
        if target == source:
            continue
        out.append(text_for_reader(message.body, message.language, target, reader=viewer))
    return out

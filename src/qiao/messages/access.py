"""Who may see which conversation and message, and who may message whom. Every reader —
pages, API, the live stream, the photo view — asks here.

- A conversation is seen only by its members whose place in it is active or a pending
  request; a member who left or was removed sees nothing of it (404, never 403).
- Blocks hide both ways: a one-to-one conversation between two people where either blocked
  the other is invisible to both and nobody can write in it; in a group, each of them
  stops seeing the other's messages, and neither can add the other.
- New members of a group see the messages sent after they joined; "delete chat" hides
  everything up to that moment from that member only; "delete for me" hides one message.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from qiao.accounts.access import blocked_user_ids, follows, is_blocked
from qiao.accounts.models import User
from qiao.core.errors import NotFound
from qiao.messages.models import Conversation, HiddenMessage, Member, Message, MessagePhoto

SEEING = (Member.State.ACTIVE, Member.State.REQUEST)


def pair_key(a: int, b: int) -> str:
    return f"{min(a, b)}:{max(a, b)}"


def other_in_pair(conversation: Conversation, user_id: int) -> int | None:
    """The other person of a one-to-one conversation."""
    if not conversation.pair_key:
        return None
    a, b = (int(x) for x in conversation.pair_key.split(":"))
    return b if a == user_id else a


def mutual(a: User, b: User) -> bool:
    """Each follows the other (accepted): their messages go straight to the inbox."""
    return follows(a, b) and follows(b, a)


def can_message(sender: User, recipient: User) -> bool:
    """`sender` may start or continue a conversation with `recipient`: an active account,
    not themselves, no block either way."""
    return (
        recipient.is_active
        and sender.is_active
        and recipient.pk != sender.pk
        and not is_blocked(sender, recipient)
    )


def _hidden_pairs(viewer: User) -> list[str]:
    return [pair_key(viewer.pk, other) for other in blocked_user_ids(viewer)]


def memberships(viewer: User, box: str = "inbox") -> QuerySet[Member]:
    """The viewer's conversations in `box` ("inbox": accepted; "requests": waiting for
    them to accept), most recently active first."""
    state = Member.State.REQUEST if box == "requests" else Member.State.ACTIVE
    qs = (
        Member.objects.filter(user=viewer, state=state, hidden=False)
        .select_related(
            "conversation", "conversation__last_message", "conversation__last_message__sender"
        )
        .order_by("-last_activity_at", "-id")
    )
    hidden = _hidden_pairs(viewer)
    if hidden:
        qs = qs.exclude(conversation__pair_key__in=hidden)
    return qs


def membership(viewer: User, conversation_id: int) -> Member:
    """The viewer's place in a conversation they may see, else NotFound."""
    member = (
        Member.objects.select_related("conversation")
        .filter(conversation_id=conversation_id, user=viewer, state__in=SEEING)
        .first()
    )
    if member is None:
        raise NotFound(_("Conversation not found."))
    other = other_in_pair(member.conversation, viewer.pk)
    if other is not None and is_blocked(viewer, other):
        raise NotFound(_("Conversation not found."))
    return member


def visible_messages(viewer: User, member: Member) -> QuerySet[Message]:
    """The messages of the member's conversation that this member sees."""
    qs = Message.objects.filter(conversation_id=member.conversation_id, id__gt=member.cleared_id)
    qs = qs.exclude(Exists(HiddenMessage.objects.filter(user=viewer, message=OuterRef("pk"))))
    blocked = blocked_user_ids(viewer)
    if blocked:
        qs = qs.exclude(sender_id__in=blocked)
    return qs


def get_message_for(viewer: User, message_id: int) -> tuple[Message, Member]:
    """A message the viewer sees, with the viewer's membership; else NotFound."""
    message = Message.objects.select_related("sender").filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("Message not found."))
    try:
        member = membership(viewer, message.conversation_id)
    except NotFound:
        raise NotFound(_("Message not found.")) from None
    if not visible_messages(viewer, member).filter(pk=message.pk).exists():
        raise NotFound(_("Message not found."))
    return message, member


def get_photo_for(viewer: User, photo_id: int) -> MessagePhoto:
    photo = MessagePhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        raise NotFound(_("Photo not found."))
    try:
        message, _member = get_message_for(viewer, photo.message_id)
    except NotFound:
        raise NotFound(_("Photo not found.")) from None
    if message.is_tombstone:
        raise NotFound(_("Photo not found."))
    return photo


def active_member_ids(conversation_id: int) -> list[int]:
    """Members who receive the conversation's events (accepted or requested)."""
    return list(
        Member.objects.filter(conversation_id=conversation_id, state__in=SEEING).values_list(
            "user_id", flat=True
        )
    )


def receivers_of(message: Message, blocked: set[int] | None = None) -> list[int]:
    """Who is told about a message: members who may see it (not across a block; pass the
    sender's `blocked_user_ids` when already known)."""
    ids = active_member_ids(message.conversation_id)
    if message.sender_id is None:
        return ids
    if blocked is None:
        blocked = blocked_user_ids(message.sender) if message.sender is not None else set()
    return [u for u in ids if u not in blocked]


def unread_totals(viewer: User | int) -> dict[str, int]:
    """What the header shows: unread messages in unmuted accepted conversations, and how
    many requests have something unread (one query: the per-member counters already leave
    out what a block hides)."""
    user_id = viewer if isinstance(viewer, int) else viewer.pk
    row = Member.objects.filter(user_id=user_id, hidden=False).aggregate(
        messages=Sum("unread", filter=Q(state=Member.State.ACTIVE, muted=False)),
        requests=Count("id", filter=Q(state=Member.State.REQUEST, unread__gt=0)),
    )
    return {"messages": int(row["messages"] or 0), "requests": int(row["requests"] or 0)}


def search_messages(viewer: User, member: Member, query: str) -> QuerySet[Message]:
    """Messages of the conversation containing `query` (case-insensitive), newest first."""
    return (
        visible_messages(viewer, member)
        .filter(
            Q(body__icontains=query), unsent_at__isnull=True, removed=False, sender_deleted=False
        )
        .exclude(kind=Message.Kind.SYSTEM)
        .select_related("sender")
        .order_by("-id")
    )

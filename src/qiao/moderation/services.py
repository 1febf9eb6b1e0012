"""Reporting and moderation use cases.

Reports alone never decide: a note is hidden automatically only when reporters with
standing — accounts old enough and active, each circle of accounts that follow one another
counted once — add up to `QIAO_AUTO_HIDE_WEIGHT`. Then the moderators are notified, and the
author sees why and can appeal. Five accounts made a minute ago cannot hide anything.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts import services as accounts
from qiao.accounts.access import accepted_follow_pairs, is_moderator
from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotFound
from qiao.core.ratelimit import rate_limited
from qiao.core.text import clean
from qiao.fixes.access import get_fix_for
from qiao.fixes.services import remove_fix
from qiao.moderation import signals
from qiao.moderation.models import Appeal, AuditLog, Report
from qiao.notes import services as notes
from qiao.notes.access import get_note_for, get_own_note
from qiao.social import services as social
from qiao.social.access import get_comment_for
from qiao.social.models import Notification


@rate_limited("report")
def report(reporter: User, *, kind: str, target_id: int, reason: str, details: str = "") -> Report:
    """File a report (one open report per reporter and target). Enough distinct reporters
    hide a note until a moderator looks at it."""
    if kind not in (Report.Kind.NOTE, Report.Kind.COMMENT, Report.Kind.USER, Report.Kind.FIX):
        raise Invalid(_("Unknown kind of report."), fields={"kind": [_("Unknown.")]})
    _check_reason(reason)
    details = clean(details, "details", max_length=500, multiline=True)
    target: dict[str, object] = {}
    if kind == Report.Kind.NOTE:
        note = get_note_for(reporter, target_id)
        if note.author_id == reporter.pk:
            raise Invalid(_("You cannot report your own note."))
        target = {"note": note}
    elif kind == Report.Kind.FIX:
        fix = get_fix_for(reporter, target_id)  # the text's author, or any reader once accepted
        if fix.suggester_id == reporter.pk:
            raise Invalid(_("You cannot report your own suggestion."))
        target = {"fix": fix}
    elif kind == Report.Kind.COMMENT:
        target = {"comment": get_comment_for(reporter, target_id)}
    else:
        account = User.objects.filter(pk=target_id, is_active=True).first()
        if account is None or account.pk == reporter.pk:
            raise NotFound(_("User not found."))
        target = {"account": account}
    existing = Report.objects.filter(reporter=reporter, status=Report.Status.OPEN, **target).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        row = Report.objects.create(
            reporter=reporter, kind=kind, reason=reason, details=details, **target
        )
        if kind == Report.Kind.NOTE and row.note_id is not None:
            _maybe_auto_hide(row.note_id)
    return row


def _check_reason(reason: str) -> None:
    if reason not in Report.Reason.values:
        raise Invalid(_("Choose a reason."), fields={"reason": [_("Choose a reason.")]})


@rate_limited("report")
def report_private(
    reporter: User,
    *,
    kind: str,
    object_id: int,
    account_id: int | None,
    reason: str,
    details: str = "",
    context: list[dict[str, object]],
) -> Report:
    """File a report on private content (a direct message or a conversation). The caller —
    the domain that owns the content — has checked that the reporter may see it, and hands
    over the account responsible and what the reporter saw (`context`, kept as is)."""
    if kind not in (Report.Kind.MESSAGE, Report.Kind.CONVERSATION):
        raise Invalid(_("Unknown kind of report."), fields={"kind": [_("Unknown.")]})
    _check_reason(reason)
    existing = Report.objects.filter(
        reporter=reporter, status=Report.Status.OPEN, kind=kind, object_id=object_id
    ).first()
    if existing is not None:
        return existing
    return Report.objects.create(
        reporter=reporter,
        kind=kind,
        object_id=object_id,
        account_id=account_id,
        reason=reason,
        details=clean(details, "details", max_length=500, multiline=True),
        context=context[:50],
    )


def reporter_weight(user: User) -> float:
    """How much one person's report counts towards hiding a note: nothing from an account
    younger than `QIAO_REPORT_MIN_AGE_DAYS` or that never took part (no note, comment or
    like), half from one younger than a month, one otherwise; a moderator's report hides."""
    if user.is_staff and user.has_perm("moderation.moderate"):
        return float(settings.QIAO_AUTO_HIDE_WEIGHT)
    age = timezone.now() - user.date_joined
    if age < timedelta(days=settings.QIAO_REPORT_MIN_AGE_DAYS) or not accounts.has_taken_part(user):
        return 0.0
    return 1.0 if age >= timedelta(days=30) else 0.5


def report_weight(reporters: list[User]) -> float:
    """The standing of a group of reporters: accounts that follow one another (either way)
    form one circle, which counts as its most trusted member, once."""
    parent = {u.pk: u.pk for u in reporters}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in accepted_follow_pairs([u.pk for u in reporters]):
        parent[root(a)] = root(b)
    best: dict[int, float] = {}
    for user in reporters:
        circle = root(user.pk)
        best[circle] = max(best.get(circle, 0.0), reporter_weight(user))
    return sum(best.values())


def _maybe_auto_hide(note_id: int) -> None:
    reporters = list(
        User.objects.filter(
            reports_made__note_id=note_id, reports_made__status=Report.Status.OPEN, is_active=True
        ).distinct()
    )
    weight = report_weight(reporters)
    if weight < settings.QIAO_AUTO_HIDE_WEIGHT or not notes.set_removed(note_id, True):
        return
    AuditLog.objects.create(
        actor=None,
        action="auto_hide",
        kind="note",
        target_id=note_id,
        reason=f"{len(reporters)} reporters, standing {weight:g}",
    )
    author_id = (
        Report.objects.filter(note_id=note_id).values_list("note__author_id", flat=True).first()
    )
    for moderator in moderators():
        if author_id is not None:
            social.notify(moderator, author_id, Notification.Kind.REVIEW)


def moderators() -> list[User]:
    """Active members of the "Moderators" group (and superusers)."""
    group = Group.objects.filter(name="Moderators").first()
    query = Q(is_superuser=True) | (Q(groups=group) if group is not None else Q(pk__in=[]))
    return list(User.objects.filter(query, is_active=True, is_staff=True).distinct())


@rate_limited("report")
def appeal(author: User, note_id: int, message: str = "") -> Appeal:
    """The author asks for a hidden note to be looked at again (one open appeal a note)."""
    note = get_own_note(author, note_id)
    if not note.is_removed:
        raise Invalid(_("This note is not hidden."), code="not_hidden")
    message = clean(message, "message", max_length=1000, multiline=True)
    with transaction.atomic():
        existing = Appeal.objects.filter(note=note, status=Appeal.Status.OPEN).first()
        if existing is not None:
            return existing
        row = Appeal.objects.create(note=note, author=author, message=message)
        for moderator in moderators():
            social.notify(moderator, author, Notification.Kind.APPEAL)
    return row


def open_appeal(author: User, note_id: int) -> Appeal | None:
    """The author's open appeal on their note, if any (what the note page shows them)."""
    return Appeal.objects.filter(note_id=note_id, author=author, status=Appeal.Status.OPEN).first()


def _require_moderator(user: User) -> None:
    if not is_moderator(user):
        raise Forbidden(_("Only moderators can do this."))


def open_queue() -> list[Report]:
    return list(
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("reporter", "note", "comment", "account")
        .order_by("created_at")
    )


def resolve(moderator: User, report_id: int, *, action: str, reason: str = "") -> Report:
    """`action`: "remove" (hide the note/comment, or suspend the account), "restore"
    (undo an automatic hide), or "dismiss". Every open report on the same target closes."""
    _require_moderator(moderator)
    row = Report.objects.filter(pk=report_id).first()
    if row is None:
        raise NotFound(_("Report not found."))
    if action not in {"remove", "restore", "dismiss"}:
        raise Invalid(_("Unknown action."))
    private = row.kind in (Report.Kind.MESSAGE, Report.Kind.CONVERSATION)
    with transaction.atomic():
        if action == "remove" and private:
            # The owner of the content removes it; a conversation report removes the
            # reported account's standing (suspension) only when a moderator does that
            # through a user report.
            signals.content_removed.send(sender=Report, kind=row.kind, object_id=row.object_id)
        elif action == "remove":
            if row.fix_id:
                remove_fix(moderator, row.fix_id)
            elif row.note_id:
                notes.set_removed(row.note_id, True)
            elif row.comment_id:
                social.set_comment_removed(row.comment_id, True)
            elif row.account_id:
                accounts.set_active(row.account_id, False)
        elif action == "restore" and row.note_id:
            notes.set_removed(row.note_id, False)
        if row.note_id:
            Appeal.objects.filter(note_id=row.note_id, status=Appeal.Status.OPEN).update(
                status=Appeal.Status.RESTORED if action == "restore" else Appeal.Status.UPHELD,
                resolved_at=timezone.now(),
                resolved_by=moderator,
            )
        status = Report.Status.ACTIONED if action == "remove" else Report.Status.DISMISSED
        same = (
            Q(object_id=row.object_id)
            if private
            else Q(fix_id=row.fix_id)
            if row.fix_id
            else Q(note_id=row.note_id)
            if row.note_id
            else Q(comment_id=row.comment_id)
            if row.comment_id
            else Q(account_id=row.account_id)
        )
        same_target = Report.objects.filter(same, status=Report.Status.OPEN, kind=row.kind)
        same_target.update(status=status, resolved_at=timezone.now(), resolved_by=moderator)
        AuditLog.objects.create(
            actor=moderator,
            action=action,
            kind=row.kind,
            target_id=row.target_id or 0,
            report=row,
            reason=reason[:300],
        )
    row.refresh_from_db()
    return row


def resolve_appeal(moderator: User, appeal_id: int, *, restore: bool, reason: str = "") -> Appeal:
    """Show the note again (`restore`) or keep it hidden; the author is told either way."""
    _require_moderator(moderator)
    row = Appeal.objects.filter(pk=appeal_id, status=Appeal.Status.OPEN).first()
    if row is None:
        raise NotFound(_("Appeal not found."))
    with transaction.atomic():
        if restore:
            notes.set_removed(row.note_id, False)
        row.status = Appeal.Status.RESTORED if restore else Appeal.Status.UPHELD
        row.resolved_at, row.resolved_by = timezone.now(), moderator
        row.save(update_fields=["status", "resolved_at", "resolved_by"])
        Report.objects.filter(note_id=row.note_id, status=Report.Status.OPEN).update(
            status=Report.Status.DISMISSED if restore else Report.Status.ACTIONED,
            resolved_at=timezone.now(),
            resolved_by=moderator,
        )
        AuditLog.objects.create(
            actor=moderator,
            action="appeal_restore" if restore else "appeal_uphold",
            kind="note",
            target_id=row.note_id,
            reason=reason[:300],
        )
    return row

"""Reporting and moderation use cases."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotFound
from qiao.core.ratelimit import rate_limited
from qiao.core.text import normalize
from qiao.moderation import signals
from qiao.moderation.models import AuditLog, Report
from qiao.notes.access import get_note_for
from qiao.notes.models import Note
from qiao.social.models import Comment


@rate_limited("report")
def report(reporter: User, *, kind: str, target_id: int, reason: str, details: str = ""
           ) -> Report:
    """File a report (one open report per reporter and target). Enough distinct reporters
    hide a note until a moderator looks at it."""
    if kind not in (Report.Kind.NOTE, Report.Kind.COMMENT, Report.Kind.USER):
        raise Invalid(_("Unknown kind of report."), fields={"kind": [_("Unknown.")]})
    _check_reason(reason)
    details = normalize(details)[:500]
    target: dict[str, object] = {}
    if kind == Report.Kind.NOTE:
        note = get_note_for(reporter, target_id)
        if note.author_id == reporter.pk:
            raise Invalid(_("You cannot report your own note."))
        target = {"note": note}
    elif kind == Report.Kind.COMMENT:
        comment = Comment.objects.filter(pk=target_id, is_removed=False).first()
        if comment is None:
            raise NotFound(_("Comment not found."))
        get_note_for(reporter, comment.note_id)
        target = {"comment": comment}
    else:
        account = User.objects.filter(pk=target_id, is_active=True).first()
        if account is None or account.pk == reporter.pk:
            raise NotFound(_("User not found."))
        target = {"account": account}
    existing = Report.objects.filter(reporter=reporter, status=Report.Status.OPEN,
                                     **target).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        row = Report.objects.create(reporter=reporter, kind=kind, reason=reason,
                                    details=details, **target)
        if kind == Report.Kind.NOTE and row.note_id is not None:
            _maybe_auto_hide(row.note_id)
    return row


def _check_reason(reason: str) -> None:
    if reason not in Report.Reason.values:
        raise Invalid(_("Choose a reason."), fields={"reason": [_("Choose a reason.")]})


@rate_limited("report")
def report_private(reporter: User, *, kind: str, object_id: int, account_id: int | None,
                   reason: str, details: str = "", context: list[dict[str, object]]
                   ) -> Report:
    """File a report on private content (a direct message or a conversation). The caller —
    the domain that owns the content — has checked that the reporter may see it, and hands
    over the account responsible and what the reporter saw (`context`, kept as is)."""
    if kind not in (Report.Kind.MESSAGE, Report.Kind.CONVERSATION):
        raise Invalid(_("Unknown kind of report."), fields={"kind": [_("Unknown.")]})
    _check_reason(reason)
    existing = Report.objects.filter(reporter=reporter, status=Report.Status.OPEN, kind=kind,
                                     object_id=object_id).first()
    if existing is not None:
        return existing
    return Report.objects.create(
        reporter=reporter, kind=kind, object_id=object_id, account_id=account_id,
        reason=reason, details=normalize(details)[:500], context=context[:50])


def _maybe_auto_hide(note_id: int) -> None:
    reporters = (Report.objects.filter(note_id=note_id, status=Report.Status.OPEN)
                 .values("reporter").distinct().count())
    if reporters >= settings.QIAO_AUTO_HIDE_REPORTS and Note.objects.filter(
            pk=note_id, is_removed=False).update(is_removed=True):
        AuditLog.objects.create(actor=None, action="auto_hide", kind="note",
                                target_id=note_id, reason=f"{reporters} people reported it")


def _require_moderator(user: User) -> None:
    if not (user.is_staff and user.has_perm("moderation.moderate")):
        raise Forbidden(_("Only moderators can do this."))


def open_queue() -> list[Report]:
    return list(Report.objects.filter(status=Report.Status.OPEN)
                .select_related("reporter", "note", "comment", "account")
                .order_by("created_at"))


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
            signals.content_removed.send(sender=Report, kind=row.kind,
                                         object_id=row.object_id)
        elif action == "remove":
            if row.note_id:
                Note.objects.filter(pk=row.note_id).update(is_removed=True)
            elif row.comment_id:
                Comment.objects.filter(pk=row.comment_id).update(is_removed=True)
            elif row.account_id:
                User.objects.filter(pk=row.account_id).update(is_active=False)
        elif action == "restore" and row.note_id:
            Note.objects.filter(pk=row.note_id).update(is_removed=False)
        status = Report.Status.ACTIONED if action == "remove" else Report.Status.DISMISSED
        same = (Q(object_id=row.object_id) if private else
                Q(note_id=row.note_id) if row.note_id else
                Q(comment_id=row.comment_id) if row.comment_id else
                Q(account_id=row.account_id))
        same_target = Report.objects.filter(same, status=Report.Status.OPEN, kind=row.kind)
        same_target.update(status=status, resolved_at=timezone.now(), resolved_by=moderator)
        AuditLog.objects.create(actor=moderator, action=action, kind=row.kind,
                                target_id=row.target_id or 0, report=row, reason=reason[:300])
    row.refresh_from_db()
    return row

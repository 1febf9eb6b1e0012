"""Suggested fixes: a reader suggests a better translation of a note or a comment; its
author (or a moderator) accepts or declines it; a moderator may remove one after a report.

Accepting replaces the machine translation for every reader (a note's through
`translation.services.save_community_version`; a comment's is read from here by
`fixes.read`), tells the suggester, and offers the words the reader changed to the glossary
as candidates (`engines.translate.glossary_candidates.candidate_terms` →
`translation.services.add_candidates`).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.accounts.models import User
from qiao.core.errors import Forbidden, Invalid, NotFound
from qiao.core.ratelimit import rate_limited
from qiao.core.text import clean
from qiao.engines.translate.base import base_language
from qiao.engines.translate.glossary_candidates import candidate_terms
from qiao.fixes import access
from qiao.fixes.models import SuggestedFix
from qiao.fixes.read import comment_for_reader
from qiao.notes.access import get_note_for
from qiao.notes.models import BODY_MAX, TITLE_MAX
from qiao.social.access import get_comment_for
from qiao.social.models import Notification
from qiao.social.services import COMMENT_MAX, notify
from qiao.translation import services as translation
from qiao.translation.access import may_suggest_fix

logger = logging.getLogger(__name__)
REASON_MAX = 300


def _check_language(language: str, source: str | None) -> str:
    target = translation.target_for(None, language)  # one of the site's languages
    if not translation.translatable(source):
        raise Invalid(
            translation.not_translated_message(source) or _("This text is not machine-translated."),
            code="not_translated",
        )
    if base_language(source or "") == target:
        raise Invalid(_("The text is already in that language."), code="same_language")
    return target


def _pending_of(suggester: User, **target: object) -> SuggestedFix | None:
    return SuggestedFix.objects.filter(
        suggester=suggester, status=SuggestedFix.Status.PENDING, **target
    ).first()


@rate_limited("suggest")
def suggest_note_fix(
    reader: User, note_id: int, *, language: str, title: str, body: str = "", reason: str = ""
) -> SuggestedFix:
    """Suggest a better translation of a note's title and text into `language`. The reader
    must see the note (blocks hide it both ways) and a machine translation or an earlier
    fix of it; one pending suggestion per reader, note and language (a new one replaces
    it)."""
    note = get_note_for(reader, note_id)
    if not note.is_published:
        raise NotFound(_("Note not found."))
    target = _check_language(language, note.language)
    current = translation.current_version(note, target)
    if current is None:
        raise Invalid(
            _("There is no translation of this note to improve yet."), code="nothing_to_fix"
        )
    if not may_suggest_fix(reader, note.author_id, current.engine):
        raise Forbidden(_("You cannot suggest a translation of this text."))
    title = clean(title, "title", max_length=TITLE_MAX, required=True)
    body = clean(body, "body", max_length=BODY_MAX, multiline=True, required=bool(note.body))
    reason = clean(reason, "reason", max_length=REASON_MAX)
    if title == current.title and body == current.body:
        raise Invalid(
            _("Change something first: this is the translation readers see now."), code="unchanged"
        )
    with transaction.atomic():
        fix = _pending_of(reader, note=note, comment=None, language=target)
        values = {
            "title": title,
            "text": body,
            "reason": reason,
            "machine_title": current.title,
            "machine_text": current.body,
            "original_title": note.title,
            "original_text": note.body,
            "source_language": note.language or "",
            "created_at": timezone.now(),
        }
        if fix is None:
            fix = SuggestedFix.objects.create(
                kind=SuggestedFix.Kind.NOTE,
                note=note,
                author_id=note.author_id,
                suggester=reader,
                language=target,
                **values,
            )
            notify(note.author_id, reader, Notification.Kind.FIX_SUGGESTED, note=note)
        else:
            SuggestedFix.objects.filter(pk=fix.pk).update(**values)
            fix.refresh_from_db()
    return fix


@rate_limited("suggest")
def suggest_comment_fix(
    reader: User, comment_id: int, *, language: str, text: str, reason: str = ""
) -> SuggestedFix:
    """Suggest a better translation of a comment into `language` (as `suggest_note_fix`)."""
    comment = get_comment_for(reader, comment_id)
    target = _check_language(language, comment.language)
    current = comment_for_reader(reader, comment_id, target)
    if not may_suggest_fix(reader, comment.author_id, current["engine"]):
        raise Forbidden(_("You cannot suggest a translation of this text."))
    text = clean(text, "text", max_length=COMMENT_MAX, multiline=True, required=True)
    reason = clean(reason, "reason", max_length=REASON_MAX)
    if text == current["text"]:
        raise Invalid(
            _("Change something first: this is the translation readers see now."), code="unchanged"
        )
    with transaction.atomic():
        fix = _pending_of(reader, comment=comment, language=target)
        values = {
            "text": text,
            "reason": reason,
            "machine_text": current["text"],
            "original_text": comment.body,
            "source_language": comment.language or "",
            "created_at": timezone.now(),
        }
        if fix is None:
            fix = SuggestedFix.objects.create(
                kind=SuggestedFix.Kind.COMMENT,
                note_id=comment.note_id,
                comment=comment,
                author_id=comment.author_id,
                suggester=reader,
                language=target,
                **values,
            )
            notify(
                comment.author_id,
                reader,
                Notification.Kind.FIX_SUGGESTED,
                note=comment.note,
                comment=comment,
            )
        else:
            SuggestedFix.objects.filter(pk=fix.pk).update(**values)
            fix.refresh_from_db()
    return fix


def _decidable(actor: User, fix_id: int) -> SuggestedFix:
    fix = access.get_fix_for(actor, fix_id)
    if not access.can_decide(actor, fix):
        raise Forbidden(_("Only the author or a moderator can decide on a suggestion."))
    if fix.status != SuggestedFix.Status.PENDING:
        raise Invalid(_("This suggestion was already decided."), code="decided")
    if not access.can_see_target(actor, fix):
        raise NotFound(_("Suggestion not found."))
    return fix


@rate_limited("write")
def accept_fix(actor: User, fix_id: int) -> SuggestedFix:
    """The author (or a moderator) accepts: every reader now sees the fix, labelled
    "Improved by the community"; the suggester is told; the words they changed become
    glossary candidates."""
    fix = _decidable(actor, fix_id)
    with transaction.atomic():
        if fix.kind == SuggestedFix.Kind.NOTE:
            if translation.has_author_version(fix.note, fix.language):
                raise Invalid(
                    _("The author's own version is shown in this language."), code="author_version"
                )
            translation.save_community_version(
                fix.note, fix.language, title=fix.title, body=fix.text, suggested_by=fix.suggester
            )
            earlier = SuggestedFix.objects.filter(
                note=fix.note, comment=None, language=fix.language
            )
        else:
            earlier = SuggestedFix.objects.filter(comment=fix.comment, language=fix.language)
        earlier.filter(status=SuggestedFix.Status.ACCEPTED).update(
            status=SuggestedFix.Status.SUPERSEDED
        )
        SuggestedFix.objects.filter(pk=fix.pk).update(
            status=SuggestedFix.Status.ACCEPTED, decided_at=timezone.now(), decided_by=actor
        )
        if fix.suggester_id is not None:
            notify(
                fix.suggester_id,
                actor,
                Notification.Kind.FIX_ACCEPTED,
                note=fix.note,
                comment=fix.comment,
            )
        _offer_to_glossary(fix)
    fix.refresh_from_db()
    return fix


def _offer_to_glossary(fix: SuggestedFix) -> None:
    pairs: list[tuple[str, str]] = []
    for source, machine, fixed in (
        (fix.original_title, fix.machine_title, fix.title),
        (fix.original_text, fix.machine_text, fix.text),
    ):
        if source and fixed and machine != fixed:
            try:
                pairs += candidate_terms(source, machine, fixed, fix.source_language, fix.language)
            except Exception:  # candidates are a bonus; accepting must work
                logger.warning(
                    "could not learn glossary candidates from fix %s", fix.pk, exc_info=True
                )
    if pairs:
        context = "\n".join(
            x for x in (fix.original_title, fix.original_text, "→", fix.title, fix.text) if x
        )
        translation.add_candidates(pairs, suggested_by=fix.suggester, context=context)


@rate_limited("write")
def decline_fix(actor: User, fix_id: int) -> SuggestedFix:
    """The author (or a moderator) declines; the suggester sees it in their list."""
    fix = _decidable(actor, fix_id)
    SuggestedFix.objects.filter(pk=fix.pk).update(
        status=SuggestedFix.Status.DECLINED, decided_at=timezone.now(), decided_by=actor
    )
    fix.refresh_from_db()
    return fix


@rate_limited("write")
def withdraw_fix(suggester: User, fix_id: int) -> None:
    fix = access.get_fix_for(suggester, fix_id)
    if not access.can_withdraw(suggester, fix):
        raise Invalid(
            _("Only a pending suggestion of yours can be withdrawn."), code="not_withdrawable"
        )
    SuggestedFix.objects.filter(pk=fix.pk).update(status=SuggestedFix.Status.WITHDRAWN)


def remove_fix(moderator: User, fix_id: int) -> None:
    """A moderator takes a fix down after a report; if readers saw it, they see the
    machine translation again. (Called by `moderation.services.resolve`, which checked the
    moderator.)"""
    fix = SuggestedFix.objects.filter(pk=fix_id).first()
    if fix is None:
        return
    with transaction.atomic():
        if fix.status == SuggestedFix.Status.ACCEPTED and fix.kind == SuggestedFix.Kind.NOTE:
            translation.drop_community_version(fix.note_id, fix.language)
        SuggestedFix.objects.filter(pk=fix.pk).update(
            status=SuggestedFix.Status.REMOVED, decided_at=timezone.now(), decided_by=moderator
        )


# --- what happens to the texts (receivers.py) -------------------------------------------


def note_text_changed(note_id: int) -> None:
    """The note was edited: pending fixes of its old text are outdated (its comments' are
    not)."""
    SuggestedFix.objects.filter(
        note_id=note_id, comment=None, status=SuggestedFix.Status.PENDING
    ).update(status=SuggestedFix.Status.OUTDATED)


def forget_between(a: int, b: int) -> None:
    """A block: pending suggestions between the two go (neither may reach the other)."""
    SuggestedFix.objects.filter(
        Q(suggester_id=a, author_id=b) | Q(suggester_id=b, author_id=a),
        status=SuggestedFix.Status.PENDING,
    ).delete()


def forget_pending_of(user_id: int) -> None:
    """An account is going: its pending suggestions go with it (accepted ones stay, as a
    reader's)."""
    SuggestedFix.objects.filter(suggester_id=user_id, status=SuggestedFix.Status.PENDING).delete()

"""Account use cases: sign-up, sign-in, profile, tokens, deletion, follows and blocks."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from qiao.accounts import signals
from qiao.accounts.access import is_blocked
from qiao.accounts.backends import throttle_wait
from qiao.accounts.models import ApiToken, Block, Follow, User, username_validator
from qiao.core.errors import Invalid, NotAuthenticated, NotFound, RateLimited
from qiao.core.media import image_policy, rejection_message
from qiao.core.ratelimit import rate_limited, spend
from qiao.core.text import clean, normalize_topic
from qiao.core.uploads import Upload, read_upload
from qiao.engines.media import ImageRejected, estimate_image, inspect_image
from qiao.engines.recommend.rerank import MIN_LANGUAGE_MIX

logger = logging.getLogger(__name__)

UI_LANGUAGES = {code for code, _name in settings.LANGUAGES}
#: Profile text fields: (most characters, may have line breaks).
TEXT_FIELDS = {
    "display_name": (50, False),
    "bio": (300, True),
    "chinese_name": (12, False),
    "chinese_name_pinyin": (60, False),
}
MAX_INTERESTS = 30
PROFILE_FIELDS = {
    "display_name",
    "bio",
    "ui_language",
    "read_languages",
    "chinese_name",
    "chinese_name_pinyin",
    "is_private",
    "auto_translate",
    "autoplay_videos",
    "interests",
    "language_mix",
}
#: The language-mix steps members choose from (share of For you in their first reading
#: language): mostly mine, some of both, half and half. The engine serves any share from
#: MIN_LANGUAGE_MIX to 1; 20 points apart, each step is still told apart from its neighbour
#: on a page of 20 when the realised share misses by the ±5 points allowed.
LANGUAGE_MIX_STEPS = (0.9, 0.7, 0.5)


def clean_language_mix(raw: object) -> float | None:
    """A language mix: None (the site default) or a share from MIN_LANGUAGE_MIX to 1."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise Invalid(
            _("Choose how much of your feed is in your language."),
            fields={
                "language_mix": [_("Choose a share from %(lo)s to 1.") % {"lo": MIN_LANGUAGE_MIX}]
            },
        )
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (MIN_LANGUAGE_MIX <= value <= 1.0):  # also refuses NaN
        raise Invalid(
            _("Choose how much of your feed is in your language."),
            fields={
                "language_mix": [_("Choose a share from %(lo)s to 1.") % {"lo": MIN_LANGUAGE_MIX}]
            },
        )
    return round(value, 2)


def _field_errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@rate_limited("signup")
def sign_up(
    *,
    username: str,
    email: str,
    password: str,
    ui_language: str = "",
    read_languages: list[str] | None = None,
    display_name: str = "",
) -> User:
    """Create an account; raise Invalid with per-field messages."""
    username = (username or "").strip()
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        username_validator(username)
    except ValidationError as exc:
        errors["username"] = _field_errors(exc)
    try:
        validate_email(email)
    except ValidationError as exc:
        errors["email"] = _field_errors(exc)
    if not errors.get("username") and User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("That username is taken.")]
    if not errors.get("email") and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with that email already exists.")]
    try:
        validate_password(password or "", User(username=username, email=email))
    except ValidationError as exc:
        errors["password"] = _field_errors(exc)
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), fields=errors)
    langs = _clean_languages(read_languages or [])
    display_name = clean(display_name, "display_name", max_length=TEXT_FIELDS["display_name"][0])
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                email=email,
                password=password,
                display_name=display_name,
                ui_language=ui_language if ui_language in UI_LANGUAGES else "",
                read_languages=langs,
            )
    except IntegrityError as exc:
        raise Invalid(
            _("That username or email is already registered."),
            fields={"username": [_("That username is taken.")]},
        ) from exc
    return user


def sign_in(*, login: str, password: str) -> User:
    """The account for these credentials. Tries are limited per client address and, apart,
    per account (however the name is written), so guessing one password is slow and
    nobody can lock everyone out."""
    wait = throttle_wait(login)
    if wait:
        raise RateLimited(
            _("Too many sign-in attempts; try again in a few minutes."), retry_after=wait
        )
    user = authenticate(username=login, password=password)
    if user is None or not user.is_active:
        raise NotAuthenticated(_("Wrong username or password."), code="bad_credentials")
    assert isinstance(user, User)
    return user


def _clean_languages(langs: list[str]) -> list[str]:
    allowed = settings.QIAO_CONTENT_LANGUAGES
    out: list[str] = []
    for lang in langs:
        code = str(lang).strip().lower()
        if code not in allowed:
            raise Invalid(
                _("Unsupported language: %(code)s") % {"code": code},
                fields={
                    "read_languages": [_("Choose from: %(langs)s") % {"langs": ", ".join(allowed)}]
                },
            )
        if code not in out:
            out.append(code)
    return out


@rate_limited("write")
def _clean_interests(raw: object) -> list[str]:
    """Topic names for the recommender's cold start: each a short, clean word."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple) or len(raw) > MAX_INTERESTS * 2:
        raise Invalid(
            _("Choose at most %(n)d interests.") % {"n": MAX_INTERESTS},
            fields={"interests": [_("Choose at most %(n)d interests.") % {"n": MAX_INTERESTS}]},
        )
    names = [normalize_topic(clean(str(t), "interests", max_length=40)) for t in raw]
    return [t for t in dict.fromkeys(names) if t][:MAX_INTERESTS]


def update_profile(user: User, **changes: Any) -> User:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise Invalid(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    errors: dict[str, list[str]] = {}
    for field, (max_length, multiline) in TEXT_FIELDS.items():
        if field in changes:
            try:
                changes[field] = clean(
                    changes[field], field, max_length=max_length, multiline=multiline
                )
            except Invalid as exc:
                errors.update(exc.fields)
    if "ui_language" in changes and changes["ui_language"] not in UI_LANGUAGES | {""}:
        errors["ui_language"] = [_("Unsupported interface language.")]
    if "read_languages" in changes:
        try:
            changes["read_languages"] = _clean_languages(list(changes["read_languages"] or []))
        except Invalid as exc:
            errors.update(exc.fields)
    for flag in ("is_private", "auto_translate", "autoplay_videos"):
        if flag in changes and not isinstance(changes[flag], bool):
            errors[flag] = [_("Choose yes or no.")]
    if "interests" in changes:
        try:
            changes["interests"] = _clean_interests(changes["interests"])
        except Invalid as exc:
            errors.update(exc.fields)
    if "language_mix" in changes:
        try:
            changes["language_mix"] = clean_language_mix(changes["language_mix"])
        except Invalid as exc:
            errors.update(exc.fields)
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), fields=errors)
    for key, value in changes.items():
        setattr(user, key, value)
    if "bio" in changes:
        user.bio_language = None  # detected again by the translation domain
    user.save(update_fields=[*changes.keys(), *(["bio_language"] if "bio" in changes else [])])
    signals.profile_changed.send(sender=User, user_id=user.pk, changed=sorted(changes))
    return user


@rate_limited("write")
def set_language_mix(user: User, value: object) -> User:
    """The control above For you: a share (see LANGUAGE_MIX_STEPS) or None, the default."""
    return update_profile(user, language_mix=value)


def has_taken_part(user: User) -> bool:
    """Whether the account has done anything a person does here: posted, commented, liked."""
    return bool(user.note_count or user.comments.exists() or user.likes.exists())


def set_active(user_id: int, active: bool) -> bool:
    """Suspend an account (its content disappears with it) or lift the suspension; the
    caller is a moderator's service."""
    return bool(User.objects.filter(pk=user_id).exclude(is_active=active).update(is_active=active))


def set_bio_language(user_id: int, language: str | None) -> None:
    """Record the detected language of a bio (the translation domain detects it)."""
    User.objects.filter(pk=user_id).update(bio_language=language)


def complete_onboarding(
    user: User,
    *,
    ui_language: str,
    read_languages: list[str],
    interests: list[str],
    language_mix: object = None,
) -> User:
    """Store the first-run choices (the recommender's cold start) and mark the user onboarded.

    At least three interests are required; languages are validated as in update_profile.
    """
    chosen = _clean_interests(list(interests))
    errors: dict[str, list[str]] = {}
    if len(chosen) < 3:
        errors["interests"] = [_("Pick at least three interests.")]
    if not read_languages:
        errors["read_languages"] = [_("Pick at least one language you read.")]
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), fields=errors)
    update_profile(
        user,
        ui_language=ui_language,
        read_languages=read_languages,
        interests=chosen,
        language_mix=language_mix or None,
    )
    user.onboarded = True
    user.save(update_fields=["onboarded"])
    return user


@rate_limited("write")
def set_avatar(user: User, upload: Upload | bytes) -> User:
    """Validate, crop square, store a 256-px WebP; replace and delete the old file."""
    from PIL import ImageOps

    data = read_upload(upload, settings.QIAO_MAX_UPLOAD_BYTES, field="avatar")
    try:
        spend("pixels", f"u{user.pk}", estimate_image(data, image_policy()).decode_pixels)
        checked = inspect_image(data, image_policy())
    except ImageRejected as exc:
        message = rejection_message(exc)
        raise Invalid(message, code=exc.code, fields={"avatar": [message]}) from exc
    import io

    square = ImageOps.fit(checked.image, (256, 256))
    buf = io.BytesIO()
    square.save(buf, "WEBP", quality=82)
    old = user.avatar
    user.avatar = default_storage.save(f"avatars/{user.pk}.webp", ContentFile(buf.getvalue()))
    user.avatar_color = checked.dominant_color
    user.save(update_fields=["avatar", "avatar_color"])
    if old and old != user.avatar:
        _delete_files([old])
    return user


def issue_token(user: User, label: str = "") -> str:
    _token, raw = ApiToken.issue(user, label)
    return raw


def revoke_token(raw: str) -> None:
    if raw:
        ApiToken.objects.filter(key_hash=ApiToken.hash_key(raw)).delete()


def user_for_token(raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(raw)).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        if not path:
            continue
        try:
            default_storage.delete(path)
        except Exception:  # noqa: BLE001 - a missing file must not stop a deletion
            logger.warning("could not delete media file %s", path)


def delete_account(user: User) -> None:
    """Remove the user and everything they made. Each domain above takes its part through
    `signals.account_deleting` (media files, events, counters on other people's rows)."""
    paths = [user.avatar] if user.avatar else []
    with transaction.atomic():
        related = set(Follow.objects.filter(follower=user).values_list("followee_id", flat=True))
        related |= set(Follow.objects.filter(followee=user).values_list("follower_id", flat=True))
        # Receivers may hand back a callable to run once the rows are gone.
        responses: list[tuple[object, object]] = list(
            signals.account_deleting.send(sender=User, user_id=user.pk)
        )
        after = [fix for _receiver, fix in responses if callable(fix)]
        user.delete()
        for fix in after:
            fix()
        for uid in related:
            User.objects.filter(pk=uid).update(
                follower_count=Follow.objects.filter(
                    followee_id=uid, status=Follow.Status.ACCEPTED
                ).count(),
                following_count=Follow.objects.filter(
                    follower_id=uid, status=Follow.Status.ACCEPTED
                ).count(),
            )
    transaction.on_commit(lambda: _delete_files(paths))


# --- Follow and block -------------------------------------------------------------------


@rate_limited("write")
def follow(viewer: User, target: User) -> str:
    """Follow `target`; returns "accepted" or "pending" (private accounts approve)."""
    if viewer.pk == target.pk:
        raise Invalid(_("You cannot follow yourself."))
    if is_blocked(viewer, target):
        raise NotFound(_("User not found."))
    status = Follow.Status.PENDING if target.is_private else Follow.Status.ACCEPTED
    with transaction.atomic():
        existing = (
            Follow.objects.select_for_update().filter(follower=viewer, followee=target).first()
        )
        if existing:
            return existing.status
        try:
            with transaction.atomic():
                Follow.objects.create(follower=viewer, followee=target, status=status)
        except IntegrityError:
            return Follow.objects.get(follower=viewer, followee=target).status
        if status == Follow.Status.ACCEPTED:
            _count_follow(viewer.pk, target.pk, +1)
        signals.followed.send(
            sender=Follow, follower_id=viewer.pk, followee_id=target.pk, status=status
        )
    return status


def _count_follow(follower_id: int, followee_id: int, delta: int) -> None:
    if delta > 0:
        User.objects.filter(pk=follower_id).update(following_count=F("following_count") + 1)
        User.objects.filter(pk=followee_id).update(follower_count=F("follower_count") + 1)
    else:
        User.objects.filter(pk=follower_id, following_count__gt=0).update(
            following_count=F("following_count") - 1
        )
        User.objects.filter(pk=followee_id, follower_count__gt=0).update(
            follower_count=F("follower_count") - 1
        )


@rate_limited("write")
def unfollow(viewer: User, target: User) -> None:
    with transaction.atomic():
        row = Follow.objects.select_for_update().filter(follower=viewer, followee=target).first()
        if row is None:
            return
        was_accepted = row.status == Follow.Status.ACCEPTED
        row.delete()
        if was_accepted:
            _count_follow(viewer.pk, target.pk, -1)


@rate_limited("write")
def respond_to_request(owner: User, requester: User, *, approve: bool) -> None:
    with transaction.atomic():
        row = (
            Follow.objects.select_for_update()
            .filter(follower=requester, followee=owner, status=Follow.Status.PENDING)
            .first()
        )
        if row is None:
            raise NotFound(_("No such follow request."))
        if approve:
            row.status = Follow.Status.ACCEPTED
            row.save(update_fields=["status"])
            _count_follow(requester.pk, owner.pk, +1)
        else:
            row.delete()
        signals.follow_request_answered.send(
            sender=Follow, requester_id=requester.pk, owner_id=owner.pk, approved=approve
        )


@rate_limited("write")
def block(viewer: User, target: User) -> None:
    """Block `target`: follows both ways end, and each disappears from the other's view."""
    if viewer.pk == target.pk:
        raise Invalid(_("You cannot block yourself."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                Block.objects.create(blocker=viewer, blocked=target)
        except IntegrityError:
            return
        for a, b in ((viewer, target), (target, viewer)):
            row = Follow.objects.filter(follower=a, followee=b).first()
            if row:
                if row.status == Follow.Status.ACCEPTED:
                    _count_follow(a.pk, b.pk, -1)
                row.delete()
        signals.blocked.send(sender=Block, blocker_id=viewer.pk, blocked_id=target.pk)


@rate_limited("write")
def unblock(viewer: User, target: User) -> None:
    Block.objects.filter(blocker=viewer, blocked=target).delete()

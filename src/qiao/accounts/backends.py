"""The one authentication backend: Django's model backend behind the sign-in throttle, so
the pages, the API and the admin's log-in share one set of counters (core.ratelimit)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from qiao.accounts.models import User
from qiao.core.errors import RateLimited
from qiao.core.ratelimit import client_ip, client_ip_var, hit, is_limited


def resolve_username(login: str) -> str:
    """The account's username for what was typed: any case, spaces around, or its e-mail."""
    login = (login or "").strip()
    lookup = {"email__iexact": login} if "@" in login else {"username__iexact": login}
    found = User.objects.filter(**lookup).values_list("username", flat=True).first()
    return found or login


def account_key(login: str) -> str:
    """One key per account however its name is written: " Bob ", "BOB", bob's e-mail."""
    return resolve_username(login).casefold()


def throttle_wait(login: str) -> int:
    """Seconds before `login` may be tried again from this client (0: now)."""
    key, ip = account_key(login), client_ip_var.get() or "unknown"
    return max(
        is_limited("login", f"{key}|{ip}"),
        is_limited("login_ip", ip),
        is_limited("login_account", key),
    )


def count_failure(login: str) -> None:
    key, ip = account_key(login), client_ip_var.get() or "unknown"
    hit("login", f"{key}|{ip}")
    hit("login_ip", ip)
    hit("login_account", key)


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        login = username or str(kwargs.get("email", "") or "")
        token = client_ip_var.set(client_ip(request)) if request is not None else None
        try:
            wait = throttle_wait(login)
            if wait:
                # PermissionDenied stops Django trying other backends; sign_in turns it into
                # a 429 with Retry-After.
                raise PermissionDenied(RateLimited("", retry_after=wait))
            user = super().authenticate(
                request, username=resolve_username(login), password=password, **kwargs
            )
            if user is None:
                count_failure(login)
            return user if isinstance(user, User) else None
        finally:
            if token is not None:
                client_ip_var.reset(token)

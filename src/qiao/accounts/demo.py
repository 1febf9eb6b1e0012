"""The demo account a fresh site is seeded with (`qiao.ops.demo`): its documented sign-in,
and whether it still works (shown on the log-in page and by `qiao serve` only while it does:
never on a site without the demo, nor after its owner changed the password)."""

from __future__ import annotations

from django.core.cache import cache

from qiao.accounts.models import User

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "qiao-demo-pass"  # noqa: S105 - the documented demo credential
_CACHE_KEY = "accounts:demo-sign-in"


def demo_sign_in_works() -> bool:
    """Whether `demo` / DEMO_PASSWORD signs in here (checked once a minute: the password
    check is deliberately slow)."""
    known = cache.get(_CACHE_KEY)
    if known is None:
        user = User.objects.filter(username=DEMO_USERNAME, is_active=True).first()
        known = bool(user and user.check_password(DEMO_PASSWORD))
        cache.set(_CACHE_KEY, known, 60)
    return bool(known)

"""The three actors of every finding (as in the break-in attempt): bob, carol who bob
blocks, and dave, a third member on whose note they meet; plus a moderator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone


@pytest.fixture
def limits(settings: Any) -> Iterator[None]:
    """Rate limits on, with fresh counters."""
    settings.QIAO_RATE_LIMITS_ENABLED = True
    caches[settings.QIAO_RATE_LIMIT_CACHE_ALIAS].clear()
    yield
    caches[settings.QIAO_RATE_LIMIT_CACHE_ALIAS].clear()


@pytest.fixture
def moderator(make_user: Any) -> Any:
    from django.contrib.auth.models import Group

    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return type(user).objects.get(pk=user.pk)  # reload: permissions are cached


@pytest.fixture
def established(make_user: Any, make_note: Any) -> Any:
    """established() -> a member of two months who has posted (full standing)."""

    def make(**kw: Any) -> Any:
        user = make_user(date_joined=timezone.now() - timedelta(days=60), **kw)
        make_note(user)
        user.refresh_from_db()
        return user

    return make

"""The cast of the direct-message tests: two people who follow each other, a stranger, a
private account, and helpers to follow and to read a member's live event log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qiao.accounts import services as accounts


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    ann = make_user(username="ann", read_languages=["en"])
    bo = make_user(username="bo", read_languages=["zh"], ui_language="zh-hans")
    stranger = make_user(username="stranger", read_languages=["en"])
    private = make_user(username="private_pat", is_private=True, read_languages=["en"])
    accounts.follow(ann, bo)
    accounts.follow(bo, ann)
    return {"ann": ann, "bo": bo, "stranger": stranger, "private": private}


@pytest.fixture
def events() -> Callable[[Any], list[tuple[str, dict[str, Any]]]]:
    """events(user) -> the kinds and data of the member's event log, oldest first."""
    from qiao.messages.models import LiveEvent

    def _events(user: Any) -> list[tuple[str, dict[str, Any]]]:
        return [(e.kind, e.data) for e in LiveEvent.objects.filter(user=user).order_by("seq")]

    return _events

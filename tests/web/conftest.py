"""Fixtures for the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def libre(settings: Any) -> Iterator[Any]:
    """Translation through a local LibreTranslate-compatible server (no models needed)."""
    from qiao.translation import services
    from tests.fakes import libretranslate_server

    with libretranslate_server() as server:
        settings.QIAO_TRANSLATE_ENGINES = ["libretranslate"]
        settings.QIAO_LIBRETRANSLATE_URL = server.url
        services.reset_service()
        yield server
    services.reset_service()

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_service() -> Iterator[None]:
    from qiao.translation import services

    services.reset_service()
    yield
    services.reset_service()

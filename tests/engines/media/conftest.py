from __future__ import annotations

from pathlib import Path

import pytest

from qiao.engines.media.video import video_support
from qiao.engines.media.video.synth import bad_inputs


@pytest.fixture(scope="session")
def needs_video() -> None:
    ok, why = video_support()
    if not ok:  # pragma: no cover - PyAV is a pinned dependency
        pytest.skip(why)


@pytest.fixture(scope="session")
def bad_suite(
    tmp_path_factory: pytest.TempPathFactory, needs_video: None
) -> dict[str, tuple[Path, str]]:
    return bad_inputs(tmp_path_factory.mktemp("bad-videos"))

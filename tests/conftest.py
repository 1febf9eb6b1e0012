"""Shared fixtures: users, notes with real images, API clients.

Engine tests (tests/engines/...) need none of this and run without a database.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from qiao.core import clock as qiao_clock


@pytest.fixture(autouse=True)
def clock() -> Iterator[qiao_clock.FrozenClock]:
    """The platform clock (`qiao.core.clock`), pinned for every test: it reads the wall time
    once, at the start, and then stands still until the test moves it
    (`clock.advance(seconds)`, `clock.set(epoch_seconds)`). Rate-limit windows and the
    per-minute shared feed list therefore never roll over in the middle of a test."""
    frozen = qiao_clock.FrozenClock()
    with qiao_clock.using(frozen):
        yield frozen


@pytest.fixture(autouse=True)
def _fresh_caches(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """Caches must not carry one test's state into the next. Local-memory caches live as
    long as the test process (a list of note ids one test cached — the visitors' popular
    list is kept for a minute — must not be the next test's feed): cleared before each test.
    The database cache table (the shared feed lists) is not one of Django's models, so a
    transactional test's flush leaves its rows behind: emptied after each database test."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all(initialized_only=True):
        if isinstance(cache, LocMemCache):
            cache.clear()
    yield
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    )
    if not uses_db:
        return
    from django.core.cache.backends.db import DatabaseCache

    with django_db_blocker.unblock():
        for cache in caches.all(initialized_only=True):
            # (no cache table in this database yet, or a test left the connection patched:
            # emptying a cache must never fail the test it follows)
            if isinstance(cache, DatabaseCache):
                with contextlib.suppress(Exception):
                    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each Django test writes media to its own folder (engine tests need no Django)."""
    uses_django = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("settings", "db", "transactional_db")
    )
    if not uses_django:
        return
    settings = request.getfixturevalue("settings")
    if getattr(settings, "MEDIA_STORAGE", "local") == "local":
        settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    # The web process keeps the loaded recommender in module state: a model trained by one
    # test (on its own notes, in its own folder) must not serve the next test's feed.
    from qiao.feed import adapter

    adapter.forget_model()


@pytest.fixture
def image_bytes() -> Callable[..., bytes]:
    from tests import factories

    return factories.image_bytes


@pytest.fixture
def user(db: Any) -> Any:
    from tests import factories

    return factories.UserFactory()


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from tests import factories

    return factories.UserFactory


@pytest.fixture
def make_note(db: Any, run_tasks: None) -> Callable[..., Any]:
    """Create a published note with real, processed images (variants rendered)."""

    from tests import factories

    def _make(author: Any = None, **kw: Any) -> Any:
        return factories.make_note(author or factories.UserFactory(), **kw)

    return _make


class ApiClient:
    """A test client that speaks JSON and carries a bearer token."""

    def __init__(self, client: Any, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, **self._headers())

    def post(self, path: str, data: Any = None, **kw: Any) -> Any:
        if kw.pop("multipart", False):
            return self.client.post("/api/v1" + path, data or {}, **self._headers())
        return self.client.post(
            "/api/v1" + path, data or {}, content_type="application/json", **self._headers()
        )

    def patch(self, path: str, data: Any = None) -> Any:
        return self.client.patch(
            "/api/v1" + path, data or {}, content_type="application/json", **self._headers()
        )

    def delete(self, path: str) -> Any:
        return self.client.delete("/api/v1" + path, **self._headers())


@pytest.fixture
def api(client: Any) -> ApiClient:
    """Anonymous API client."""
    return ApiClient(client)


@pytest.fixture
def api_as(db: Any) -> Callable[[Any], ApiClient]:
    """api_as(user) -> an API client authenticated with a fresh token for that user."""
    from django.test import Client

    from qiao.accounts.services import issue_token

    def _as(u: Any) -> ApiClient:
        return ApiClient(Client(), issue_token(u, "test"))

    return _as


@pytest.fixture
def run_tasks() -> Iterator[None]:
    """Run background tasks (image variants, translation) at once, inside the test's
    transaction, instead of after a commit that a test transaction never makes."""
    from qiao.core import tasks

    tasks.EAGER = True
    try:
        yield
    finally:
        tasks.EAGER = False


def png_bytes(w: int = 64, h: int = 48, color: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), color).save(buf, "PNG")
    return buf.getvalue()


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


_DEMO_PHOTOS: dict[tuple[tuple[str, ...], tuple[int, ...]], Any] = {}


@pytest.fixture(scope="module")
def demo_site(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The curated demo community, seeded once for the test module (committed, flushed at
    the end; each test still runs in its own rolled-back transaction on top of it).

    Photos get one small variant width, and the processed photos are kept for the session,
    so a second module pays only for the rows (~3 s), not for the pipeline again."""
    from django.core.management import call_command
    from django.test import override_settings

    from qiao.ops.demo import seed

    real = seed.process_photos

    def cached(photos: Any, widths: Any, **kw: Any) -> Any:
        key = (tuple(p.id for p in photos), tuple(widths))
        if key not in _DEMO_PHOTOS:
            _DEMO_PHOTOS[key] = real(photos, widths, **kw)
        return _DEMO_PHOTOS[key]

    from django.db import connection

    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media), QIAO_IMAGE_WIDTHS=[160]),
    ):
        # What the migrations put in (the Moderators group, the starter glossary…), to put
        # back after the flush: later modules rely on it.
        before = connection.creation.serialize_db_to_string()
        seed.process_photos = cached  # type: ignore[assignment] # a test-session cache
        try:
            report = seed.seed_demo(workers=2)
        finally:
            seed.process_photos = real  # type: ignore[assignment] # restored
        yield report
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(before)
        # The rows came back with their ids; PostgreSQL's sequences must move past them.
        from django.apps import apps
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

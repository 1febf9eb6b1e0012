"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

One browser per module (launching Chromium is the slow part); each test gets fresh
contexts. Screenshots go to test-output/ at the repository root.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("QIAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = Path(__file__).resolve().parents[3] / "test-output"


@pytest.fixture(autouse=True)
def _media_root(settings: Any) -> None:
    """Keep the MEDIA_ROOT the URLconf serves from (it was read at import time)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="module", autouse=True)
def _sync_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    between browser steps are ordinary synchronous code, so tell Django that is fine — for
    these tests only (the browser is stopped when the module ends)."""
    old = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if old is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = old


@pytest.fixture(scope="module")
def browser(_sync_orm_beside_playwright: None) -> Iterator[Any]:
    """One Chromium for the journeys module (launching it is the slow part)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # CI has two shared cores: give slow first requests (model loading) room to finish.
    expect.set_options(timeout=15_000)
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def base_url(live_server: Any, transactional_db: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def new_page(browser: Any, base_url: str) -> Iterator[Callable[..., Any]]:
    """new_page(user=None, phone=False) -> a page in a fresh context, signed in as user."""
    contexts: list[Any] = []

    def _new(user: Any = None, phone: bool = False, locale: str = "en-US") -> Any:
        options: dict[str, Any] = {"locale": locale, "base_url": base_url}
        if phone:
            options.update(
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                device_scale_factor=2,
            )
        else:
            options.update(viewport={"width": 1280, "height": 860})
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        if user is not None:
            from urllib.parse import urlsplit

            from django.conf import settings
            from django.test import Client

            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "domain": urlsplit(base_url).hostname,
                        "path": "/",
                    }
                ]
            )
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined] # a test-only attribute
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return page

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def shot() -> Callable[[Any, str], None]:
    OUTPUT.mkdir(exist_ok=True)

    def _shot(page: Any, name: str, full_page: bool = False) -> None:
        page.wait_for_timeout(350)  # let image fades and smooth scrolls finish
        page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=full_page)

    return _shot


@pytest.fixture
def photo_files(tmp_path: Path) -> list[str]:
    from tests.factories import image_bytes

    paths = []
    for i in range(2):
        path = tmp_path / f"photo{i + 1}.jpg"
        path.write_bytes(image_bytes(1200, 1500, seed=10 + i))
        paths.append(str(path))
    return paths

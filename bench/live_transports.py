"""Three ways to serve the live stream, for `bench/live.py --transport` — the measurement
behind the choice written up in docs/messages.md. Each is an ASGI application that serves
`/api/v1/live/stream` its own way and every other path exactly as `qiao.ops.asgi` does (pages on
a fixed thread pool), and each delivers from the same bus and event log, so only the way a
held connection is served differs:

- `qiao_app`: what ships — a bare ASGI endpoint (`qiao.api.live.asgi_stream`);
- `django_view_app`: a plain Django async view, reached through Django's own ASGI handler
  and the project's full middleware stack (sessions, auth, CSRF, metrics…);
- `channels_app`: Django Channels, an `AsyncHttpConsumer` (channels 4) per connection.

Run under gunicorn's asyncio worker: `gunicorn -k asgi live_transports:channels_app`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
django.setup()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402 - after django.setup()
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse  # noqa: E402 - after django.setup()
from django.urls import path  # noqa: E402 - after django.setup()

from qiao.api import live  # noqa: E402 - after django.setup()
from qiao.core import live as bus_module  # noqa: E402 - after django.setup()
from qiao.core.live import AsyncSubscriber  # noqa: E402 - after django.setup()
from qiao.ops.asgi import _pages  # noqa: E402 - after django.setup()
from qiao.ops.asgi import application as qiao_app  # noqa: E402 - after django.setup()

__all__ = ["channels_app", "django_view_app", "qiao_app"]


async def _events(user_id: int, position: int) -> AsyncIterator[bytes]:
    """The stream body every variant shares (the same as `asgi_stream`'s loop)."""
    loop = asyncio.get_running_loop()
    cursor = live.Cursor(user_id, position)
    sub = AsyncSubscriber(user_id, loop)
    bus_module.bus().subscribe(sub)
    try:
        yield live.hello(cursor.position)
        for event in await live.run_db(cursor.catch_up):
            yield live.frame(event)
        while not cursor.reset:
            event = await sub.get(15)
            if event is None:
                yield b": ping\n\n"
                continue
            ready = cursor.take(event)
            if ready is None:
                ready = await live.run_db(cursor.catch_up)
            for item in ready:
                yield live.frame(item)
    finally:
        bus_module.bus().unsubscribe(sub)


# --- a plain Django async view, through Django's ASGI handler -----------------------------


async def stream_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user = await live.run_db(
        live.authenticate,
        request.headers.get("Cookie", ""),
        request.headers.get("Authorization", ""),
    )
    if user is None:
        return HttpResponse(status=401)
    position = await live.run_db(
        live.start_position, user.pk, request.headers.get("Last-Event-ID"), request.GET.get("after")
    )
    response = StreamingHttpResponse(_events(user.pk, position), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [path("api/v1/live/stream", stream_view)]


class _StreamHandler(ASGIHandler):
    """Django's ASGI handler, resolving against this module's one URL."""

    def create_request(self, scope: Any, body_file: Any) -> Any:
        request, error = super().create_request(scope, body_file)
        if request is not None:
            request.urlconf = __name__
        return request, error


_django = _StreamHandler()


async def django_view_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope.get("path") == live.STREAM_PATH:
        await _django(scope, receive, send)
    elif scope["type"] == "http":
        await _pages(scope, receive, send)
    else:
        await qiao_app(scope, receive, send)


# --- Django Channels ----------------------------------------------------------------------


def _channels_consumer() -> Any:
    from channels.generic.http import AsyncHttpConsumer

    class LiveConsumer(AsyncHttpConsumer):  # type: ignore[misc] # channels is untyped
        async def handle(self, body: bytes) -> None:
            headers = {k.decode().lower(): v.decode() for k, v in self.scope["headers"]}
            user = await live.run_db(
                live.authenticate, headers.get("cookie", ""), headers.get("authorization", "")
            )
            if user is None:
                await self.send_response(401, b"")
                return
            query = dict(
                p.partition("=")[::2]
                for p in self.scope.get("query_string", b"").decode().split("&")
                if p
            )
            position = await live.run_db(
                live.start_position, user.pk, headers.get("last-event-id"), query.get("after")
            )
            await self.send_headers(
                headers=[(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
            )
            async for chunk in _events(user.pk, position):
                await self.send_body(chunk, more_body=True)

    return LiveConsumer.as_asgi()


_consumer: Any = None


async def channels_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _consumer
    if scope["type"] == "http" and scope.get("path") == live.STREAM_PATH:
        if _consumer is None:
            _consumer = _channels_consumer()
        await _consumer(scope, receive, send)
    elif scope["type"] == "http":
        await _pages(scope, receive, send)
    else:
        await qiao_app(scope, receive, send)

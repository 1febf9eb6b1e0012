"""The ASGI application `qiao serve` runs (gunicorn's asyncio worker), in `ops` because it
wires the edges together (the floors: docs/architecture.md).

Two kinds of request, two ways of serving them:

- the live stream (`/api/v1/live/stream`) runs on the event loop (`qiao.api.live`): a held
  connection costs no thread and no database connection, so one worker holds thousands;
- every other request — pages, the JSON API, media — runs the ordinary Django (WSGI)
  application on a fixed pool of threads (`QIAO_THREADS` per worker), exactly as the
  threaded WSGI worker did: the same bounded concurrency, the same persistent database
  connections, the same middleware. Django's own ASGI handler would instead start a thread
  and a database connection per request and keep both for as long as a stream is open
  (docs/messages.md has the measurement).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
_wsgi = get_wsgi_application()

from qiao.api.live import STREAM_PATH, asgi_stream, drain  # noqa: E402 - after django.setup()

_pages = WSGIMiddleware(_wsgi, workers=int(os.environ.get("QIAO_THREADS", "4")))  # type: ignore[arg-type] # a2wsgi's WSGIApp alias is narrower than Django's handler
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def application(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    kind = scope["type"]
    if kind == "http" and scope.get("path") == STREAM_PATH:
        await asgi_stream(scope, receive, send)
    elif kind == "http":
        await _pages(scope, receive, send)  # type: ignore[arg-type] # ASGI dicts, typed loosely
    elif kind == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                drain()
                await send({"type": "lifespan.shutdown.complete"})
                return
    else:  # no WebSocket endpoint: the live stream is server-sent events
        await send({"type": "websocket.close", "code": 1000})

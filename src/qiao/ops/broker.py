"""The task broker as the operator sees it: where it is and how much work waits there."""

from __future__ import annotations

from typing import Any

from django.conf import settings

#: The Celery queue of every Qiao task but video work, and the queue of video work
#: (transcoding and automatic captions: minutes of CPU each, so they never hold up the rest).
QUEUE = "qiao"
VIDEO_QUEUE = "video"

_depth_client: Any = None


def broker_url() -> str:
    return settings.CELERY_BROKER_URL or "redis://127.0.0.1:6379/0"


def queue_depth(queue: str = QUEUE) -> int | None:
    """Messages waiting in a broker queue (None when it cannot be read, within ~1 s)."""
    global _depth_client
    try:
        if _depth_client is None:
            import redis

            _depth_client = redis.Redis.from_url(
                broker_url(),
                socket_connect_timeout=settings.QIAO_REDIS_CONNECT_TIMEOUT,
                socket_timeout=settings.QIAO_REDIS_SOCKET_TIMEOUT,
            )
        return int(_depth_client.llen(queue))
    except Exception:  # noqa: BLE001 - a metrics read must never fail the scrape
        return None

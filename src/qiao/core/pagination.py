"""Opaque cursors for keyset pagination (stable under inserts, unlike offsets)."""

from __future__ import annotations

import base64
import json
from typing import Any

from qiao.core.errors import Invalid


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise Invalid("Malformed cursor.", code="bad_cursor") from exc
    if not isinstance(value, list):
        raise Invalid("Malformed cursor.", code="bad_cursor")
    return value

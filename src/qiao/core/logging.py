"""Logs: structured JSON, one object a line carrying the request id (production, anything
that is not a terminal), or plain sentences for a person at a terminal."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    _skip = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in self._skip and not key.startswith("_"):
                payload[key] = value if isinstance(value, (int, float, str, bool)) else str(value)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """What a person running `qiao serve` in a terminal reads: the message, with the level
    in front only when it is a warning or worse."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.levelno >= logging.WARNING:
            text = f"{record.levelname.lower()}: {text}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def log_format(configured: str) -> str:
    """ "json" or "plain": as configured (QIAO_LOG_FORMAT), else plain on a terminal."""
    chosen = configured.strip().lower()
    if chosen in ("json", "plain"):
        return chosen
    stream = sys.stderr
    return "plain" if stream is not None and stream.isatty() else "json"

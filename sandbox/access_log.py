"""One log line per request, and the process's logging set-up (text or JSON).

A line says method, path, status, latency and request id, and never carries a secret:
the query string is logged with its values masked (bar a few harmless ones such as
`client_id` or `limit`), and path segments that are secrets themselves (the hosted
flow id) are replaced by a short digest, which still lets one follow a flow through
the log. Bodies and headers (codes, tokens, client secrets, records) are never logged.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.config import Settings
from sandbox.redact import safe_target

log = logging.getLogger("sandbox.access")

class AccessLogMiddleware:
    """Outermost: times the whole stack and logs after the response has started."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.enabled = logging.getLevelName(settings.log_level.upper()) <= logging.INFO

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.enabled:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        request_id = ""

        async def send_and_note(message: Message) -> None:
            nonlocal status, request_id
            if message["type"] == "http.response.start":
                status = message["status"]
                request_id = next((v.decode("latin-1") for k, v in message.get("headers", [])
                                   if k.lower() == b"x-request-id"), "")
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            latency_ms = round((time.perf_counter() - started) * 1000, 1)
            target = safe_target(scope["path"], scope.get("query_string", b"").decode("latin-1"),
                                 scope.get("path_params"))
            request_id = request_id or scope.get("state", {}).get("request_id", "")
            log.info("%s %s %s %.1fms %s", scope["method"], target, status, latency_ms, request_id,
                     extra={"method": scope["method"], "path": target, "status": status,
                            "latency_ms": latency_ms, "request_id": request_id})


ACCESS_FIELDS = ("method", "path", "status", "latency_ms", "request_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, plus the access fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the process (uvicorn applies it at start-up).

    The sandbox's loggers and uvicorn's own (start-up, errors) share one handler on stderr
    in the chosen format; uvicorn's access logger is silenced (full query strings).
    """
    level = settings.log_level.upper()
    formatter: dict[str, Any] = (
        {"()": "sandbox.access_log.JsonFormatter"} if settings.log_format == "json"
        else {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"sandbox": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "sandbox",
                                "stream": "ext://sys.stderr"}},
        "loggers": {
            "sandbox": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }

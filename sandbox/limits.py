"""Request size limits the server itself does not enforce.

uvicorn (httptools) refuses very long request lines but sets no limit on header size,
so an oversized header block would be processed like any request. Here: 431 above
MAX_HEADER_BYTES of headers, 414 above MAX_TARGET_BYTES of path and query (RFC 9110
§15.5.15, RFC 6585 §5). Bodies are bounded where they are read (token, controls, contract).
"""

from __future__ import annotations

from typing import ClassVar

from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.errors import ApiError, render_error

MAX_HEADER_BYTES = 16 * 1024
MAX_TARGET_BYTES = 16 * 1024


class HeadersTooLarge(ApiError):
    status: ClassVar[int] = 431
    error: ClassVar[str] = "invalid_request"


class UriTooLong(ApiError):
    status: ClassVar[int] = 414
    error: ClassVar[str] = "invalid_request"


class LimitsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal: ApiError | None = None
            header_bytes = sum(len(k) + len(v) + 4 for k, v in scope["headers"])
            target_bytes = len(scope.get("raw_path") or b"") + len(scope.get("query_string", b""))
            if header_bytes > MAX_HEADER_BYTES:
                refusal = HeadersTooLarge(f"The request headers are larger than {MAX_HEADER_BYTES} "
                                          "bytes.")
            elif target_bytes > MAX_TARGET_BYTES:
                refusal = UriTooLong(f"The request target is longer than {MAX_TARGET_BYTES} bytes.")
            if refusal is not None:
                await render_error(refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)

"""Keeps the sandbox controls apart from the emulated API.

`SANDBOX_CONTROLS=off`: every /_sandbox path is a 404, as if it did not exist (health
stays up for container health checks: it exposes no state and changes nothing).
`SANDBOX_CONTROLS_TOKEN`: /_sandbox needs `Authorization: Bearer <token>`, compared in
constant time.
"""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.config import Settings
from sandbox.errors import ApiError, NotFound, render_error

OPEN_PATHS = frozenset({"/_sandbox/health"})


class ControlsUnauthorized(ApiError):
    status = 401
    error = "unauthorized"

    def __init__(self, description: str) -> None:
        super().__init__(description, {"WWW-Authenticate": 'Bearer realm="sandbox-controls"'})


class ControlsGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.off = settings.controls == "off"
        self.token = settings.controls_token.encode()

    def _refusal(self, scope: Scope) -> ApiError | None:
        path = scope["path"]
        if not path.startswith("/_sandbox") or path in OPEN_PATHS:
            return None
        if self.off:
            return NotFound(f"No such endpoint: {scope['method']} {path}.")
        if not self.token:
            return None
        header = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        scheme, _, presented = header.partition(b" ")
        if scheme.lower() != b"bearer" or not hmac.compare_digest(presented.strip(), self.token):
            return ControlsUnauthorized("The sandbox controls need Authorization: Bearer "
                                        "<SANDBOX_CONTROLS_TOKEN>.")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self._refusal(scope) if scope["type"] == "http" else None
        if refusal is None:
            await self.app(scope, receive, send)
        else:
            await render_error(refusal)(scope, receive, send)

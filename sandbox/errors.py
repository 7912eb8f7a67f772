"""Every error the sandbox can emit: declared once as a class, rendered by one function.

The status and `error` code of a class never change after construction. `render_error`
turns any of them into the JSON body `{"error", "error_description"}` with the headers
the class declares (`WWW-Authenticate`, `Retry-After`, ...). Redirect-style errors at
authorize are rendered by `oauth.authorize` from the same classes.
"""

from __future__ import annotations

from typing import ClassVar

from starlette.responses import JSONResponse, Response


class ApiError(Exception):
    status: ClassVar[int] = 400
    error: ClassVar[str] = "invalid_request"

    def __init__(self, description: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.headers = dict(headers or {})

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


# RFC 6749 §4.1.2.1 / §5.2
class InvalidRequest(ApiError):
    error = "invalid_request"


class InvalidClient(ApiError):
    status = 401
    error = "invalid_client"

    def __init__(self, description: str) -> None:
        super().__init__(description, {"WWW-Authenticate": 'Basic realm="consolidate-sandbox"'})


class InvalidGrant(ApiError):
    error = "invalid_grant"


class UnauthorizedClient(ApiError):
    error = "unauthorized_client"


class UnsupportedGrantType(ApiError):
    error = "unsupported_grant_type"


class UnsupportedResponseType(ApiError):
    error = "unsupported_response_type"


class InvalidScope(ApiError):
    error = "invalid_scope"


class AccessDenied(ApiError):
    status = 403
    error = "access_denied"


# RFC 6750 §3.1
class MissingToken(ApiError):
    """No credentials at all: RFC 6750 §3.1 says the challenge carries no error code."""

    status = 401
    error = "invalid_token"

    def __init__(self, description: str = "This endpoint needs an Authorization: Bearer "
                 "<access_token> header.") -> None:
        super().__init__(description, {"WWW-Authenticate": 'Bearer realm="consolidate-sandbox"'})


class InvalidToken(ApiError):
    status = 401
    error = "invalid_token"

    def __init__(self, description: str) -> None:
        challenge = (f'Bearer realm="consolidate-sandbox", error="invalid_token", '
                     f'error_description="{_quoted(description)}"')
        super().__init__(description, {"WWW-Authenticate": challenge})


class InsufficientScope(ApiError):
    status = 403
    error = "insufficient_scope"

    def __init__(self, description: str, scope: str = "patient:read-all") -> None:
        challenge = (f'Bearer realm="consolidate-sandbox", error="insufficient_scope", '
                     f'scope="{scope}"')
        super().__init__(description, {"WWW-Authenticate": challenge})


class NotFound(ApiError):
    status = 404
    error = "not_found"


class MethodNotAllowed(ApiError):
    status = 405
    error = "method_not_allowed"


class PayloadTooLarge(ApiError):
    status = 413
    error = "invalid_request"


class RateLimited(ApiError):
    status = 429
    error = "rate_limited"

    def __init__(self, description: str, retry_after: int, extra: dict[str, str] | None = None):
        super().__init__(description, {"Retry-After": str(retry_after), **(extra or {})})


class ConnectionUnavailable(ApiError):
    """An EHR connection behind the patient failed; the record set cannot be served."""

    status = 502
    error = "ehr_connection_error"


class ServerError(ApiError):
    status = 500
    error = "server_error"


class TemporarilyUnavailable(ApiError):
    status = 503
    error = "temporarily_unavailable"

    def __init__(self, description: str, retry_after: int = 30) -> None:
        super().__init__(description, {"Retry-After": str(retry_after)})


def _quoted(text: str) -> str:
    # A quoted-string in WWW-Authenticate may not carry quotes, backslashes or controls.
    return "".join(c for c in text if c.isprintable() and c not in '"\\')


def render_error(exc: ApiError, extra_headers: dict[str, str] | None = None) -> Response:
    headers = {"Cache-Control": "no-store", **exc.headers, **(extra_headers or {})}
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

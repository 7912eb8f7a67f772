"""create_app(settings): the whole stack in one screen.

Surfaces, kept apart: the emulated public API (/connect/api/v1/...), the hosted patient
pages (/connect/api/v1/authorize/...), and the sandbox controls (/_sandbox/...).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import __version__, docs, landing, records_api
from sandbox.access_log import AccessLogMiddleware
from sandbox.config import Settings
from sandbox.errors import ApiError, MethodNotAllowed, NotFound, render_error
from sandbox.knobs import routes as knob_routes
from sandbox.knobs.guard import ControlsGuard
from sandbox.knobs.journal import JournalMiddleware
from sandbox.limits import LimitsMiddleware
from sandbox.oauth import hosted
from sandbox.oauth.routes import ROUTES as OAUTH_ROUTES
from sandbox.request_id import RequestIdMiddleware
from sandbox.services import Services
from sandbox.validation import ContractMiddleware


async def health(request: Request) -> Response:
    services = Services.of(request)
    return JSONResponse({
        "status": "ok",
        "version": __version__,
        "sandbox_time": services.clock.now().isoformat().replace("+00:00", "Z"),
        "consent_mode": services.settings.consent_mode,
    })


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return render_error(exc)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        allow = (exc.headers or {}).get("Allow", "")
        return render_error(MethodNotAllowed(f"{request.method} is not allowed on "
                                             f"{request.url.path}; use {allow}."),
                            {"Allow": allow} if allow else None)
    return render_error(NotFound(f"No such endpoint: {request.method} {request.url.path}."))


async def flow_gone(request: Request, exc: Exception) -> Response:
    return hosted.gone_page()


def create_app(settings: Settings) -> Starlette:
    services = Services.build(settings)
    routes = [*landing.ROUTES, *OAUTH_ROUTES, *records_api.ROUTES, *docs.ROUTES, *knob_routes.ROUTES,
              Route("/_sandbox/health", health, methods=["GET"])]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(AccessLogMiddleware, settings=settings),
            Middleware(RequestIdMiddleware),
            Middleware(LimitsMiddleware),
            Middleware(JournalMiddleware, journal=services.journal, clock=services.clock),
            Middleware(ControlsGuard, settings=settings),
            Middleware(ContractMiddleware, contract=services.contract, mode=settings.validation),
        ],
        exception_handlers={ApiError: api_error, HTTPException: http_error,
                            hosted.FlowGone: flow_gone},
    )
    app.state.services = services
    return app

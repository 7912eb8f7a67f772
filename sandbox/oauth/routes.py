"""The authorization server's routes: authorize, the hosted pages, token."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.errors import AccessDenied, ApiError, ServerError, TemporarilyUnavailable
from sandbox.knobs import inject
from sandbox.knobs.faults import AUTHORIZE_REDIRECTS
from sandbox.oauth import consent, hosted
from sandbox.oauth.authorize import ClientRejected, RedirectError, parse_authorize
from sandbox.oauth.token_endpoint import token
from sandbox.pages import render
from sandbox.services import Services
from sandbox.store import Flow


def client_rejected(request: Request, exc: ClientRejected) -> Response:
    """400 and never a redirect: the redirect URI cannot be trusted (RFC 6749 §4.1.2.1)."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": "invalid_request", "error_description": exc.description},
                            status_code=400, headers={"Cache-Control": "no-store"})
    return render("error.html", 400, title="This app's sign-in link is not valid",
                  message=exc.description,
                  hint="You were not sent back to the app because its redirect address could "
                       "not be trusted. If you are the app's developer, fix the authorize URL.")


async def authorize(request: Request) -> Response:
    services = Services.of(request)
    try:
        req = parse_authorize(request.query_params, services.clients, services.settings.seed)
    except ClientRejected as exc:
        return client_rejected(request, exc)
    except RedirectError as exc:
        return RedirectResponse(exc.location, status_code=302)
    request.state.client_id = req.client.client_id
    request.state.patient_id = req.patient.patient_id
    ctx = {"operation": "authorize", "client_id": req.client.client_id,
           "patient_id": req.patient.patient_id}
    carried = req.faults if services.settings.controls == "on" else ()
    faults = await inject.check(request, "authorize", ctx, carried)
    for name, error_class in AUTHORIZE_FAULTS.items():
        if name in faults:
            error = error_class(f"{AUTHORIZE_REDIRECTS[name]} (sandbox fault)")
            location = RedirectError(error, req.redirect_uri, req.state).location
            return RedirectResponse(location, status_code=302)
    flow = Flow(flow_id=secrets.token_urlsafe(32), client_id=req.client.client_id,
                redirect_uri=req.redirect_uri, state=req.state, scope=req.scope,
                patient=req.patient, code_challenge=req.code_challenge,
                created_at=services.clock.time(), faults=carried)
    mode = services.settings.consent_mode
    if mode == "auto-approve":
        return RedirectResponse(consent.approve(services, flow), status_code=302)
    if mode == "auto-deny":
        return RedirectResponse(consent.deny(services, flow), status_code=302)
    services.store.put_flow(flow)
    return RedirectResponse(f"{hosted.PREFIX}/{flow.flow_id}/verify", status_code=302)


# Faults that authorize delivers as error redirects (RFC 6749 §4.1.2.1 codes).
AUTHORIZE_FAULTS: dict[str, type[ApiError]] = {
    "access_denied": AccessDenied, "server_error": ServerError,
    "temporarily_unavailable": TemporarilyUnavailable}

P = hosted.PREFIX
ROUTES = [
    Route(P, authorize, methods=["GET"], name="authorize"),
    Route(P + "/{flow_id}/verify", hosted.verify, methods=["GET", "POST"]),
    Route(P + "/{flow_id}/care", hosted.care, methods=["GET", "POST"]),
    Route(P + "/{flow_id}/connect/{system_id}", hosted.connect, methods=["GET", "POST"]),
    Route(P + "/{flow_id}/connect/{system_id}/otp", hosted.connect_otp, methods=["GET", "POST"]),
    Route(P + "/{flow_id}/review", hosted.review, methods=["GET", "POST"]),
    Route(P + "/{flow_id}/cancel", hosted.cancel, methods=["POST"]),
    Route("/connect/api/v1/token", token, methods=["POST"], name="token"),
]
